import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from yunwei.core.choices import OrganisationLevel
from yunwei.core.models import AuditEntry, Organisation, Role, User, Vendor
from yunwei.utilities.filtersets import SearchFilterSet, visible

visible_organisations = visible(Organisation)
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class OrganisationFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "short_name")
    level = django_filters.ChoiceFilter(choices=OrganisationLevel.choices, label=_("level"))
    parent = django_filters.ModelChoiceFilter(queryset=visible_organisations, label=_("parent"))

    class Meta:
        model = Organisation
        fields = ["q", "level", "parent", "is_active"]


class UserFilterSet(SearchFilterSet):
    search_fields = ("username", "full_name", "phone", "email")
    organisation = django_filters.ModelChoiceFilter(
        queryset=visible_organisations, label=_("organisation"), method="in_subtree"
    )
    role = django_filters.ModelChoiceFilter(
        queryset=Role.objects.all(), field_name="roles", label=_("role")
    )
    vendor = django_filters.ModelChoiceFilter(queryset=visible(Vendor), label=_("vendor"))

    class Meta:
        model = User
        fields = ["q", "organisation", "role", "vendor", "is_active"]

    def in_subtree(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)


class VendorFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "short_name", "contact_name")

    class Meta:
        model = Vendor
        fields = ["q", "is_active"]


class RoleFilterSet(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = Role
        fields = ["q", "data_scope"]


class AuditEntryFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "actor_name", "action", "request_id")
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("from"), widget=DATE_INPUT
    )
    until = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("to"), widget=DATE_INPUT
    )
    actor = django_filters.CharFilter(field_name="actor_name", label=_("actor"))
    action = django_filters.CharFilter(
        field_name="action", lookup_expr="startswith", label=_("action")
    )
    object_type = django_filters.CharFilter(field_name="object_type", label=_("object type"))
    source_ip = django_filters.CharFilter(field_name="source_ip", label=_("source IP"))

    class Meta:
        model = AuditEntry
        fields = ["q", "since", "until", "actor", "action", "object_type", "source_ip"]
