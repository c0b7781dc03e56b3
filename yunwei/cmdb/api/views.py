from yunwei.cmdb import filtersets
from yunwei.cmdb.actions import do_save_database
from yunwei.cmdb.api import serializers
from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.core.api.base import RestrictedModelViewSet


class SystemViewSet(RestrictedModelViewSet):
    queryset = System.objects.select_related("owner_organisation").prefetch_related("vendors")
    serializer_class = serializers.SystemSerializer
    filterset_class = filtersets.SystemFilterSet


class HostViewSet(RestrictedModelViewSet):
    queryset = Host.objects.select_related("system")
    serializer_class = serializers.HostSerializer
    filterset_class = filtersets.HostFilterSet


class DatabaseInstanceViewSet(RestrictedModelViewSet):
    """Databases; ``password`` is write-only and stored encrypted (``password_set`` tells)."""

    queryset = DatabaseInstance.objects.select_related("system", "host")
    serializer_class = serializers.DatabaseInstanceSerializer
    filterset_class = filtersets.DatabaseInstanceFilterSet

    def _save(self, serializer, instance):
        data = dict(serializer.validated_data)
        password = data.pop("password", None)
        for key, value in data.items():
            setattr(instance, key, value)
        do_save_database(instance, actor=self.request.user, password=password or None)
        serializer.instance = instance

    def perform_create(self, serializer):
        self._save(serializer, DatabaseInstance())

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)


class MiddlewareViewSet(RestrictedModelViewSet):
    queryset = Middleware.objects.select_related("system", "host")
    serializer_class = serializers.MiddlewareSerializer
    filterset_class = filtersets.MiddlewareFilterSet


class InterfaceViewSet(RestrictedModelViewSet):
    queryset = Interface.objects.select_related("source_system", "target_system")
    serializer_class = serializers.InterfaceSerializer
    filterset_class = filtersets.InterfaceFilterSet


class ContactViewSet(RestrictedModelViewSet):
    queryset = Contact.objects.select_related("organisation", "vendor").prefetch_related("systems")
    serializer_class = serializers.ContactSerializer
    filterset_class = filtersets.ContactFilterSet
