"""Tickets (工单): teams, tags, the daily number counter, tickets and their timeline.

Data scope: bureau users see the tickets of their organisation subtree and the tickets they
reported; vendor users see the tickets of the systems their vendor serves and the tickets
assigned to them or to a team of their vendor (``TicketQuerySet.restrict``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yunwei.core.querysets import RestrictedQuerySet, permission_name, subtree_ids
from yunwei.tickets.choices import (
    OPEN_STATUSES,
    CauseCategory,
    Channel,
    EventKind,
    Priority,
    TicketKind,
    TicketStatus,
    Tier,
)

__all__ = ["Tag", "Team", "Ticket", "TicketCounter", "TicketEvent"]


class Team(models.Model):
    """A group that handles tickets (处理组): the tier-1 desk of a city, tier 2, developers."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.TIER1)
    vendor = models.ForeignKey(
        "core.Vendor",
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket_teams",
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket_teams",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="ticket_teams"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_ticket_teams",
        help_text=_("Told when a ticket of the team runs over its time limit."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["tier", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tickets:team", args=[self.pk])


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class TicketCounter(models.Model):
    """The last ticket number handed out on one day; locked with ``select_for_update``."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket counter")
        verbose_name_plural = _("ticket counters")

    def __str__(self):
        return f"{self.day}: {self.last}"


def number_prefix() -> str:
    return getattr(settings, "TICKET_NUMBER_PREFIX", "GD")


def next_ticket_number(when=None) -> str:
    """Allocate the next number of ``when``'s day (Asia/Shanghai): ``GD20261123-0007``.

    Safe under concurrency: the day's counter row is locked until the caller's transaction ends.
    """
    day = timezone.localdate(when or timezone.now())
    with transaction.atomic():
        TicketCounter.objects.get_or_create(day=day)
        counter = TicketCounter.objects.select_for_update().get(day=day)
        counter.last += 1
        counter.save(update_fields=["last"])
    return f"{number_prefix()}{day:%Y%m%d}-{counter.last:04d}"


class TicketQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        """Vendor users: tickets of their vendor's systems, or assigned to them or to a team of
        their vendor. Bureau users: tickets of their organisation subtree. Everybody also sees the
        tickets they reported, logged or are assigned to.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        if user.is_superuser or user.has_full_data_scope:
            return self
        mine = Q(reporter=user) | Q(assignee=user) | Q(created_by=user)
        if user.vendor_id:
            condition = Q(system__vendors=user.vendor_id) | Q(team__vendor_id=user.vendor_id) | mine
            return self.filter(pk__in=Ticket.objects.filter(condition).values("pk"))
        if user.organisation_id is None:
            return self.filter(mine)
        return self.filter(Q(organisation_id__in=subtree_ids(user.scope_path)) | mine)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


# What ``TicketQuerySet.restrict`` reads of a ticket for bureau users.
SCOPE_COLUMNS = ["organisation_id", "reporter_id", "assignee_id", "created_by_id"]


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=TicketKind.choices, default=TicketKind.CONSULTATION
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.PLATFORM
    )
    priority = models.CharField(
        _("priority"), max_length=2, choices=Priority.choices, default=Priority.P3
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.TIER1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TicketStatus.choices,
        default=TicketStatus.NEW,
        db_index=True,
    )
    system = models.ForeignKey(
        "cmdb.System",
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    module = models.CharField(_("module"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("reporting organisation"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_tickets",
    )
    reporter_name = models.CharField(_("reporter name"), max_length=60, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=30, blank=True)
    reporter_org_text = models.CharField(_("reporter's unit"), max_length=100, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    related_hosts = models.ManyToManyField(
        "cmdb.Host", verbose_name=_("related hosts"), blank=True, related_name="tickets"
    )
    related_databases = models.ManyToManyField(
        "cmdb.DatabaseInstance",
        verbose_name=_("related databases"),
        blank=True,
        related_name="tickets",
    )
    related_middleware = models.ManyToManyField(
        "cmdb.Middleware", verbose_name=_("related middleware"), blank=True, related_name="tickets"
    )
    master = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    duplicate_number = models.CharField(_("duplicate number"), max_length=50, blank=True)
    forwarded_to = models.CharField(
        _("forwarded to"), max_length=20, choices=Tier.choices, blank=True
    )
    forward_target = models.CharField(_("forwarded to whom"), max_length=200, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    promised_date = models.DateField(_("promised date"), null=True, blank=True)
    solution = models.TextField(_("solution"), blank=True)
    cause_category = models.CharField(
        _("cause"), max_length=20, choices=CauseCategory.choices, blank=True
    )
    fixed_in_version = models.CharField(_("fixed in version"), max_length=60, blank=True)
    fix_release_date = models.DateField(_("fix release date"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    in_filing_period = models.BooleanField(_("raised in the filing period"), default=False)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)
    callback_at = models.DateTimeField(_("call-back at"), null=True, blank=True)
    is_complaint = models.BooleanField(_("complaint"), default=False)
    complaint_at = models.DateTimeField(_("complaint at"), null=True, blank=True)
    complaint_due_at = models.DateTimeField(_("complaint answer due"), null=True, blank=True)
    complaint_answered_at = models.DateTimeField(_("complaint answered at"), null=True, blank=True)
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=100, unique=True, null=True, blank=True, editable=False
    )
    source_message_id = models.CharField(_("source message ID"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TicketQuerySet.as_manager()
    scope_org_field = "organisation"
    scope_system_field = "system"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        # The list's filters in its default order (-created_at, -id). The data-scope columns
        # are included so that the capped count can check ``restrict()``'s condition from
        # the index alone (PostgreSQL index-only scan; SQLite ignores ``include``).
        indexes = [
            models.Index(fields=["status", "resolved_at"], name="tickets_status_resolved"),
            models.Index(
                fields=["status", "created_at", "id"],
                include=SCOPE_COLUMNS,
                name="tickets_status_created",
            ),
            models.Index(
                fields=["kind", "priority", "created_at", "id"],
                include=SCOPE_COLUMNS,
                name="tickets_kind_priority_created",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("tickets:ticket", args=[self.pk])

    @property
    def url(self) -> str:
        """The ticket's page, or "" while the tickets URLs are not installed (notifications)."""
        try:
            return self.get_absolute_url()
        except NoReverseMatch:
            return ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_duplicate(self) -> bool:
        return self.master_id is not None

    @property
    def reporter_display(self) -> str:
        if self.reporter_id:
            return str(self.reporter)
        return self.reporter_name

    @property
    def complaint_open(self) -> bool:
        return self.is_complaint and self.complaint_answered_at is None


class TicketEventQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        """Events of the tickets the user may see; internal notes only for those who may
        change tickets."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        visible = self.filter(ticket__in=Ticket.objects.restrict(user, "view").values("pk"))
        if not user.has_perm("tickets.change_ticket"):
            visible = visible.filter(is_public=True)
        return visible


class TicketEvent(models.Model):
    """One entry of a ticket's timeline; every action appends one."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_public = models.BooleanField(
        _("visible to the reporter"), default=True, help_text=_("Internal notes are not.")
    )
    body = models.TextField(_("content"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = TicketEventQuerySet.as_manager()
    scope_org_field = "ticket__organisation"
    scope_system_field = "ticket__system"

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self):
        return f"{self.ticket.number} {self.get_kind_display()}"
