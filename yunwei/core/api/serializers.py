from rest_framework import serializers


class RestrictedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """Accepts only related objects the requesting user may see."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is not None and hasattr(queryset, "restrict"):
            return queryset.restrict(request.user, "view")
        return queryset


class RestrictedModelSerializer(serializers.ModelSerializer):
    serializer_related_field = RestrictedPrimaryKeyRelatedField
    display = serializers.SerializerMethodField()

    def get_display(self, obj) -> str:
        return str(obj)
