"""The tickets' part of the home page: what is waiting for me."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yunwei.core.home import HomeItem, HomeSection
from yunwei.tickets.choices import OPEN_STATUSES, TicketStatus
from yunwei.tickets.filtersets import overdue_q
from yunwei.tickets.tables import with_sla_due

LIMIT = 10


def _due_badge(ticket, now) -> tuple[str, str]:
    due = getattr(ticket, "sla_due", None)
    if due is None:
        return ticket.get_status_display(), "secondary"
    text = _("due %(time)s") % {"time": timezone.localtime(due).strftime("%m-%d %H:%M")}
    return text, "danger" if due < now else "warning"


def _item(ticket, badge="", color="secondary") -> HomeItem:
    return HomeItem(f"{ticket.number} {ticket.title}", ticket.get_absolute_url(), badge, color)


def sections(user) -> list[HomeSection]:
    from yunwei.tickets.models import Ticket

    if not user.has_perm("tickets.view_ticket"):
        return []
    now = timezone.now()
    visible = Ticket.objects.restrict(user, "view")
    found = []
    if user.has_perm("tickets.change_ticket"):
        mine = with_sla_due(visible.filter(assignee=user, status__in=OPEN_STATUSES)).order_by(
            "sla_due", "created_at"
        )
        found.append(
            HomeSection(
                _("My open tickets"),
                _("No open ticket is assigned to me."),
                [_item(t, *_due_badge(t, now)) for t in mine[:LIMIT]],
                more_url=reverse("tickets:queue_mine"),
                order=40,
            )
        )
        unassigned = with_sla_due(
            visible.filter(
                team__members=user, assignee__isnull=True, status__in=OPEN_STATUSES
            ).distinct()
        ).order_by("sla_due", "created_at")
        found.append(
            HomeSection(
                _("My team's unassigned tickets"),
                _("My team has no unassigned ticket."),
                [_item(t, *_due_badge(t, now)) for t in unassigned[:LIMIT]],
                more_url=reverse("tickets:queue_team"),
                order=41,
            )
        )
        overdue = with_sla_due(visible.filter(overdue_q(now))).order_by("sla_due")
        found.append(
            HomeSection(
                _("Overdue tickets"),
                _("No ticket is overdue."),
                [_item(t, *_due_badge(t, now)) for t in overdue[:LIMIT]],
                more_url=reverse("tickets:queue_overdue"),
                order=42,
            )
        )
    waiting = visible.filter(
        reporter=user, status__in=[TicketStatus.RESOLVED, TicketStatus.WAITING]
    ).order_by("-updated_at")
    found.append(
        HomeSection(
            _("My problems waiting for me"),
            _("None of my problems waits for my confirmation or information."),
            [
                _item(
                    t,
                    _("please confirm")
                    if t.status == TicketStatus.RESOLVED
                    else _("information needed"),
                    "success" if t.status == TicketStatus.RESOLVED else "warning",
                )
                for t in waiting[:LIMIT]
            ],
            more_url=reverse("tickets:queue_reported"),
            order=43,
        )
    )
    return found
