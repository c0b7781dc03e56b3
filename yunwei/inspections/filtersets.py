import django_filters
from django.utils.translation import gettext_lazy as _

from yunwei.cmdb.models import System
from yunwei.inspections.choices import AlertSeverity, AlertStatus, ResultStatus, RunTrigger
from yunwei.inspections.models import (
    Alert,
    CheckDefinition,
    CheckResult,
    Endpoint,
    InspectionPlan,
    InspectionRun,
)
from yunwei.utilities.filtersets import SearchFilterSet, visible

visible_systems = visible(System)
visible_plans = visible(InspectionPlan)


class CheckDefinitionFilterSet(SearchFilterSet):
    search_fields = ("name", "check_type", "description")

    class Meta:
        model = CheckDefinition
        fields = ["q"]


class EndpointFilterSet(SearchFilterSet):
    search_fields = ("name", "url", "address")
    system = django_filters.ModelChoiceFilter(queryset=visible_systems, label=_("system"))

    class Meta:
        model = Endpoint
        fields = ["q", "system"]


class InspectionPlanFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    system = django_filters.ModelChoiceFilter(queryset=visible_systems, label=_("system"))

    class Meta:
        model = InspectionPlan
        fields = ["q", "system", "enabled"]


class InspectionRunFilterSet(SearchFilterSet):
    search_fields = ("title",)
    plan = django_filters.ModelChoiceFilter(queryset=visible_plans, label=_("plan"))
    trigger = django_filters.ChoiceFilter(choices=RunTrigger.choices, label=_("started by"))

    class Meta:
        model = InspectionRun
        fields = ["q", "plan", "trigger"]


class CheckResultFilterSet(SearchFilterSet):
    search_fields = ("target_label", "message")
    status = django_filters.ChoiceFilter(choices=ResultStatus.choices, label=_("status"))

    class Meta:
        model = CheckResult
        fields = ["q", "status", "run", "check_definition", "target_key"]


class AlertFilterSet(SearchFilterSet):
    search_fields = ("target_label", "message")
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices, label=_("status"))
    severity = django_filters.ChoiceFilter(choices=AlertSeverity.choices, label=_("severity"))
    acknowledged = django_filters.ChoiceFilter(
        choices=[("yes", _("Acknowledged")), ("no", _("Not acknowledged"))],
        method="filter_acknowledged",
        label=_("acknowledged"),
    )
    system = django_filters.ModelChoiceFilter(queryset=visible_systems, label=_("system"))

    class Meta:
        model = Alert
        fields = ["q", "status", "severity", "acknowledged", "system"]

    def filter_acknowledged(self, queryset, name, value):
        return queryset.filter(acknowledged_at__isnull=(value == "no"))
