import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from yunwei.cmdb.choices import (
    Counterparty,
    Criticality,
    DatabaseEngine,
    DatabaseRole,
    Environment,
    InstanceStatus,
    InterfaceProtocol,
    MiddlewareKind,
    NetworkZone,
    SystemStatus,
)
from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.core.models import Organisation, Vendor
from yunwei.utilities.filtersets import SearchFilterSet, visible

visible_systems = visible(System)
visible_hosts = visible(Host, select_related=("system",))
visible_vendors = visible(Vendor)
visible_organisations = visible(Organisation)


class SystemFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "short_name", "business_domains")
    criticality = django_filters.ChoiceFilter(choices=Criticality.choices, label=_("criticality"))
    status = django_filters.ChoiceFilter(choices=SystemStatus.choices, label=_("status"))
    vendor = django_filters.ModelChoiceFilter(
        queryset=visible_vendors, field_name="vendors", label=_("vendor"), distinct=True
    )
    owner_organisation = django_filters.ModelChoiceFilter(
        queryset=visible_organisations, label=_("owner organisation")
    )

    class Meta:
        model = System
        fields = ["q", "criticality", "status", "vendor", "owner_organisation"]


class HostFilterSet(SearchFilterSet):
    search_fields = ("hostname", "ip_address", "role", "os", "location")
    system = django_filters.ModelChoiceFilter(queryset=visible_systems, label=_("system"))
    environment = django_filters.ChoiceFilter(choices=Environment.choices, label=_("environment"))
    network_zone = django_filters.ChoiceFilter(choices=NetworkZone.choices, label=_("network zone"))
    status = django_filters.ChoiceFilter(choices=InstanceStatus.choices, label=_("status"))

    class Meta:
        model = Host
        fields = ["q", "system", "environment", "network_zone", "status"]


class DatabaseInstanceFilterSet(SearchFilterSet):
    search_fields = ("name", "service_name", "address", "host__hostname", "username")
    system = django_filters.ModelChoiceFilter(queryset=visible_systems, label=_("system"))
    environment = django_filters.ChoiceFilter(choices=Environment.choices, label=_("environment"))
    engine = django_filters.ChoiceFilter(choices=DatabaseEngine.choices, label=_("engine"))
    role = django_filters.ChoiceFilter(choices=DatabaseRole.choices, label=_("role"))
    host = django_filters.ModelChoiceFilter(queryset=visible_hosts, label=_("host"))

    class Meta:
        model = DatabaseInstance
        fields = ["q", "system", "environment", "engine", "role", "host"]


class MiddlewareFilterSet(SearchFilterSet):
    search_fields = ("name", "version", "host__hostname", "admin_url")
    system = django_filters.ModelChoiceFilter(queryset=visible_systems, label=_("system"))
    environment = django_filters.ChoiceFilter(choices=Environment.choices, label=_("environment"))
    kind = django_filters.ChoiceFilter(choices=MiddlewareKind.choices, label=_("kind"))
    host = django_filters.ModelChoiceFilter(queryset=visible_hosts, label=_("host"))

    class Meta:
        model = Middleware
        fields = ["q", "system", "environment", "kind", "host"]


@extend_schema_field(OpenApiTypes.INT)
class SystemIdFilter(django_filters.ModelChoiceFilter):
    """A system chosen by id, for filters that match more than one field."""


class InterfaceFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "description")
    system = SystemIdFilter(queryset=visible_systems, label=_("system"), method="either_end")
    source_system = django_filters.ModelChoiceFilter(
        queryset=visible_systems, label=_("source system")
    )
    target_system = django_filters.ModelChoiceFilter(
        queryset=visible_systems, label=_("target system")
    )
    counterparty = django_filters.ChoiceFilter(
        choices=Counterparty.choices, label=_("counterparty")
    )
    protocol = django_filters.ChoiceFilter(choices=InterfaceProtocol.choices, label=_("protocol"))
    criticality = django_filters.ChoiceFilter(choices=Criticality.choices, label=_("criticality"))

    class Meta:
        model = Interface
        fields = [
            "q",
            "system",
            "source_system",
            "target_system",
            "counterparty",
            "protocol",
            "criticality",
        ]

    def either_end(self, queryset, name, value):
        return queryset.filter(Q(source_system=value) | Q(target_system=value))


class ContactFilterSet(SearchFilterSet):
    search_fields = ("name", "phone", "email", "company", "position")
    system = django_filters.ModelChoiceFilter(
        queryset=visible_systems, field_name="systems", label=_("system"), distinct=True
    )
    vendor = django_filters.ModelChoiceFilter(queryset=visible_vendors, label=_("vendor"))
    organisation = django_filters.ModelChoiceFilter(
        queryset=visible_organisations, label=_("organisation"), method="in_subtree"
    )

    class Meta:
        model = Contact
        fields = ["q", "system", "vendor", "organisation"]

    def in_subtree(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)
