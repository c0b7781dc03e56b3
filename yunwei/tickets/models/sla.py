"""Time limits of tickets (SLA): policies, their targets, and the clocks running on tickets.

A ``SlaPolicy`` says which tickets it covers (kinds, priorities, tiers, channels, systems,
filing period; an empty list means "any"). Its ``SlaTarget`` rows say what must happen by
when (first response, same-day reply, resolution, a tier's own deadline, complaint answer),
how the time is counted (calendar hours, office hours, end of the N-th workday) and from
which event. A ``SlaClock`` is one target running on one ticket; the engine that starts,
pauses, resumes, stops and checks clocks is ``yunwei.tickets.sla``.

``amount``, ``clock_type`` and ``tier`` are copied onto the clock when it starts: editing a
target later changes new clocks only, and a deleted target leaves its clocks readable.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yunwei.core.querysets import RestrictedQuerySet
from yunwei.tickets.choices import Channel, Priority, TicketKind, Tier
from yunwei.utilities.choices import ChoiceSet, with_colors

__all__ = ["SlaClock", "SlaPolicy", "SlaTarget"]


class SlaMetric(ChoiceSet):
    FIRST_RESPONSE = "first_response", _("First response")
    SAME_DAY_REPLY = "same_day_reply", _("Same-day reply")
    RESOLUTION = "resolution", _("Resolution")
    TIER_DEADLINE = "tier_deadline", _("Tier deadline")
    COMPLAINT_ANSWER = "complaint_answer", _("Complaint answer")


class ClockType(ChoiceSet):
    CALENDAR = "calendar", _("Calendar hours (7×24)")
    OFFICE_HOURS = "office_hours", _("Office hours on workdays")
    WORKDAY_END = "workday_end", _("End of the N-th workday")


class StartsOn(ChoiceSet):
    CREATED = "created", _("When the ticket is created")
    ESCALATED = "escalated", _("When escalated to tier 2")
    FORWARDED = "forwarded", _("When forwarded")
    COMPLAINT = "complaint", _("When a complaint is recorded")


class FilingPeriodMatch(ChoiceSet):
    ANY = "any", _("Any time")
    IN = "in", _("In the filing period")
    OUT = "out", _("Outside the filing period")


class EscalationAction(ChoiceSet):
    NOTIFY_LEADER = "notify_leader", _("Notify the team leader")
    REASSIGN_TO_LEADER = "reassign_to_leader", _("Reassign to the team leader")
    RAISE_PRIORITY = "raise_priority", _("Raise the priority")


@with_colors({"running": "info", "paused": "secondary", "met": "success", "breached": "danger"})
class ClockState(ChoiceSet):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")


DEFAULT_WARN_AT = [50, 80, 100]


def default_warn_at():
    return list(DEFAULT_WARN_AT)


def _check_list(value, allowed, field, errors):
    if not isinstance(value, list):
        errors[field] = _("Expected a list.")
        return
    unknown = [str(item) for item in value if item not in allowed]
    if unknown:
        errors[field] = _("Unknown values: %(values)s.") % {"values": ", ".join(unknown)}


class SlaPolicy(models.Model):
    """Which tickets a set of time limits applies to. The first matching active policy by
    ``sort_order`` wins; among equal sort orders the more specific one (more criteria) wins."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"),
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Set on the built-in policies so that they are created only once."),
    )
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(
        _("sort order"), default=100, help_text=_("Lower numbers are tried first.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    kinds = models.JSONField(_("ticket kinds"), default=list, blank=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    systems = models.ManyToManyField(
        "cmdb.System", verbose_name=_("systems"), blank=True, related_name="sla_policies"
    )
    filing_period = models.CharField(
        _("filing period"),
        max_length=3,
        choices=FilingPeriodMatch.choices,
        default=FilingPeriodMatch.ANY,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tickets:slapolicy", args=[self.pk])

    def clean(self):
        errors = {}
        _check_list(self.kinds, TicketKind.values, "kinds", errors)
        _check_list(self.priorities, Priority.values, "priorities", errors)
        _check_list(self.tiers, Tier.values, "tiers", errors)
        _check_list(self.channels, Channel.values, "channels", errors)
        if errors:
            raise ValidationError(errors)

    @property
    def specificity(self) -> int:
        """How many criteria the policy sets (systems need the prefetch or one query)."""
        count = sum(
            1 for values in (self.kinds, self.priorities, self.tiers, self.channels) if values
        )
        if self.filing_period != FilingPeriodMatch.ANY:
            count += 1
        if self._system_ids():
            count += 1
        return count

    def _system_ids(self) -> set[int]:
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "systems" in cache:
            return {system.pk for system in cache["systems"]}
        if self.pk is None:
            return set()
        return set(self.systems.values_list("pk", flat=True))

    def matches(self, ticket) -> bool:
        """Whether ``ticket`` (in its current state) falls under this policy."""
        if self.kinds and ticket.kind not in self.kinds:
            return False
        if self.priorities and ticket.priority not in self.priorities:
            return False
        if self.tiers and ticket.tier not in self.tiers:
            return False
        if self.channels and ticket.channel not in self.channels:
            return False
        if self.filing_period == FilingPeriodMatch.IN and not ticket.in_filing_period:
            return False
        if self.filing_period == FilingPeriodMatch.OUT and ticket.in_filing_period:
            return False
        system_ids = self._system_ids()
        if system_ids and ticket.system_id not in system_ids:
            return False
        return True

    def criteria_display(self) -> list[str]:
        """The criteria as readable text, for lists and detail pages."""
        parts = []
        for values, choices in (
            (self.kinds, TicketKind),
            (self.priorities, Priority),
            (self.tiers, Tier),
            (self.channels, Channel),
        ):
            if values:
                labels = dict(choices.choices)
                parts.append("、".join(str(labels.get(value, value)) for value in values))
        if self.filing_period != FilingPeriodMatch.ANY:
            parts.append(str(self.get_filing_period_display()))
        if self.pk is not None:
            systems = [str(system) for system in self.systems.all()]
            if systems:
                parts.append("、".join(systems))
        return parts


class SlaTarget(models.Model):
    """One time limit of a policy: what (metric), how counted (clock type, amount), from when
    (starts_on), when to warn (percentages) and what to do once it is exceeded."""

    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="targets"
    )
    metric = models.CharField(_("metric"), max_length=20, choices=SlaMetric.choices)
    tier = models.CharField(
        _("tier"),
        max_length=20,
        choices=Tier.choices,
        blank=True,
        help_text=_("For a tier deadline: whose own deadline it is (e.g. tier 2)."),
    )
    clock_type = models.CharField(
        _("clock type"), max_length=20, choices=ClockType.choices, default=ClockType.OFFICE_HOURS
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Hours, or N for the end of the N-th workday (0 = the same workday)."),
    )
    starts_on = models.CharField(
        _("starts on"), max_length=20, choices=StartsOn.choices, default=StartsOn.CREATED
    )
    warn_at = models.JSONField(
        _("warn at (%)"),
        default=default_warn_at,
        blank=True,
        help_text=_("Percentages of the time used at which the handlers are warned."),
    )
    escalation = models.JSONField(
        _("when exceeded"),
        default=list,
        blank=True,
        help_text=_("Actions taken once when the time limit is exceeded."),
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "metric", "tier"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "metric", "tier"], name="tickets_slatarget_unique_metric"
            )
        ]

    def __str__(self):
        return f"{self.policy}: {self.label}"

    def get_absolute_url(self):
        return self.policy.get_absolute_url()

    @property
    def label(self) -> str:
        return metric_label(self.metric, self.tier)

    @property
    def amount_display(self) -> str:
        return amount_display(self.clock_type, self.amount)

    @property
    def escalation_labels(self) -> list[str]:
        labels = dict(EscalationAction.choices)
        return [str(labels.get(action, action)) for action in self.escalation or []]

    def clean(self):
        errors = {}
        if self.metric == SlaMetric.TIER_DEADLINE and not self.tier:
            errors["tier"] = _("Choose whose deadline this is.")
        if self.metric != SlaMetric.TIER_DEADLINE and self.tier:
            errors["tier"] = _("A tier is set only for a tier deadline.")
        if self.amount is not None:
            if self.clock_type == ClockType.WORKDAY_END and self.amount != int(self.amount):
                errors["amount"] = _("The end of the N-th workday needs a whole number.")
            elif self.clock_type != ClockType.WORKDAY_END and self.amount <= 0:
                errors["amount"] = _("The number of hours must be more than 0.")
        warn_at = self.warn_at
        if not isinstance(warn_at, list) or any(
            isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100
            for value in warn_at
        ):
            errors["warn_at"] = _("Warnings are whole percentages from 1 to 100.")
        _check_list(self.escalation, EscalationAction.values, "escalation", errors)
        if errors:
            raise ValidationError(errors)


def metric_label(metric: str, tier: str = "") -> str:
    if metric == SlaMetric.TIER_DEADLINE and tier:
        return str(_("%(tier)s deadline")) % {
            "tier": Tier(tier).label if tier in Tier.values else tier
        }
    return str(SlaMetric(metric).label) if metric in SlaMetric.values else metric


def amount_display(clock_type: str, amount) -> str:
    amount = Decimal(amount or 0).normalize()
    value = f"{amount:f}"
    if clock_type == ClockType.WORKDAY_END:
        if amount == 0:
            return str(_("end of the same workday"))
        return str(_("end of workday %(n)s")) % {"n": value}
    if clock_type == ClockType.OFFICE_HOURS:
        return str(_("%(n)s office hours")) % {"n": value}
    return str(_("%(n)s hours")) % {"n": value}


class SlaClock(models.Model):
    """One target running on one ticket.

    ``paused_seconds`` is the paused time already behind the clock, counted the way the clock
    counts: wall-clock seconds for calendar clocks, office seconds for office-hours and
    end-of-workday clocks. ``due_at`` always includes it. ``warned`` lists the percentages
    already announced (100 = the breach and its escalation). ``next_alert_at`` is when the
    next announcement falls due, so that the periodic check reads only those clocks.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="sla_clocks",
    )
    target = models.ForeignKey(
        SlaTarget,
        verbose_name=_("target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clocks",
    )
    metric = models.CharField(_("metric"), max_length=20, choices=SlaMetric.choices)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, blank=True)
    clock_type = models.CharField(_("clock type"), max_length=20, choices=ClockType.choices)
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"), db_index=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused time (s)"), default=0)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING
    )
    warned = models.JSONField(_("warnings sent (%)"), default=list, blank=True)
    next_alert_at = models.DateTimeField(_("next check"), null=True, blank=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_field = "ticket__organisation"
    scope_system_field = "ticket__system"

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        indexes = [
            models.Index(fields=["stopped_at", "next_alert_at"], name="tickets_slaclock_open")
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.label}"

    @property
    def label(self) -> str:
        return metric_label(self.metric, self.tier)

    @property
    def is_open(self) -> bool:
        return self.stopped_at is None
