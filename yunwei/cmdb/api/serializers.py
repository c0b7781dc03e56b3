import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.core.api.serializers import RestrictedModelSerializer


class CmdbSerializer(RestrictedModelSerializer):
    """Runs the model's own validation (``clean`` and unique checks) and reports it as 400."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        concrete = {field.name for field in model._meta.concrete_fields}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for key, value in attrs.items():
            if key in concrete:
                setattr(instance, key, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        return attrs


class SystemSerializer(CmdbSerializer):
    class Meta:
        model = System
        fields = [
            "id",
            "display",
            "code",
            "name",
            "short_name",
            "description",
            "owner_organisation",
            "vendors",
            "criticality",
            "business_domains",
            "go_live_date",
            "status",
        ]


class HostSerializer(CmdbSerializer):
    class Meta:
        model = Host
        fields = [
            "id",
            "display",
            "hostname",
            "ip_address",
            "os",
            "cpu_cores",
            "memory_gb",
            "role",
            "system",
            "environment",
            "network_zone",
            "location",
            "status",
            "description",
        ]


class DatabaseInstanceSerializer(CmdbSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Stored encrypted; never returned. Omit or leave blank to keep the current one.",
    )
    password_set = serializers.BooleanField(source="password_is_set", read_only=True)

    class Meta:
        model = DatabaseInstance
        fields = [
            "id",
            "display",
            "name",
            "engine",
            "version",
            "host",
            "address",
            "port",
            "service_name",
            "role",
            "system",
            "environment",
            "username",
            "password",
            "password_set",
            "description",
        ]


class MiddlewareSerializer(CmdbSerializer):
    class Meta:
        model = Middleware
        fields = [
            "id",
            "display",
            "kind",
            "name",
            "version",
            "host",
            "port",
            "admin_url",
            "system",
            "environment",
            "description",
        ]


class InterfaceSerializer(CmdbSerializer):
    class Meta:
        model = Interface
        fields = [
            "id",
            "display",
            "code",
            "name",
            "source_system",
            "target_system",
            "counterparty",
            "protocol",
            "direction",
            "description",
            "criticality",
        ]


class ContactSerializer(CmdbSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "display",
            "name",
            "organisation",
            "company",
            "vendor",
            "position",
            "phone",
            "email",
            "systems",
            "note",
        ]
