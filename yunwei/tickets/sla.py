"""The SLA engine: clocks on tickets (时限计时).

``on_ticket_event(ticket, kind)`` is called by every ticket action after its change
(``yunwei.tickets.actions``). It

1. starts clocks on their start event: ``created``, ``escalated``, ``forwarded`` and
   ``complaint`` start the targets whose ``starts_on`` is that event, taken from the best
   policy (``match_policy``) that has such targets; ``reopened`` starts fresh resolution
   clocks (the resolution clock restarts from the reopening, with the full allowance; the
   stopped clock keeps its result);
2. pauses the open clocks while the ticket waits for the reporter (status ``waiting``) and
   resumes them when it leaves that status;
3. stops clocks whose goal is reached: first response and same-day reply when the ticket has
   its first response (``first_response_at``: accepted, public reply, question asked or
   resolved); resolution when resolved or closed; a tier deadline when the ticket is no
   longer at that tier (tier 2 forwarded it, sent it back, or it was resolved); complaint
   answer when the complaint is answered. A clock stopped by its due time is met, later is
   breached.

Time while paused does not count. The rule: the pause is measured the way the clock counts —
wall-clock time for calendar clocks, office time (``office_seconds_between``) for office-hours
and end-of-workday clocks — added to ``paused_seconds``, and the due time is moved on by it:
``started + amount + paused`` (calendar), ``add_office_hours(started, amount + paused)``
(office hours), ``add_office_hours(deadline(started, N), paused)`` (end of the N-th workday;
a pause overnight or over a holiday therefore moves the deadline only by the office time
lost). Paused time is not re-measured when the calendar changes afterwards.

An end-of-workday clock with N = 0 ("reply the same day") that starts after the end of office
hours is due at the end of the next workday.

``recompute_open_clocks()`` runs after every calendar change and recomputes the due time of
every open clock in bulk, over a precomputed timeline of office periods per office-hours
pattern (bisect instead of walking day by day). ``check_clocks()`` (every 5 minutes) sends the
warnings and handles breaches with their escalation actions.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunwei.core import audit, workcalendar
from yunwei.core.tasks import register_task
from yunwei.tickets.choices import EventKind, Priority, TicketStatus, Tier
from yunwei.tickets.models.sla import (
    ClockState,
    ClockType,
    EscalationAction,
    SlaClock,
    SlaMetric,
    SlaPolicy,
    SlaTarget,
    StartsOn,
    default_warn_at,
)

logger = logging.getLogger(__name__)

SHANGHAI = workcalendar.SHANGHAI
BREACH = 100
BULK_BATCH = 5000
CHECK_SCHEDULE = "tickets.sla_check_clocks"

__all__ = [
    "check_clocks",
    "clock_rows",
    "clock_status",
    "ensure_default_policies",
    "ensure_default_schedules",
    "match_policy",
    "on_ticket_event",
    "recompute_open_clocks",
]

START_EVENTS = {
    EventKind.CREATED: StartsOn.CREATED,
    EventKind.ESCALATED: StartsOn.ESCALATED,
    EventKind.FORWARDED: StartsOn.FORWARDED,
    EventKind.COMPLAINT: StartsOn.COMPLAINT,
}
CLOSED_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


# --- Time arithmetic, live and precomputed -----------------------------------------------------


class LiveCalendar:
    """The clock arithmetic straight from ``workcalendar`` for one organisation."""

    def __init__(self, org=None):
        self.org = org

    def deadline(self, start: datetime, n: int) -> datetime:
        return workcalendar.deadline(start, n, org=self.org)

    def add_office(self, start: datetime, seconds: float) -> datetime:
        return workcalendar.add_office_hours(start, timedelta(seconds=seconds), org=self.org)

    def office_between(self, a: datetime, b: datetime) -> int:
        return workcalendar.office_seconds_between(a, b, org=self.org)


_EPOCH = datetime(1970, 1, 1, tzinfo=SHANGHAI)
_US = timedelta(microseconds=1)


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // _US


def _from_us(value: int) -> datetime:
    return (_EPOCH + timedelta(microseconds=value)).astimezone(SHANGHAI)


class Timeline(LiveCalendar):
    """Office periods of workdays between two dates for one office-hours pattern, laid out
    once so that each clock is a bisect. Outside its range it falls back to ``workcalendar``
    (same answers, slower)."""

    def __init__(self, org, intervals, first: date, last: date):
        super().__init__(org)
        self.first, self.last = first, last
        self.workdays: list[date] = []
        self.day_end: list[datetime] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cum_end: list[int] = []
        total = 0
        day = first
        while day <= last:
            if workcalendar.is_workday(day):
                self.workdays.append(day)
                for start, end in intervals:
                    begin = _us(datetime.combine(day, start, tzinfo=SHANGHAI))
                    finish = _us(datetime.combine(day, end, tzinfo=SHANGHAI))
                    self.starts.append(begin)
                    self.ends.append(finish)
                    total += finish - begin
                    self.cum_end.append(total)
                self.day_end.append(datetime.combine(day, intervals[-1][1], tzinfo=SHANGHAI))
            day += timedelta(days=1)
        self.range_start = _us(datetime.combine(first, datetime.min.time(), tzinfo=SHANGHAI))

    def _pos(self, moment: datetime) -> int | None:
        """Office microseconds from the start of the range up to ``moment``."""
        value = _us(moment)
        if value < self.range_start:
            return None
        k = bisect.bisect_right(self.ends, value)
        if k >= len(self.ends):
            return None
        before = self.cum_end[k - 1] if k else 0
        if value > self.starts[k]:
            return before + value - self.starts[k]
        return before

    def _at(self, pos: int) -> datetime | None:
        k = bisect.bisect_left(self.cum_end, pos)
        if k >= len(self.cum_end):
            return None
        return _from_us(self.ends[k] - (self.cum_end[k] - pos))

    def deadline(self, start: datetime, n: int) -> datetime:
        day = workcalendar._to_aware(start).date()
        if self.first <= day <= self.last:
            if n == 0:
                index = bisect.bisect_left(self.workdays, day)
            else:
                index = bisect.bisect_right(self.workdays, day) + n - 1
            if index < len(self.workdays):
                return self.day_end[index]
        return super().deadline(start, n)

    def add_office(self, start: datetime, seconds: float) -> datetime:
        amount = round(seconds * 1_000_000)
        if amount > 0:
            pos = self._pos(start)
            if pos is not None:
                result = self._at(pos + amount)
                if result is not None:
                    return result
        return super().add_office(start, seconds)

    def office_between(self, a: datetime, b: datetime) -> int:
        first, last = self._pos(a), self._pos(b)
        if first is None or last is None:
            return super().office_between(a, b)
        return int((last - first) / 1_000_000)


# --- Clock arithmetic ---------------------------------------------------------------------------


def _seconds(amount) -> float:
    return float(Decimal(amount) * 3600)


def base_due(cal, clock_type: str, amount, started: datetime) -> datetime:
    """The due time without pauses."""
    if clock_type == ClockType.CALENDAR:
        return started + timedelta(seconds=_seconds(amount))
    if clock_type == ClockType.OFFICE_HOURS:
        return cal.add_office(started, _seconds(amount))
    n = int(amount)
    due = cal.deadline(started, n)
    if due < started:  # a same-day clock started after office hours: the next workday
        due = cal.deadline(started, n + 1)
    return due


def compute_due(cal, clock_type: str, amount, started: datetime, paused_seconds: int) -> datetime:
    if clock_type == ClockType.CALENDAR:
        return base_due(cal, clock_type, amount, started) + timedelta(seconds=paused_seconds)
    if clock_type == ClockType.OFFICE_HOURS:
        return cal.add_office(started, _seconds(amount) + paused_seconds)
    due = base_due(cal, clock_type, amount, started)
    if paused_seconds:
        due = cal.add_office(due, paused_seconds)
    return due


def budget_seconds(cal, clock_type: str, amount, started: datetime) -> float:
    """The allowance in the clock's own time (wall or office seconds)."""
    if clock_type == ClockType.WORKDAY_END:
        return float(cal.office_between(started, base_due(cal, clock_type, amount, started)))
    return _seconds(amount)


def threshold_time(cal, clock_type, amount, started, paused_seconds, due, percent) -> datetime:
    """When ``percent`` % of the allowance is used up."""
    if percent >= BREACH:
        return due
    used = budget_seconds(cal, clock_type, amount, started) * percent / 100 + paused_seconds
    if clock_type == ClockType.CALENDAR:
        return started + timedelta(seconds=used)
    if used <= 0:
        return started
    return cal.add_office(started, used)


def _alert_points(warn_at) -> list[int]:
    points = {int(p) for p in (warn_at or []) if 0 < int(p) < BREACH}
    points.add(BREACH)
    return sorted(points)


def next_alert(cal, clock_type, amount, started, paused_seconds, due, warn_at, warned):
    """The time of the first announcement not yet made, or None."""
    done = set(warned or [])
    for percent in _alert_points(warn_at):
        if percent not in done:
            return threshold_time(cal, clock_type, amount, started, paused_seconds, due, percent)
    return None


def _paused_delta(cal, clock: SlaClock, until: datetime) -> int:
    if clock.paused_at is None:
        return 0
    if clock.clock_type == ClockType.CALENDAR:
        return max(0, int((until - clock.paused_at).total_seconds()))
    return max(0, cal.office_between(clock.paused_at, until))


def _warn_at(clock: SlaClock):
    return clock.target.warn_at if clock.target_id and clock.target else default_warn_at()


def _refresh_schedule(cal, clock: SlaClock) -> None:
    clock.due_at = compute_due(
        cal, clock.clock_type, clock.amount, clock.started_at, clock.paused_seconds
    )
    if clock.state == ClockState.PAUSED or clock.stopped_at is not None:
        clock.next_alert_at = None
    else:
        clock.next_alert_at = next_alert(
            cal,
            clock.clock_type,
            clock.amount,
            clock.started_at,
            clock.paused_seconds,
            clock.due_at,
            _warn_at(clock),
            clock.warned,
        )


# --- Policies -----------------------------------------------------------------------------------


def _ranked_policies():
    return list(
        SlaPolicy.objects.filter(is_active=True)
        .prefetch_related("systems", "targets")
        .order_by("sort_order", "id")
    )


def match_policy(ticket, starts_on: str | None = None) -> SlaPolicy | None:
    """The policy for ``ticket`` in its current state: among active policies that match it
    (and, with ``starts_on``, have a target starting on that event), the lowest sort order;
    equal sort orders go to the more specific policy, then to the older one."""
    candidates = []
    for policy in _ranked_policies():
        if starts_on and not any(t.starts_on == starts_on for t in policy.targets.all()):
            continue
        if policy.matches(ticket):
            candidates.append(policy)
    if not candidates:
        return None
    return min(candidates, key=lambda p: (p.sort_order, -p.specificity, p.pk))


# --- Reacting to ticket events ------------------------------------------------------------------


def on_ticket_event(ticket, kind) -> list[SlaClock]:
    """Start, pause, resume or stop the ticket's clocks after an action. Returns the clocks
    started. Call inside the action's transaction."""
    kind = str(kind)
    now = timezone.now()
    cal = LiveCalendar(ticket.organisation_id)
    started = []
    starts_on = START_EVENTS.get(kind)
    if starts_on is not None:
        started = _start(ticket, starts_on, now, cal)
    elif kind == EventKind.REOPENED:
        started = _restart_resolution(ticket, now, cal)
    clocks = list(
        SlaClock.objects.filter(ticket=ticket, stopped_at__isnull=True).select_related("target")
    )
    for clock in clocks:
        stop_at = _stop_time(ticket, clock, now)
        if stop_at is not None:
            _stop(cal, clock, stop_at)
        elif ticket.status == TicketStatus.WAITING:
            _pause(clock, now)
        elif clock.state == ClockState.PAUSED:
            _resume(cal, clock, now)
    return started


def _new_clock(ticket, target: SlaTarget, started_at: datetime, cal) -> SlaClock:
    clock = SlaClock(
        ticket=ticket,
        target=target,
        metric=target.metric,
        tier=target.tier,
        clock_type=target.clock_type,
        amount=target.amount,
        started_at=started_at,
        state=ClockState.RUNNING,
        warned=[],
    )
    _refresh_schedule(cal, clock)
    clock.save()
    return clock


def _start(ticket, starts_on: str, now: datetime, cal) -> list[SlaClock]:
    policy = match_policy(ticket, starts_on)
    if policy is None:
        return []
    open_targets = set(
        SlaClock.objects.filter(ticket=ticket, stopped_at__isnull=True).values_list(
            "target_id", flat=True
        )
    )
    started = []
    for target in policy.targets.all():
        if target.starts_on != starts_on or target.pk in open_targets:
            continue
        started.append(_new_clock(ticket, target, now, cal))
    return started


def _restart_resolution(ticket, now: datetime, cal) -> list[SlaClock]:
    """A reopened ticket: a fresh resolution clock for each resolution target it had."""
    targets = {
        clock.target
        for clock in SlaClock.objects.filter(
            ticket=ticket, metric=SlaMetric.RESOLUTION, target__isnull=False
        ).select_related("target")
    }
    open_targets = set(
        SlaClock.objects.filter(ticket=ticket, stopped_at__isnull=True).values_list(
            "target_id", flat=True
        )
    )
    if not targets:
        policy = match_policy(ticket, StartsOn.CREATED)
        if policy is not None:
            targets = {t for t in policy.targets.all() if t.metric == SlaMetric.RESOLUTION}
    return [
        _new_clock(ticket, target, now, cal)
        for target in sorted(targets, key=lambda t: t.pk)
        if target.pk not in open_targets
    ]


def _stop_time(ticket, clock: SlaClock, now: datetime) -> datetime | None:
    """When the clock's goal was reached, or None while it is not."""
    metric = clock.metric
    if metric in (SlaMetric.FIRST_RESPONSE, SlaMetric.SAME_DAY_REPLY):
        if ticket.first_response_at:
            return max(ticket.first_response_at, clock.started_at)
        if ticket.status in CLOSED_STATUSES:
            return ticket.resolved_at or ticket.closed_at or now
        return None
    if metric == SlaMetric.RESOLUTION:
        if ticket.status in CLOSED_STATUSES:
            return ticket.resolved_at or ticket.closed_at or now
        return None
    if metric == SlaMetric.TIER_DEADLINE:
        if ticket.status in CLOSED_STATUSES:
            return ticket.resolved_at or ticket.closed_at or now
        if clock.tier and ticket.tier != clock.tier:
            return now
        return None
    if metric == SlaMetric.COMPLAINT_ANSWER:
        if ticket.complaint_answered_at:
            return ticket.complaint_answered_at
        if not ticket.is_complaint:
            return now
        return None
    return None


def _pause(clock: SlaClock, now: datetime) -> None:
    if clock.state != ClockState.RUNNING:
        return  # already paused, or overdue: a breach is not undone by waiting
    clock.state = ClockState.PAUSED
    clock.paused_at = now
    clock.next_alert_at = None
    clock.save(update_fields=["state", "paused_at", "next_alert_at"])


def _resume(cal, clock: SlaClock, now: datetime) -> None:
    clock.paused_seconds += _paused_delta(cal, clock, now)
    clock.paused_at = None
    clock.state = ClockState.RUNNING
    _refresh_schedule(cal, clock)
    clock.save(update_fields=["paused_seconds", "paused_at", "state", "due_at", "next_alert_at"])


def _stop(cal, clock: SlaClock, when: datetime) -> None:
    if clock.state == ClockState.PAUSED:
        clock.paused_seconds += _paused_delta(cal, clock, max(when, clock.paused_at))
        clock.paused_at = None
        _refresh_schedule(cal, clock)
    clock.stopped_at = when
    clock.next_alert_at = None
    if clock.state != ClockState.BREACHED:
        clock.state = ClockState.MET if when <= clock.due_at else ClockState.BREACHED
    clock.save(
        update_fields=[
            "paused_seconds",
            "paused_at",
            "due_at",
            "stopped_at",
            "next_alert_at",
            "state",
        ]
    )


# --- Status and display -------------------------------------------------------------------------


def clock_status(clock: SlaClock, now: datetime | None = None, cal=None):
    """(fraction of the allowance used, remaining time) at ``now``; remaining is negative when
    overdue and is counted in the clock's own time (office time for office clocks)."""
    now = now or timezone.now()
    cal = cal or LiveCalendar(clock.ticket.organisation_id if clock.ticket_id else None)
    end = clock.stopped_at or now
    if clock.paused_at is not None:
        end = min(end, clock.paused_at)
    paused = clock.paused_seconds
    if clock.clock_type == ClockType.CALENDAR:
        elapsed = (end - clock.started_at).total_seconds() - paused
        remaining = (clock.due_at - end).total_seconds()
    else:
        elapsed = cal.office_between(clock.started_at, end) - paused
        remaining = cal.office_between(end, clock.due_at)
        if remaining == 0 and end > clock.due_at:
            remaining = -(end - clock.due_at).total_seconds()
    budget = budget_seconds(cal, clock.clock_type, clock.amount, clock.started_at)
    if budget <= 0:
        fraction = 1.0 if end >= clock.due_at else 0.0
    else:
        fraction = max(0.0, elapsed / budget)
    return fraction, timedelta(seconds=remaining)


def format_duration(delta: timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


@dataclass
class ClockRow:
    clock: SlaClock
    label: str
    due_at: datetime
    state: str
    state_label: str
    text: str
    percent: int
    bar_percent: int
    color: str
    office_time: bool


def clock_rows(ticket, now: datetime | None = None) -> list[ClockRow]:
    """The ticket's clocks for display, newest results last (template ``sla_panel.html``)."""
    now = now or timezone.now()
    cal = LiveCalendar(ticket.organisation_id)
    rows = []
    for clock in ticket.sla_clocks.select_related("target").order_by("started_at", "id"):
        fraction, remaining = clock_status(clock, now, cal)
        percent = round(fraction * 100)
        office = clock.clock_type != ClockType.CALENDAR
        if clock.stopped_at is not None:
            if clock.state == ClockState.MET:
                text = _("Met at %(time)s") % {
                    "time": timezone.localtime(clock.stopped_at).strftime("%Y-%m-%d %H:%M")
                }
                color = "success"
            else:
                text = _("Done %(late)s late") % {"late": format_duration(remaining)}
                color = "danger"
        elif clock.state == ClockState.PAUSED:
            text = _("Paused while waiting for information; %(left)s left") % {
                "left": format_duration(remaining)
            }
            color = "secondary"
        elif remaining.total_seconds() < 0 or clock.state == ClockState.BREACHED:
            text = _("Overdue by %(late)s") % {"late": format_duration(remaining)}
            color = "danger"
        else:
            text = _("%(left)s left") % {"left": format_duration(remaining)}
            color = "warning" if percent >= 50 else "success"
        if office and clock.stopped_at is None:
            suffix = _("(office time)")
            text = f"{text} {suffix}"
        rows.append(
            ClockRow(
                clock=clock,
                label=clock.label,
                due_at=clock.due_at,
                state=clock.state,
                state_label=str(clock.get_state_display()),
                text=text,
                percent=percent,
                bar_percent=min(100, max(0, percent)),
                color=color,
                office_time=office,
            )
        )
    return rows


# --- Recomputing after a calendar change --------------------------------------------------------


def _day_start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI)


def _timelines(org_ids, first: date, last: date) -> dict:
    """One timeline per distinct office-hours pattern, shared by the organisations having it."""
    by_pattern: dict[tuple, Timeline] = {}
    result = {}
    for org_id in org_ids:
        intervals = tuple(workcalendar.office_intervals(org_id))
        timeline = by_pattern.get(intervals)
        if timeline is None:
            timeline = Timeline(org_id, list(intervals), first, last)
            by_pattern[intervals] = timeline
        result[org_id] = timeline
    return result


@workcalendar.on_calendar_changed
def recompute_open_clocks(change: workcalendar.CalendarChange | None = None, now=None) -> int:
    """Recompute the due time (and next warning) of open clocks; returns how many changed.

    A change of single days touches only clocks whose span covers one of those days; other
    changes (years, office hours, filing periods) recompute every open clock.
    """
    now = now or timezone.now()
    clocks = SlaClock.objects.filter(stopped_at__isnull=True)
    if change is not None and change.kind == "day" and change.dates:
        clocks = clocks.filter(
            started_at__lt=_day_start(max(change.dates) + timedelta(days=1)),
            due_at__gte=_day_start(min(change.dates)),
        )
    rows = list(
        clocks.values_list(
            "pk",
            "clock_type",
            "amount",
            "started_at",
            "paused_seconds",
            "due_at",
            "next_alert_at",
            "state",
            "warned",
            "ticket__organisation_id",
            "target__warn_at",
        )
    )
    if not rows:
        return 0
    first = min(row[3] for row in rows).astimezone(SHANGHAI).date() - timedelta(days=1)
    latest = max(max(row[3], row[5]) for row in rows).astimezone(SHANGHAI).date()
    # Enough days for the longest allowance (hours ÷ 6 ≈ workdays), twice over, plus slack;
    # anything beyond the range is still answered, by workcalendar directly.
    longest = max(
        float(row[2]) if row[1] == ClockType.WORKDAY_END else float(row[2]) / 6 for row in rows
    )
    last = max(latest, now.astimezone(SHANGHAI).date()) + timedelta(days=int(longest * 2) + 60)
    timelines = _timelines({row[9] for row in rows}, first, last)
    changed = []
    for (
        pk,
        clock_type,
        amount,
        started,
        paused,
        old_due,
        old_alert,
        state,
        warned,
        org_id,
        warn_at,
    ) in rows:
        cal = timelines[org_id]
        due = compute_due(cal, clock_type, amount, started, paused)
        new_state = state
        if state == ClockState.PAUSED:
            alert = None
        else:
            if state == ClockState.BREACHED and due > now:
                new_state = ClockState.RUNNING
            alert = next_alert(
                cal,
                clock_type,
                amount,
                started,
                paused,
                due,
                warn_at if warn_at is not None else default_warn_at(),
                warned,
            )
        if due != old_due or alert != old_alert or new_state != state:
            changed.append((due, alert, new_state, pk))
    _write_schedules(changed)
    if changed:
        logger.info("SLA: %s open clocks recomputed after a calendar change", len(changed))
    return len(changed)


def _write_schedules(changed: list[tuple]) -> None:
    """Write (due_at, next_alert_at, state, pk) rows in batches: on PostgreSQL one UPDATE … FROM
    unnest(arrays) per batch, elsewhere one prepared UPDATE run per row (``executemany``);
    Django's ``bulk_update`` builds a CASE per row and is ~15× slower."""
    if not changed:
        return
    table = connection.ops.quote_name(SlaClock._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for offset in range(0, len(changed), BULK_BATCH):
            batch = changed[offset : offset + BULK_BATCH]
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS c SET due_at = v.due, next_alert_at = v.alert, "
                    "state = v.state FROM unnest(%s::timestamptz[], %s::timestamptz[], "
                    "%s::text[], %s::bigint[]) AS v(due, alert, state, id) WHERE c.id = v.id",
                    [list(column) for column in zip(*batch, strict=True)],
                )
                continue
            adapt = connection.ops.adapt_datetimefield_value
            cursor.executemany(
                f"UPDATE {table} SET due_at = %s, next_alert_at = %s, state = %s WHERE id = %s",
                [(adapt(due), adapt(alert), state, pk) for due, alert, state, pk in batch],
            )


# --- The periodic check -------------------------------------------------------------------------


def _handlers(ticket) -> list:
    if ticket.assignee_id and ticket.assignee.is_active:
        return [ticket.assignee]
    if ticket.team_id:
        members = list(ticket.team.members.filter(is_active=True))
        if members:
            return members
    return _owners()


def _owners() -> list:
    from yunwei.core.choices import RoleCode
    from yunwei.core.models import User

    return list(User.objects.filter(is_active=True, roles__code=RoleCode.OM_OWNER).distinct())


def _leader(ticket):
    if ticket.team_id and ticket.team.leader_id and ticket.team.leader.is_active:
        return ticket.team.leader
    return None


def _tell(event: str, recipients, ticket, title: str, body: str) -> None:
    from yunwei.core.notify import notify

    seen, users = set(), []
    for user in recipients:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    if users:
        notify(
            event,
            recipients=users,
            title=f"{ticket.number} {title}",
            body=body,
            url=ticket.url,
            organisation=ticket.organisation,
        )


def _timeline_event(ticket, kind: str, body: str, data: dict):
    from yunwei.tickets.models import TicketEvent

    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=None, is_public=False, body=body, data=data
    )


def check_clocks(now: datetime | None = None) -> dict:
    """Announce the warnings and breaches that fell due; apply escalation actions once.

    Several thresholds passed since the last run give one announcement (the highest).
    Returns counts: warnings, breaches, escalations.
    """
    now = now or timezone.now()
    counts = {"warnings": 0, "breaches": 0, "escalations": 0}
    due_ids = list(
        SlaClock.objects.filter(
            stopped_at__isnull=True, next_alert_at__isnull=False, next_alert_at__lte=now
        )
        .order_by("next_alert_at", "pk")
        .values_list("pk", flat=True)
    )
    for pk in due_ids:
        try:
            with transaction.atomic():
                _check_one(pk, now, counts)
        except Exception:
            logger.exception("SLA check of clock %s failed", pk)
    return counts


def _check_one(pk: int, now: datetime, counts: dict) -> None:
    clock = (
        SlaClock.objects.select_for_update(of=("self",))
        .filter(pk=pk, stopped_at__isnull=True)
        .select_related("target")
        .first()
    )
    if clock is None or clock.state == ClockState.PAUSED:
        return
    ticket = clock.ticket
    cal = LiveCalendar(ticket.organisation_id)
    warned = set(clock.warned or [])
    crossed = [
        percent
        for percent in _alert_points(_warn_at(clock))
        if percent not in warned
        and threshold_time(
            cal,
            clock.clock_type,
            clock.amount,
            clock.started_at,
            clock.paused_seconds,
            clock.due_at,
            percent,
        )
        <= now
    ]
    if not crossed:
        _refresh_schedule(cal, clock)
        clock.save(update_fields=["due_at", "next_alert_at"])
        return
    clock.warned = sorted(warned | set(crossed))
    highest = max(crossed)
    if highest >= BREACH:
        clock.state = ClockState.BREACHED
        _breach(clock, ticket, counts)
    else:
        _warn(clock, ticket, highest)
        counts["warnings"] += 1
    _refresh_schedule(cal, clock)
    clock.save(update_fields=["warned", "state", "due_at", "next_alert_at"])


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _warn(clock: SlaClock, ticket, percent: int) -> None:
    body = _("%(metric)s: %(percent)s%% of the time used, due %(due)s.") % {
        "metric": clock.label,
        "percent": percent,
        "due": _when(clock.due_at),
    }
    data = {"clock": clock.pk, "metric": clock.metric, "percent": percent, "due": clock.due_at}
    _timeline_event(ticket, EventKind.SLA_WARNING, body, audit.to_jsonable(data))
    audit.record("tickets.sla.warning", obj=ticket, after=data)
    _tell(
        "tickets.sla_warning",
        _handlers(ticket),
        ticket,
        _("time limit approaching: %(metric)s") % {"metric": clock.label},
        body,
    )


def _breach(clock: SlaClock, ticket, counts: dict) -> None:
    body = _("%(metric)s: the time limit (%(due)s) is exceeded.") % {
        "metric": clock.label,
        "due": _when(clock.due_at),
    }
    data = {"clock": clock.pk, "metric": clock.metric, "due": clock.due_at}
    _timeline_event(ticket, EventKind.SLA_BREACHED, body, audit.to_jsonable(data))
    audit.record("tickets.sla.breached", obj=ticket, after=data)
    _tell(
        "tickets.sla_breached",
        _handlers(ticket),
        ticket,
        _("time limit exceeded: %(metric)s") % {"metric": clock.label},
        body,
    )
    counts["breaches"] += 1
    actions = clock.target.escalation if clock.target_id and clock.target else []
    for action in actions:
        if _escalate(clock, ticket, action, body):
            counts["escalations"] += 1


def _escalate(clock: SlaClock, ticket, action: str, reason: str) -> bool:
    """Apply one escalation action; returns whether something was done."""
    from yunwei.tickets.models import Ticket

    leader = _leader(ticket)
    data = {"clock": clock.pk, "metric": clock.metric, "action": action}
    if action == EscalationAction.NOTIFY_LEADER:
        recipients = [leader] if leader else _owners()
        if not recipients:
            return False
        body = _("Leader notified: %(names)s.") % {
            "names": ", ".join(str(user) for user in recipients)
        }
        _tell(
            "tickets.sla_breached",
            recipients,
            ticket,
            _("time limit exceeded, please step in: %(metric)s") % {"metric": clock.label},
            reason,
        )
        data["recipients"] = [user.pk for user in recipients]
    elif action == EscalationAction.REASSIGN_TO_LEADER:
        if leader is None or ticket.assignee_id == leader.pk:
            return False
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        before = {"assignee_id": locked.assignee_id}
        locked.assignee = leader
        locked.save(update_fields=["assignee", "updated_at"])
        ticket.assignee = leader
        data.update(before=before, after={"assignee_id": leader.pk})
        body = _("Reassigned to the team leader %(leader)s.") % {"leader": leader}
        _tell(
            "tickets.assigned",
            [leader],
            ticket,
            _("assigned to you (time limit exceeded): %(title)s") % {"title": ticket.title},
            reason,
        )
    elif action == EscalationAction.RAISE_PRIORITY:
        order = list(Priority.values)  # p1 first
        if ticket.priority not in order or order.index(ticket.priority) == 0:
            return False
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        old = locked.priority
        new = order[order.index(old) - 1]
        locked.priority = new
        locked.save(update_fields=["priority", "updated_at"])
        ticket.priority = new
        data.update(before={"priority": old}, after={"priority": new})
        body = _("Priority raised from %(old)s to %(new)s.") % {
            "old": Priority(old).label,
            "new": Priority(new).label,
        }
    else:
        return False
    _timeline_event(ticket, EventKind.SLA_ESCALATED, body, audit.to_jsonable(data))
    audit.record(
        "tickets.sla.escalate",
        obj=ticket,
        before=data.get("before"),
        after={key: value for key, value in data.items() if key != "before"},
    )
    return True


register_task("yunwei.tickets.sla.check_clocks", gettext_lazy("Check ticket time limits"))


def ensure_default_schedules() -> list[str]:
    """Create the every-5-minutes time-limit check unless a schedule of that name exists."""
    from django_q.models import Schedule

    created = []
    with transaction.atomic():
        if not Schedule.objects.filter(name=CHECK_SCHEDULE).exists():
            schedule = Schedule.objects.create(
                name=CHECK_SCHEDULE,
                func="yunwei.tickets.sla.check_clocks",
                schedule_type=Schedule.MINUTES,
                minutes=5,
                repeats=-1,
                next_run=timezone.now() + timedelta(minutes=5),
            )
            audit.record("django_q.schedule.create", obj=schedule, object_repr=CHECK_SCHEDULE)
            created.append(CHECK_SCHEDULE)
    return created


# --- Built-in policies (mission §3.1) -----------------------------------------------------------


def _workday_hours() -> Decimal:
    """The length of a default workday in office hours (6.5 h with 08:30–12:00, 14:30–17:30)."""
    seconds = sum(
        (datetime.combine(date.min, end) - datetime.combine(date.min, start)).total_seconds()
        for start, end in workcalendar.office_intervals(None)
    )
    return Decimal(str(seconds / 3600))


def default_policy_specs() -> list[dict]:
    """Mission §3.1: data fix < 2 WD; operation problem 0.5 WD on site / 2 WD in full; program
    error 3 / 5 WD; sudden fault 0.5 / 5 WD; general 1 / 5 WD; reply the same day; tier 2 by
    the end of the 2nd workday from escalation; complaints answered within 24 h. "On site" is
    tier 1's own deadline; N workdays of duration are N × the office hours of a workday. The
    30-minute response / 3-hour resolution lot is shipped inactive, for bureaus that use it."""
    day = _workday_hours()

    def wd(n):
        return (Decimal(str(n)) * day).quantize(Decimal("0.01"))

    same_day = {
        "metric": SlaMetric.SAME_DAY_REPLY,
        "clock_type": ClockType.WORKDAY_END,
        "amount": Decimal("0"),
    }

    def kind_policy(code, name, kinds, sort_order, on_site, full, escalation=("notify_leader",)):
        targets = [same_day]
        if on_site is not None:
            targets.append(
                {
                    "metric": SlaMetric.TIER_DEADLINE,
                    "tier": Tier.TIER1,
                    "clock_type": ClockType.OFFICE_HOURS,
                    "amount": wd(on_site),
                }
            )
        targets.append(
            {
                "metric": SlaMetric.RESOLUTION,
                "clock_type": ClockType.OFFICE_HOURS,
                "amount": wd(full),
                "escalation": list(escalation),
            }
        )
        return {
            "code": code,
            "name": name,
            "kinds": kinds,
            "sort_order": sort_order,
            "targets": targets,
        }

    general = kind_policy("default.general", "一般问题（现场1个/全部5个工作日）", [], 100, 1, 5)
    general["targets"] += [
        {
            "metric": SlaMetric.TIER_DEADLINE,
            "tier": Tier.TIER2,
            "clock_type": ClockType.WORKDAY_END,
            "amount": Decimal("2"),
            "starts_on": StartsOn.ESCALATED,
            "escalation": ["notify_leader"],
        },
        {
            "metric": SlaMetric.COMPLAINT_ANSWER,
            "clock_type": ClockType.CALENDAR,
            "amount": Decimal("24"),
            "starts_on": StartsOn.COMPLAINT,
            "escalation": ["notify_leader"],
        },
    ]
    return [
        kind_policy("default.data_fix", "数据修改（2个工作日）", ["data_fix"], 10, None, 2),
        kind_policy(
            "default.consultation",
            "操作问题（现场0.5个/全部2个工作日）",
            ["consultation"],
            20,
            0.5,
            2,
        ),
        kind_policy("default.bug", "程序错误（现场3个/全部5个工作日）", ["bug"], 30, 3, 5),
        kind_policy(
            "default.fault",
            "突发故障（现场0.5个/全部5个工作日）",
            ["fault"],
            40,
            0.5,
            5,
            escalation=("notify_leader", "raise_priority"),
        ),
        general,
        {
            "code": "default.urgent_lot",
            "name": "紧急（30分钟响应/3小时解决）",
            "priorities": ["p1"],
            "sort_order": 5,
            "is_active": False,
            "targets": [
                {
                    "metric": SlaMetric.FIRST_RESPONSE,
                    "clock_type": ClockType.CALENDAR,
                    "amount": Decimal("0.5"),
                    "escalation": ["notify_leader"],
                },
                {
                    "metric": SlaMetric.RESOLUTION,
                    "clock_type": ClockType.CALENDAR,
                    "amount": Decimal("3"),
                    "escalation": ["notify_leader", "reassign_to_leader"],
                },
            ],
        },
    ]


def ensure_default_policies(*, actor=None) -> list[str]:
    """Create the built-in policies that do not exist yet (by code); existing ones, maybe
    edited by an administrator, are left alone. Returns the codes created."""
    created = []
    with transaction.atomic():
        existing = set(SlaPolicy.objects.filter(code__isnull=False).values_list("code", flat=True))
        for spec in default_policy_specs():
            if spec["code"] in existing:
                continue
            spec = dict(spec)
            targets = spec.pop("targets")
            name = spec["name"]
            if SlaPolicy.objects.filter(name=name).exists():
                continue  # an administrator's policy of that name: leave it alone
            policy = SlaPolicy.objects.create(**spec)
            for target in targets:
                SlaTarget.objects.create(policy=policy, **target)
            audit.record(
                "tickets.slapolicy.create",
                actor=actor,
                obj=policy,
                after={
                    "code": policy.code,
                    "targets": [
                        {key: str(value) for key, value in target.items()} for target in targets
                    ],
                },
            )
            created.append(policy.code)
    return created
