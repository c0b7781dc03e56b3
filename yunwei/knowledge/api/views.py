from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from yunwei.core.api.base import RestrictedModelViewSet
from yunwei.knowledge import actions, filtersets
from yunwei.knowledge.api import serializers
from yunwei.knowledge.models import Article, Category
from yunwei.knowledge.search import search, similar


def _call(fn):
    try:
        return fn()
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        raise drf_serializers.ValidationError(detail) from exc


class CategoryViewSet(RestrictedModelViewSet):
    queryset = Category.objects.select_related("parent")
    serializer_class = serializers.CategorySerializer


class ArticleViewSet(RestrictedModelViewSet):
    """Articles. Writes go through the knowledge actions: every save is a new version; the
    workflow is ``submit`` → ``review`` → ``publish`` (→ ``archive``)."""

    queryset = Article.objects.select_related("category", "author", "reviewer").prefetch_related(
        "systems"
    )
    serializer_class = serializers.ArticleSerializer
    filterset_class = filtersets.ArticleFilterSet

    def _fields(self, serializer):
        data = dict(serializer.validated_data)
        note = data.pop("note", "")
        systems = data.pop("systems", None)
        return data, note, systems

    def perform_create(self, serializer):
        data, note, systems = self._fields(serializer)
        serializer.instance = _call(
            lambda: actions.do_create_article(
                actor=self.request.user, note=note, systems=systems or [], **data
            )
        )

    def perform_update(self, serializer):
        data, note, systems = self._fields(serializer)
        serializer.instance = _call(
            lambda: actions.do_update_article(
                serializer.instance, actor=self.request.user, note=note, systems=systems, **data
            )
        )

    def perform_destroy(self, instance):
        _call(lambda: actions.do_delete_article(instance, actor=self.request.user))

    def _transition(self, fn):
        article = self.get_object()
        article = _call(lambda: fn(article))
        return Response(self.get_serializer(article).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(lambda a: actions.do_submit_for_review(a, actor=request.user))

    @extend_schema(request=serializers.ReviewSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        body = serializers.ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._transition(
            lambda a: actions.do_review(a, actor=request.user, **body.validated_data)
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition(lambda a: actions.do_publish(a, actor=request.user))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._transition(
            lambda a: actions.do_archive(
                a, actor=request.user, reason=request.data.get("reason", "")
            )
        )

    @extend_schema(request=serializers.VoteSerializer)
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        body = serializers.VoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        article = self.get_object()
        _call(lambda: actions.do_vote(article, actor=request.user, **body.validated_data))
        article.refresh_from_db()
        return Response(self.get_serializer(article).data)

    @extend_schema(responses=serializers.ArticleVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        article = self.get_object()
        return Response(
            serializers.ArticleVersionSerializer(article.versions.all(), many=True).data
        )

    WORKFLOW = ("submit", "review", "publish", "archive", "vote")

    def get_permissions(self):
        # The workflow actions check their own permissions and separation of duties.
        if self.action in self.WORKFLOW:
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        if self.action in self.WORKFLOW:
            return Article.objects.restrict(self.request.user, "view")
        return super().get_queryset()


def _hits_response(hits):
    return Response(
        serializers.HitSerializer(
            [
                {**hit.__dict__, "snippet": str(hit.snippet), "title_html": str(hit.title_html)}
                for hit in hits
            ],
            many=True,
        ).data
    )


class SearchView(APIView):
    """Chinese full-text search across the articles and tickets the caller may see."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("kinds", str, description="comma list: article, ticket, faq, …"),
            OpenApiParameter("limit", int),
        ],
        responses=serializers.HitSerializer(many=True),
    )
    def get(self, request):
        kinds = [k for k in request.query_params.get("kinds", "").split(",") if k] or None
        try:
            limit = max(1, min(100, int(request.query_params.get("limit", 10))))
        except ValueError:
            limit = 10
        return _hits_response(
            search(request.user, request.query_params.get("q", ""), kinds=kinds, limit=limit)
        )


class SuggestView(APIView):
    """Published articles and visible tickets similar to a problem being typed."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("text", str, required=True), OpenApiParameter("limit", int)],
        responses=serializers.HitSerializer(many=True),
    )
    def get(self, request):
        try:
            limit = max(1, min(20, int(request.query_params.get("limit", 5))))
        except ValueError:
            limit = 5
        return _hits_response(similar(request.user, request.query_params.get("text", ""), limit))
