from rest_framework import serializers

from yunwei.core.api.serializers import RestrictedModelSerializer
from yunwei.knowledge.models import Article, ArticleVersion, Category


class CategorySerializer(RestrictedModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "display", "name", "parent", "sort_order", "description"]


class ArticleSerializer(RestrictedModelSerializer):
    note = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text="Change note of this version."
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "display",
            "code",
            "title",
            "body",
            "kind",
            "category",
            "systems",
            "tags",
            "status",
            "version",
            "author",
            "reviewer",
            "review_note",
            "published_at",
            "source_ticket",
            "helpful_count",
            "unhelpful_count",
            "organisation",
            "created_at",
            "updated_at",
            "note",
        ]
        read_only_fields = [
            "status",
            "version",
            "author",
            "reviewer",
            "review_note",
            "published_at",
            "source_ticket",
            "helpful_count",
            "unhelpful_count",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"organisation": {"required": False}, "code": {"required": False}}


class ArticleVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArticleVersion
        fields = ["number", "title", "body", "author", "note", "created_at"]


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class VoteSerializer(serializers.Serializer):
    helpful = serializers.BooleanField()


class HitSerializer(serializers.Serializer):
    source = serializers.CharField()
    object_id = serializers.IntegerField()
    title = serializers.CharField()
    title_html = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: escaped text with <mark> around matches.")
    url = serializers.CharField()
    score = serializers.FloatField()
    kind = serializers.CharField()
    status = serializers.CharField()
