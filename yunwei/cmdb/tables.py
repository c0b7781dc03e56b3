import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from yunwei.cmdb.choices import (
    Criticality,
    DatabaseRole,
    Environment,
    InstanceStatus,
    NetworkZone,
    SystemStatus,
)
from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.utilities.tables import BaseTable, ChoiceColumn


class SystemTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    owner_organisation = tables.Column()
    criticality = ChoiceColumn(Criticality)
    status = ChoiceColumn(SystemStatus)
    vendor_list = tables.Column(verbose_name=_("vendors"), empty_values=(), orderable=False)
    go_live_date = tables.DateColumn(format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = System
        fields = (
            "code",
            "name",
            "short_name",
            "owner_organisation",
            "criticality",
            "vendor_list",
            "go_live_date",
            "status",
        )

    def render_vendor_list(self, record):
        return "、".join(str(vendor) for vendor in record.vendors.all())

    def value_vendor_list(self, record):
        return self.render_vendor_list(record)


class HostTable(BaseTable):
    hostname = tables.Column(linkify=True)
    system = tables.Column(linkify=True)
    environment = ChoiceColumn(Environment)
    network_zone = ChoiceColumn(NetworkZone)
    status = ChoiceColumn(InstanceStatus)

    class Meta(BaseTable.Meta):
        model = Host
        fields = (
            "hostname",
            "ip_address",
            "system",
            "environment",
            "network_zone",
            "role",
            "os",
            "cpu_cores",
            "memory_gb",
            "location",
            "status",
        )


class DatabaseInstanceTable(BaseTable):
    name = tables.Column(linkify=True)
    system = tables.Column(linkify=True)
    environment = ChoiceColumn(Environment)
    role = ChoiceColumn(DatabaseRole)
    host = tables.Column(linkify=True)
    password_state = tables.Column(
        verbose_name=_("password"), empty_values=(), orderable=False, accessor="password_is_set"
    )

    class Meta(BaseTable.Meta):
        model = DatabaseInstance
        fields = (
            "name",
            "system",
            "environment",
            "role",
            "engine",
            "version",
            "host",
            "address",
            "port",
            "service_name",
            "username",
            "password_state",
        )

    def render_password_state(self, record):
        return _("set") if record.password_is_set else _("not set")

    def value_password_state(self, record):
        return str(self.render_password_state(record))


class MiddlewareTable(BaseTable):
    name = tables.Column(linkify=True)
    system = tables.Column(linkify=True)
    environment = ChoiceColumn(Environment)
    host = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Middleware
        fields = ("name", "kind", "version", "system", "environment", "host", "port", "admin_url")


class InterfaceTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    source_system = tables.Column(linkify=True)
    target = tables.Column(
        verbose_name=_("target"), accessor="target_display", empty_values=(), orderable=False
    )
    criticality = ChoiceColumn(Criticality)

    class Meta(BaseTable.Meta):
        model = Interface
        fields = ("code", "name", "source_system", "target", "protocol", "direction", "criticality")


class ContactTable(BaseTable):
    name = tables.Column(linkify=True)
    unit = tables.Column(
        verbose_name=_("unit"), accessor="unit_display", empty_values=(), orderable=False
    )
    system_list = tables.Column(verbose_name=_("systems"), empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = Contact
        fields = ("name", "unit", "position", "phone", "email", "system_list")

    def render_system_list(self, record):
        return "、".join(system.display_short for system in record.systems.all())

    def value_system_list(self, record):
        return self.render_system_list(record)
