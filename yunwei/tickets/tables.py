import django_tables2 as tables
from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yunwei.tickets.choices import Priority, TicketKind, TicketStatus, Tier
from yunwei.tickets.models import SlaClock, Ticket
from yunwei.utilities.tables import BaseTable, ChoiceColumn


def with_sla_due(queryset):
    """Annotate ``sla_due``: the earliest due time of the ticket's running SLA clocks."""
    due = (
        SlaClock.objects.filter(ticket=OuterRef("pk"), stopped_at__isnull=True)
        .order_by()
        .values("ticket")
        .annotate(first=Min("due_at"))
        .values("first")
    )
    return queryset.annotate(sla_due=Subquery(due[:1]))


def list_queryset():
    return with_sla_due(
        Ticket.objects.select_related(
            "system", "organisation", "assignee", "team", "master", "reporter"
        )
    )


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
    selection = tables.CheckBoxColumn(
        accessor="pk", attrs={"input": {"form": "bulk-form", "class": "form-check-input"}}
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
