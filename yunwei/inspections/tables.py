import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yunwei.inspections.choices import AlertSeverity, AlertStatus, ResultStatus, RunStatus
from yunwei.inspections.models import (
    Alert,
    CheckDefinition,
    CheckResult,
    Endpoint,
    InspectionPlan,
    InspectionRun,
)
from yunwei.utilities.tables import BaseTable, ChoiceColumn

DATETIME = "Y-m-d H:i"


class CheckDefinitionTable(BaseTable):
    name = tables.Column(linkify=True)
    check_type = tables.Column(accessor="type_label", verbose_name=_("check type"), orderable=False)

    class Meta(BaseTable.Meta):
        model = CheckDefinition
        fields = ("name", "check_type", "timeout_seconds", "open_after", "close_after")


class EndpointTable(BaseTable):
    name = tables.Column(linkify=True)
    system = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Endpoint
        fields = ("name", "system", "environment", "url", "address", "port")


class InspectionPlanTable(BaseTable):
    name = tables.Column(linkify=True)
    system = tables.Column(linkify=True)
    item_count = tables.Column(verbose_name=_("checks"), orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = InspectionPlan
        fields = ("name", "system", "enabled", "workdays_only", "times", "item_count")

    def render_item_count(self, record):
        return record.items.count()


class InspectionRunTable(BaseTable):
    title = tables.Column(linkify=True)
    status = ChoiceColumn(RunStatus)
    started_at = tables.DateTimeColumn(format=DATETIME)
    summary = tables.Column(verbose_name=_("results"), orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = InspectionRun
        fields = ("title", "trigger", "started_at", "status", "summary")

    def render_summary(self, record):
        parts = [
            format_html(
                '<span class="badge text-bg-{}">{} {}</span>',
                ResultStatus.color(status),
                ResultStatus(status).label,
                count,
            )
            for status, count in (record.counts or {}).items()
            if count
        ]
        return format_html(" ".join(["{}"] * len(parts)), *parts) if parts else "—"

    def value_summary(self, record):
        return " ".join(f"{k}={v}" for k, v in (record.counts or {}).items() if v)


class CheckResultTable(BaseTable):
    target_label = tables.Column(verbose_name=_("target"))
    check_definition = tables.Column(verbose_name=_("check"))
    status = ChoiceColumn(ResultStatus)
    message = tables.Column()
    duration_ms = tables.Column()
    checked_at = tables.DateTimeColumn(format=DATETIME)
    history = tables.Column(
        verbose_name="", orderable=False, empty_values=(), exclude_from_export=True
    )

    class Meta(BaseTable.Meta):
        model = CheckResult
        fields = (
            "target_label",
            "check_definition",
            "status",
            "message",
            "duration_ms",
            "checked_at",
        )

    def render_history(self, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("inspections:history", args=[record.check_definition_id, record.target_key]),
            _("history"),
        )


class AlertTable(BaseTable):
    target_label = tables.Column(linkify=True, verbose_name=_("target"))
    check_definition = tables.Column(verbose_name=_("check"))
    severity = ChoiceColumn(AlertSeverity)
    status = ChoiceColumn(AlertStatus)
    opened_at = tables.DateTimeColumn(format=DATETIME)
    last_seen_at = tables.DateTimeColumn(format=DATETIME)
    acknowledged_by = tables.Column()
    ticket = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Alert
        fields = (
            "target_label",
            "check_definition",
            "severity",
            "status",
            "message",
            "occurrences",
            "opened_at",
            "last_seen_at",
            "acknowledged_by",
            "ticket",
        )
