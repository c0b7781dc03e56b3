import django_tables2 as tables
from django.db.models import Case, F, Min, OuterRef, Q, Subquery, When
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext_lazy as _

from yunwei.tickets.choices import OPEN_STATUSES, Priority, TicketKind, TicketStatus, Tier
from yunwei.tickets.models import SlaClock, Ticket
from yunwei.utilities.tables import BaseTable, ChoiceColumn


def _earliest_open_due():
    """The earliest due time of the ticket's running SLA clocks (NULL when none runs)."""
    due = (
        SlaClock.objects.filter(ticket=OuterRef("pk"), stopped_at__isnull=True)
        .order_by()
        .values("ticket")
        .annotate(first=Min("due_at"))
        .values("first")
    )
    return Subquery(due[:1])


def with_sla_due(queryset):
    """Annotate ``sla_due``: the earliest due time of the ticket's running SLA clocks."""
    return queryset.annotate(sla_due=_earliest_open_due())


# The tickets that can have a running clock: the SLA engine stops every clock when a ticket
# is resolved or closed, except the complaint-answer clock, which runs until the complaint is
# answered (yunwei.tickets.sla._stop_time).
MAY_HAVE_RUNNING_CLOCK = Q(status__in=OPEN_STATUSES) | Q(
    is_complaint=True, complaint_answered_at__isnull=True
)


def list_queryset():
    """The ticket lists' rows, with ``sla_due`` looked up only for tickets that can have a
    running clock: sorting a province's list by due time then reads the clocks of its open
    tickets, not of every closed one. PostgreSQL computes it for the page's rows only (after
    LIMIT) unless the list is sorted by it; counting leaves it out (``capped_count``)."""
    return Ticket.objects.select_related("system", "organisation", "assignee", "reporter").annotate(
        sla_due=Case(When(MAY_HAVE_RUNNING_CLOCK, then=_earliest_open_due()), default=None)
    )


EMPTY = "—"  # django-tables2's default for an empty cell


class SlaDueColumn(tables.Column):
    def render(self, value, record):
        local = timezone.localtime(value)
        text = local.strftime("%m-%d %H:%M")
        if record.is_open and value < timezone.now():
            return format_html('<span class="badge text-bg-danger">{}</span>', text)
        return text

    def value(self, value, record):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class TicketTable(BaseTable):
    # The bulk form (BulkActionForm) reads the ticked tickets from "pk"; the header's box
    # (select all) has no name, so that it posts nothing.
    selection = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {"form": "bulk-form", "class": "form-check-input"},
            "td__input": {"name": "pk", "form": "bulk-form", "class": "form-check-input"},
        },
    )
    number = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    status = ChoiceColumn(TicketStatus)
    priority = ChoiceColumn(Priority)
    tier = ChoiceColumn(Tier)
    kind = ChoiceColumn(TicketKind)
    system = tables.Column(
        accessor="system__display_short", verbose_name=_("system"), order_by=("system__code",)
    )
    organisation = tables.Column()
    reporter = tables.Column(
        accessor="reporter_display", verbose_name=_("reporter"), orderable=False
    )
    assignee = tables.Column()
    sla_due = SlaDueColumn(verbose_name=_("due"), orderable=True)
    created_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = Ticket
        # Writes the page's rows from ``page_rows()``; header, sorting, pages as usual.
        template_name = "tickets/ticket_table.html"
        fields = (
            "selection",
            "number",
            "title",
            "status",
            "priority",
            "tier",
            "kind",
            "system",
            "organisation",
            "reporter",
            "assignee",
            "sla_due",
            "created_at",
        )
        row_attrs = {"data-ticket": lambda record: record.number}

    def value_status(self, record):
        return record.get_status_display()

    def order_sla_due(self, queryset, is_descending):
        """Soonest due first and tickets without a running clock last; descending is the exact
        reverse (the same on PostgreSQL and SQLite, which place NULLs differently)."""
        due = F("sla_due")
        if is_descending:
            return queryset.order_by(due.desc(nulls_first=True), "-id"), True
        return queryset.order_by(due.asc(nulls_last=True), "id"), True

    # --- the rows of the page, written straight --------------------------------------------
    # django-tables2 renders a cell through accessors, get_…_display and a signature check of
    # every render method: 1–2 ms a row for this table, most of the list page's time.
    # ``page_rows()`` writes the same HTML directly (test_list_rows_match_the_tables_cells
    # keeps the two equal); the Excel export still goes through the columns' ``value``.

    def page_rows(self):
        """(ticket, [cell HTML…]) for each row of the current page, cells in column order."""
        writers = [getattr(self, f"_cell_{column.name}") for column in self.columns]
        for row in self.paginated_rows:
            ticket = row.record
            ticket.list_url = ticket.get_absolute_url()
            yield ticket, [writer(ticket) for writer in writers]

    def _cell_selection(self, ticket):
        return format_html(
            '<input type="checkbox" name="pk" value="{}" form="bulk-form" '
            'class="form-check-input" />',
            ticket.pk,
        )

    def _cell_number(self, ticket):
        return format_html('<a href="{}">{}</a>', ticket.list_url, ticket.number)

    def _cell_title(self, ticket):
        return format_html('<a href="{}">{}</a>', ticket.list_url, ticket.title)

    def _cell_status(self, ticket):
        return self.base_columns["status"].badge(ticket.status)

    def _cell_priority(self, ticket):
        return self.base_columns["priority"].badge(ticket.priority)

    def _cell_tier(self, ticket):
        return self.base_columns["tier"].badge(ticket.tier)

    def _cell_kind(self, ticket):
        return self.base_columns["kind"].badge(ticket.kind)

    def _cell_system(self, ticket):
        system = ticket.system
        return _text(system.display_short if system is not None else None)

    def _cell_organisation(self, ticket):
        return _text(ticket.organisation)

    def _cell_reporter(self, ticket):
        return _text(ticket.reporter_display)

    def _cell_assignee(self, ticket):
        return _text(ticket.assignee)

    def _cell_sla_due(self, ticket):
        due = getattr(ticket, "sla_due", None)
        if due is None:
            return EMPTY
        return conditional_escape(self.base_columns["sla_due"].render(due, ticket))

    def _cell_created_at(self, ticket):
        return _text(dateformat.format(timezone.localtime(ticket.created_at), "Y-m-d H:i"))


def _text(value) -> str:
    if value is None or value == "":
        return EMPTY
    return conditional_escape(value)
