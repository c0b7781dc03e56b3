"""Base API views: every queryset goes through ``restrict()``; writes go through actions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, viewsets

from yunwei.core.api.permissions import ACTION_FOR_METHOD


class RestrictedViewSetMixin:
    def get_queryset(self):
        action = ACTION_FOR_METHOD.get(self.request.method, "view")
        if action == "add":
            action = "view"
        return super().get_queryset().restrict(self.request.user, action)


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class RestrictedModelViewSet(RestrictedViewSetMixin, viewsets.ModelViewSet):
    """Create/update/delete through ``do_save_object``/``do_delete_object`` (audited).

    A model validation error raised while saving becomes a 400 with the field messages.
    """

    def perform_save(self, save):
        try:
            save()
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise serializers.ValidationError(detail) from exc

    def perform_create(self, serializer):
        from yunwei.core.actions import do_save_object

        instance = serializer.Meta.model(**_plain(serializer.validated_data))
        self.perform_save(
            lambda: do_save_object(
                instance, actor=self.request.user, m2m=_m2m(serializer.validated_data)
            )
        )
        serializer.instance = instance

    def perform_update(self, serializer):
        from yunwei.core.actions import do_save_object

        instance = serializer.instance
        for key, value in _plain(serializer.validated_data).items():
            setattr(instance, key, value)
        self.perform_save(
            lambda: do_save_object(
                instance, actor=self.request.user, m2m=_m2m(serializer.validated_data)
            )
        )

    def perform_destroy(self, instance):
        from yunwei.core.actions import do_delete_object

        do_delete_object(instance, actor=self.request.user)


def _plain(data):
    return {k: v for k, v in data.items() if not isinstance(v, list)}


def _m2m(data):
    return {k: v for k, v in data.items() if isinstance(v, list)}
