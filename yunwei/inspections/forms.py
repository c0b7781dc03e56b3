from django import forms
from django.utils.translation import gettext_lazy as _

from yunwei.inspections import checks
from yunwei.inspections.choices import ResultStatus
from yunwei.inspections.models import CheckDefinition, Endpoint, InspectionPlan, PlanItem
from yunwei.utilities.forms import BootstrapForm, RestrictedModelForm

TEXTAREA = forms.Textarea(attrs={"rows": 3})
JSON_AREA = forms.Textarea(attrs={"rows": 4, "class": "form-control font-monospace"})


class CheckDefinitionForm(RestrictedModelForm):
    check_type = forms.ChoiceField(label=_("check type"), choices=checks.type_choices)

    class Meta:
        model = CheckDefinition
        fields = [
            "name",
            "check_type",
            "params",
            "thresholds",
            "timeout_seconds",
            "open_after",
            "close_after",
            "open_ticket_on_critical",
            "description",
        ]
        widgets = {"params": JSON_AREA, "thresholds": JSON_AREA, "description": TEXTAREA}


class InspectionPlanForm(RestrictedModelForm):
    class Meta:
        model = InspectionPlan
        fields = [
            "name",
            "system",
            "enabled",
            "workdays_only",
            "times",
            "concurrency",
            "description",
        ]
        widgets = {"description": TEXTAREA}


class PlanItemForm(RestrictedModelForm):
    class Meta:
        model = PlanItem
        fields = [
            "plan",
            "check_definition",
            "host",
            "database",
            "middleware",
            "endpoint",
            "thresholds",
            "enabled",
        ]
        widgets = {"thresholds": JSON_AREA}


class EndpointForm(RestrictedModelForm):
    class Meta:
        model = Endpoint
        fields = ["name", "system", "environment", "url", "address", "port", "description"]
        widgets = {"description": TEXTAREA}


class AcknowledgeForm(BootstrapForm):
    note = forms.CharField(label=_("what is being done"), widget=TEXTAREA)


class ManualConfirmForm(BootstrapForm):
    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (ResultStatus.OK, ResultStatus.OK.label),
            (ResultStatus.WARNING, ResultStatus.WARNING.label),
            (ResultStatus.CRITICAL, ResultStatus.CRITICAL.label),
        ],
    )
    note = forms.CharField(label=_("note"), required=False, widget=TEXTAREA)
