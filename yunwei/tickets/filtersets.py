"""Ticket filters, shared by the list pages, the queues and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yunwei.cmdb.models import System
from yunwei.core.models import Organisation, User
from yunwei.tickets.choices import (
    OPEN_STATUSES,
    Channel,
    Priority,
    TicketKind,
    TicketStatus,
    Tier,
)
from yunwei.tickets.models import SlaClock, Team, Ticket, TicketEvent
from yunwei.utilities.filtersets import SearchFilterSet, visible

OPEN = "open"
STATUS_FILTER_CHOICES = [(OPEN, _("Open (not resolved)")), *TicketStatus.choices]


def overdue_q(now=None) -> Q:
    """Open tickets past a time limit: an SLA clock still running past its due time (or marked
    breached), or a forwarded ticket past the promised date."""
    now = now or timezone.now()
    late_clock = SlaClock.objects.filter(ticket=OuterRef("pk"), stopped_at__isnull=True).filter(
        Q(due_at__lt=now, paused_at__isnull=True) | Q(state="breached")
    )
    return Q(status__in=OPEN_STATUSES) & (
        Q(Exists(late_clock))
        | Q(status=TicketStatus.FORWARDED, promised_date__lt=timezone.localdate(now))
    )


def organisation_choices(user):
    """Organisations a user may file or log a ticket for. Ticket handlers take calls from the
    whole province (the organisation tree is not secret); everyone else only their own subtree.
    """
    queryset = Organisation.objects.filter(is_active=True)
    if user.has_perm("tickets.change_ticket") and user.has_perm("tickets.add_ticket"):
        return queryset
    return queryset.restrict(user, "view")


def _visible_organisations(request):
    if request is None:
        return Organisation.objects.none()
    return organisation_choices(request.user)


def search_tickets(queryset, value: str):
    """Free text ``q``: a ticket number (or its beginning) finds those tickets through the
    number's index; anything else is looked for in the title, the reporter's name and phone
    and the duplicate number, with no DISTINCT (no to-many join can repeat a ticket).

    The description is not searched here: a substring scan of every description of a large
    province is the work of the search engine (knowledge), not of the list page."""
    value = value.strip()
    if not value:
        return queryset
    number = Q(number__startswith=value)
    if value.upper() != value:
        number |= Q(number__startswith=value.upper())
    by_number = queryset.filter(number)
    if by_number.exists():
        return by_number
    # Text without upper or lower case (Chinese, digits) needs no case folding: a plain LIKE
    # is the same test, spares UPPER() on every row and lets PostgreSQL use the columns'
    # statistics to see how common the text is (and so read in the list's order).
    lookup = "icontains" if value.lower() != value.upper() else "contains"
    condition = Q()
    for field in TicketFilterSet.search_fields:
        condition |= Q(**{f"{field}__{lookup}": value})
    return queryset.filter(condition)


class TicketFilterSet(SearchFilterSet):
    search_fields = ("title", "reporter_name", "reporter_phone", "duplicate_number")
    status = django_filters.ChoiceFilter(
        choices=STATUS_FILTER_CHOICES, label=_("status"), method="by_status"
    )
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices, label=_("kind"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("priority"))
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("tier"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("channel"))
    system = django_filters.ModelChoiceFilter(queryset=visible(System), label=_("system"))
    organisation = django_filters.ModelChoiceFilter(
        queryset=_visible_organisations, label=_("organisation"), method="in_subtree"
    )
    team = django_filters.ModelChoiceFilter(queryset=visible(Team), label=_("team"))
    assignee = django_filters.ModelChoiceFilter(queryset=visible(User), label=_("assignee"))
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="by_overdue")
    created_after = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("created from"),
    )
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("created until")
    )

    class Meta:
        model = Ticket
        fields = [
            "q",
            "status",
            "kind",
            "priority",
            "tier",
            "channel",
            "system",
            "organisation",
            "team",
            "assignee",
            "overdue",
            "created_after",
            "created_before",
        ]

    def search(self, queryset, name, value):
        return search_tickets(queryset, value)

    def by_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def in_subtree(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)

    def by_overdue(self, queryset, name, value):
        condition = overdue_q()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    @property
    def form(self):
        form = super().form
        for name in ("created_after", "created_before"):
            form.fields[name].widget.input_type = "date"
        return form


class TicketEventFilterSet(django_filters.FilterSet):
    kind = django_filters.CharFilter()
    is_public = django_filters.BooleanFilter()

    class Meta:
        model = TicketEvent
        fields = ["kind", "is_public"]
