"""Inspections: check definitions, plans (checks × targets × schedule), runs, results and
alerts.

Data scope (``yunwei.core.querysets``): plans, runs, results and alerts follow their system;
check definitions hold no data of a system and are visible to every user who may view them.
"""

import re
from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yunwei.cmdb.choices import Environment
from yunwei.core.querysets import RestrictedQuerySet
from yunwei.inspections import checks
from yunwei.inspections.choices import (
    AlertSeverity,
    AlertStatus,
    ResultStatus,
    RunStatus,
    RunTrigger,
    TargetKind,
)

TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_times(text: str) -> list[time]:
    """``"08:30, 12:00,17:30"`` → sorted times; ValidationError on anything else."""
    result = []
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        match = TIME_RE.match(part)
        if not match:
            raise ValidationError(
                _("“%(value)s” is not a time of day like 08:30.") % {"value": part}
            )
        result.append(time(int(match.group(1)), int(match.group(2))))
    return sorted(set(result))


class Endpoint(models.Model):
    """A URL or a host:port to inspect that the CMDB has no record for (an interface's
    address, a portal, a load balancer)."""

    name = models.CharField(_("name"), max_length=100)
    system = models.ForeignKey(
        "cmdb.System",
        verbose_name=_("system"),
        on_delete=models.PROTECT,
        related_name="inspection_endpoints",
    )
    environment = models.CharField(
        _("environment"), max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    url = models.CharField(_("URL"), max_length=500, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = "system"

    class Meta:
        ordering = ["system__code", "name"]
        verbose_name = _("endpoint")
        verbose_name_plural = _("endpoints")
        constraints = [
            models.UniqueConstraint(fields=["system", "name"], name="insp_endpoint_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:endpoint", args=[self.pk])

    def clean(self):
        if not self.url and not (self.address and self.port):
            raise ValidationError(_("Give a URL, or an address and a port."))
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ValidationError({"url": _("The URL must start with http:// or https://.")})


class CheckDefinition(models.Model):
    """A check type with its parameters, threshold overrides and alerting rules."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    check_type = models.CharField(_("check type"), max_length=30)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    thresholds = models.JSONField(
        _("thresholds"),
        default=dict,
        blank=True,
        help_text=_('Overrides of the defaults, e.g. {"disk_percent": {"warning": 80}}.'),
    )
    timeout_seconds = models.FloatField(_("timeout (s)"), default=10)
    open_after = models.PositiveSmallIntegerField(_("open an alert after N breaches"), default=1)
    close_after = models.PositiveSmallIntegerField(
        _("close an alert after N recoveries"), default=2
    )
    open_ticket_on_critical = models.BooleanField(
        _("open a ticket for a critical alert"), default=False
    )
    description = models.TextField(_("description"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("check")
        verbose_name_plural = _("checks")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:checkdefinition", args=[self.pk])

    @property
    def type(self):
        return checks.get(self.check_type)

    @property
    def type_label(self) -> str:
        check = self.type
        return str(check.label) if check else self.check_type

    def clean(self):
        check = self.type
        if check is None:
            raise ValidationError(
                {"check_type": _("Unknown check type %(value)s.") % {"value": self.check_type}}
            )
        errors = {}
        try:
            self.params = check.clean_params(self.params)
        except ValidationError as exc:
            errors["params"] = exc.messages
        try:
            self.thresholds = check.clean_thresholds(self.thresholds)
            check.check_threshold_order(check.effective_thresholds(self.thresholds))
        except ValidationError as exc:
            errors["thresholds"] = exc.messages
        if not 0.5 <= (self.timeout_seconds or 0) <= 600:
            errors["timeout_seconds"] = [_("The timeout must be between 0.5 and 600 seconds.")]
        if self.open_after < 1 or self.close_after < 1:
            errors["open_after"] = [_("Give at least 1.")]
        if errors:
            raise ValidationError(errors)


class InspectionPlan(models.Model):
    """Checks × targets × schedule: the plan runs at fixed times, on workdays only if asked."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    system = models.ForeignKey(
        "cmdb.System",
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    workdays_only = models.BooleanField(
        _("workdays only"),
        default=True,
        help_text=_("Follows the working calendar, with its holidays and make-up workdays."),
    )
    times = models.CharField(
        _("times"),
        max_length=200,
        default="08:30,12:00,17:30",
        blank=True,
        help_text=_("Times of day, comma-separated. Blank: only by hand."),
    )
    concurrency = models.PositiveSmallIntegerField(_("concurrent checks"), default=8)
    description = models.TextField(_("description"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = "system"

    class Meta:
        ordering = ["name"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:inspectionplan", args=[self.pk])

    def clean(self):
        self.times = ",".join(t.strftime("%H:%M") for t in parse_times(self.times))
        if not 1 <= self.concurrency <= 64:
            raise ValidationError({"concurrency": _("Give a number from 1 to 64.")})

    @property
    def time_list(self) -> list[time]:
        return parse_times(self.times)


TARGET_FIELDS = ("host", "database", "middleware", "endpoint")


class PlanItem(models.Model):
    """One check of one target in a plan, with per-target threshold overrides."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items"
    )
    check_definition = models.ForeignKey(
        CheckDefinition, verbose_name=_("check"), on_delete=models.PROTECT, related_name="items"
    )
    host = models.ForeignKey(
        "cmdb.Host", verbose_name=_("host"), null=True, blank=True, on_delete=models.CASCADE
    )
    database = models.ForeignKey(
        "cmdb.DatabaseInstance",
        verbose_name=_("database"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    middleware = models.ForeignKey(
        "cmdb.Middleware",
        verbose_name=_("middleware"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    endpoint = models.ForeignKey(
        Endpoint, verbose_name=_("endpoint"), null=True, blank=True, on_delete=models.CASCADE
    )
    thresholds = models.JSONField(_("thresholds for this target"), default=dict, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = "plan__system"

    class Meta:
        ordering = ["plan", "check_definition__name", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self):
        if not self.check_definition_id:
            return self.target_label
        return f"{self.check_definition} · {self.target_label}"

    def get_absolute_url(self):
        return reverse("inspections:inspectionplan", args=[self.plan_id])

    @property
    def target(self):
        for field in TARGET_FIELDS:
            if getattr(self, f"{field}_id"):
                return getattr(self, field)
        return None

    @property
    def target_kind(self) -> str:
        return next((f for f in TARGET_FIELDS if getattr(self, f"{f}_id")), "")

    @property
    def target_key(self) -> str:
        kind = self.target_kind
        return f"{kind}:{getattr(self, f'{kind}_id')}" if kind else ""

    @property
    def target_label(self) -> str:
        target = self.target
        if target is None:
            return "—"
        if self.target_kind == "host":
            return f"{target.hostname} ({target.ip_address})"
        return str(target)

    @property
    def target_system(self):
        target = self.target
        return getattr(target, "system", None) if target is not None else None

    def clean(self):
        chosen = [f for f in TARGET_FIELDS if getattr(self, f"{f}_id")]
        if len(chosen) != 1:
            raise ValidationError(
                _("Choose exactly one target: a host, a database, middleware or an endpoint.")
            )
        if not self.check_definition_id:
            return
        check = self.check_definition.type
        if check is None:
            return
        if chosen[0] not in check.target_kinds:
            raise ValidationError(
                _("A %(check)s check cannot inspect a %(kind)s.")
                % {"check": check.label, "kind": TargetKind(chosen[0]).label}
            )
        try:
            self.thresholds = check.clean_thresholds(self.thresholds)
            check.check_threshold_order(
                check.effective_thresholds(self.check_definition.thresholds, self.thresholds)
            )
        except ValidationError as exc:
            raise ValidationError({"thresholds": exc.messages}) from exc


class InspectionRun(models.Model):
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    title = models.CharField(_("title"), max_length=200)
    trigger = models.CharField(_("started by"), max_length=20, choices=RunTrigger.choices)
    started_by = models.ForeignKey(
        "core.User",
        verbose_name=_("started by user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    counts = models.JSONField(_("results by status"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = "plan__system"

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("inspection run")
        verbose_name_plural = _("inspection runs")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "scheduled_for"],
                condition=Q(scheduled_for__isnull=False),
                name="insp_run_one_per_slot",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspections:inspectionrun", args=[self.pk])


class CheckResult(models.Model):
    run = models.ForeignKey(
        InspectionRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="results"
    )
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("plan item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
    )
    check_definition = models.ForeignKey(
        CheckDefinition, verbose_name=_("check"), on_delete=models.CASCADE, related_name="results"
    )
    target_key = models.CharField(_("target key"), max_length=40)
    target_label = models.CharField(_("target"), max_length=255)
    system = models.ForeignKey(
        "cmdb.System",
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=ResultStatus.choices)
    values = models.JSONField(_("values"), default=dict, blank=True)
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    checked_at = models.DateTimeField(_("checked at"))
    confirmed_by = models.ForeignKey(
        "core.User",
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = "system"

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("check result")
        verbose_name_plural = _("check results")
        indexes = [
            models.Index(
                fields=["check_definition", "target_key", "checked_at"], name="insp_result_hist"
            )
        ]

    def __str__(self):
        return f"{self.check_definition} · {self.target_label} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("inspections:history", args=[self.check_definition_id, self.target_key])


class AlertState(models.Model):
    """Consecutive breaches and recoveries of one check on one target (flap protection)."""

    check_definition = models.ForeignKey(CheckDefinition, on_delete=models.CASCADE)
    target_key = models.CharField(max_length=40)
    breach_streak = models.PositiveIntegerField(default=0)
    ok_streak = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["check_definition", "target_key"], name="insp_alertstate_unique"
            )
        ]

    def __str__(self):
        return f"{self.check_definition_id} {self.target_key}"


class Alert(models.Model):
    check_definition = models.ForeignKey(
        CheckDefinition, verbose_name=_("check"), on_delete=models.CASCADE, related_name="alerts"
    )
    target_key = models.CharField(_("target key"), max_length=40)
    target_label = models.CharField(_("target"), max_length=255)
    system = models.ForeignKey(
        "cmdb.System",
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    severity = models.CharField(_("severity"), max_length=20, choices=AlertSeverity.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    message = models.TextField(_("message"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    closed_at = models.DateTimeField(_("recovered at"), null=True, blank=True)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    first_result = models.ForeignKey(
        CheckResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_result = models.ForeignKey(
        CheckResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "core.User",
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledge_note = models.TextField(_("acknowledgement note"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_alerts",
    )

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = "system"

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["check_definition", "target_key"],
                condition=Q(status="open"),
                name="insp_alert_one_open",
            )
        ]

    def __str__(self):
        return f"{self.target_label} · {self.check_definition}"

    def get_absolute_url(self):
        return reverse("inspections:alert", args=[self.pk])

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None
