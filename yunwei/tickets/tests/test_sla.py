"""SLA policies and clocks: deadlines over 2026's holidays, pauses, tier 2, calendar edits,
warnings and breaches, policy matching, the built-in policies, the pages."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import include, path
from django.utils import timezone, translation

from yunwei.core.models import AuditEntry, Notification
from yunwei.tickets import actions, sla
from yunwei.tickets.choices import (
    ESCALATION_CHECKLIST_CODES,
    CauseCategory,
    Channel,
    EventKind,
    Priority,
    TicketKind,
    TicketStatus,
    Tier,
)
from yunwei.tickets.models import SlaClock, SlaPolicy, SlaTarget, Ticket
from yunwei.tickets.models.sla import ClockState, ClockType, SlaMetric, StartsOn
from yunwei.tickets.tests.factories import TeamFactory


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English source messages; pages are checked in Chinese elsewhere."""
    with translation.override("en"):
        yield


SHANGHAI = ZoneInfo("Asia/Shanghai")
FULL_CHECKLIST = dict.fromkeys(ESCALATION_CHECKLIST_CODES, True)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


class Clock:
    """A settable ``timezone.now`` for the actions and the engine."""

    def __init__(self, monkeypatch):
        self.now = at(2026, 1, 5, 9, 0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, *args):
        self.now = at(*args)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def people(make_user):
    return {
        "reporter": make_user("grassroots_staff", org="county_a1", username="reporter"),
        "tier1": make_user("tier1", org="province", username="t1"),
        "tier2": make_user("tier2", org="province", username="t2"),
        "leader": make_user("tier1", org="province", username="leader"),
        "owner": make_user("om_owner", org="province", username="owner"),
    }


def policy(name="测试策略", targets=(), **fields):
    item = SlaPolicy.objects.create(name=name, **fields)
    for target in targets:
        SlaTarget.objects.create(policy=item, **target)
    return item


def target(metric, clock_type, amount, **extra):
    return {"metric": metric, "clock_type": clock_type, "amount": Decimal(str(amount)), **extra}


def create(people, org_tree, **extra):
    fields = {
        "actor": people["reporter"],
        "title": "社保费申报提示系统错误",
        "description": "申报时提示“系统错误”。",
        "kind": TicketKind.BUG,
        "channel": Channel.PLATFORM,
        "organisation": org_tree["county_a1"],
    }
    fields.update(extra)
    return actions.do_create_ticket(**fields)


def clocks(ticket, **filters):
    return {
        (c.metric, c.clock_type, c.amount.normalize(), c.tier): c
        for c in SlaClock.objects.filter(ticket=ticket, **filters)
    }


def one(ticket, **filters) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, **filters)


# --- Deadlines over the 2026 holidays -----------------------------------------------------------


@pytest.fixture
def every_clock_type(db):
    return policy(
        targets=[
            target(SlaMetric.RESOLUTION, ClockType.CALENDAR, 24),
            target(SlaMetric.TIER_DEADLINE, ClockType.OFFICE_HOURS, "6.5", tier=Tier.TIER1),
            target(SlaMetric.SAME_DAY_REPLY, ClockType.WORKDAY_END, 0),
            target(SlaMetric.FIRST_RESPONSE, ClockType.WORKDAY_END, 2),
        ]
    )


def test_deadlines_across_national_day(clock, people, org_tree, every_clock_type):
    """Wed 30 Sep 2026 16:00: 1–7 Oct rest, Thu 8 Oct is the next workday, Sat 10 Oct works."""
    clock.set(2026, 9, 30, 16, 0)
    ticket = create(people, org_tree)
    due = {c.metric: c.due_at for c in SlaClock.objects.filter(ticket=ticket)}
    assert due[SlaMetric.RESOLUTION] == at(2026, 10, 1, 16, 0)  # 24 calendar hours
    # 1.5 h on 30 Sep, then 3.5 h on the morning of 8 Oct and 1.5 h after 14:30.
    assert due[SlaMetric.TIER_DEADLINE] == at(2026, 10, 8, 16, 0)
    assert due[SlaMetric.SAME_DAY_REPLY] == at(2026, 9, 30, 17, 30)
    assert due[SlaMetric.FIRST_RESPONSE] == at(2026, 10, 9, 17, 30)  # 8 Oct, 9 Oct


def test_deadlines_on_make_up_workdays(clock, people, org_tree, every_clock_type):
    # Sat 19 Sep is a rest day; Sun 20 Sep is a make-up workday.
    clock.set(2026, 9, 19, 10, 0)
    ticket = create(people, org_tree)
    due = {c.metric: c.due_at for c in SlaClock.objects.filter(ticket=ticket)}
    assert due[SlaMetric.SAME_DAY_REPLY] == at(2026, 9, 20, 17, 30)
    assert due[SlaMetric.TIER_DEADLINE] == at(2026, 9, 20, 17, 30)  # all 6.5 h of Sunday
    # N workdays after the start date: Sun 20 Sep is the 1st, Mon 21 Sep the 2nd.
    assert due[SlaMetric.FIRST_RESPONSE] == at(2026, 9, 21, 17, 30)


def test_deadlines_across_spring_festival(clock, people, org_tree, every_clock_type):
    """Fri 13 Feb 2026 10:00: Sat 14 Feb works, 15–23 Feb rest, Tue 24 Feb, Sat 28 Feb works."""
    clock.set(2026, 2, 13, 10, 0)
    ticket = create(people, org_tree)
    due = {c.metric: c.due_at for c in SlaClock.objects.filter(ticket=ticket)}
    assert due[SlaMetric.RESOLUTION] == at(2026, 2, 14, 10, 0)
    # 13 Feb: 2 h + 3 h = 5 h; 14 Feb: 1.5 h more → 14 Feb 10:00.
    assert due[SlaMetric.TIER_DEADLINE] == at(2026, 2, 14, 10, 0)
    assert due[SlaMetric.SAME_DAY_REPLY] == at(2026, 2, 13, 17, 30)
    assert due[SlaMetric.FIRST_RESPONSE] == at(2026, 2, 24, 17, 30)  # 14 Feb, then 24 Feb


def test_spring_festival_long_office_hours_clock(clock, people, org_tree):
    policy(
        targets=[
            target(SlaMetric.RESOLUTION, ClockType.OFFICE_HOURS, 13),
            target(SlaMetric.TIER_DEADLINE, ClockType.WORKDAY_END, 5, tier=Tier.TIER1),
        ]
    )
    clock.set(2026, 2, 13, 10, 0)
    ticket = create(people, org_tree)
    # 5 h on 13 Feb, 6.5 h on Sat 14 Feb, 1.5 h on 24 Feb → 10:00.
    assert one(ticket, metric=SlaMetric.RESOLUTION).due_at == at(2026, 2, 24, 10, 0)
    # 14, 24, 25, 26, 27 Feb.
    assert one(ticket, metric=SlaMetric.TIER_DEADLINE).due_at == at(2026, 2, 27, 17, 30)


def test_same_day_clock_started_after_office_hours_is_due_next_workday(
    clock, people, org_tree, every_clock_type
):
    clock.set(2026, 9, 30, 19, 0)
    ticket = create(people, org_tree)
    assert one(ticket, metric=SlaMetric.SAME_DAY_REPLY).due_at == at(2026, 10, 8, 17, 30)


def test_precomputed_timeline_agrees_with_workcalendar(db):
    live = sla.LiveCalendar(None)
    fast = sla.Timeline(None, live_intervals(), date(2026, 1, 1), date(2026, 12, 31))
    rng = random.Random(7)
    for _ in range(400):
        start = at(2026, 1, 1) + timedelta(minutes=rng.randrange(0, 340 * 24 * 60))
        hours = rng.choice([0.25, 1, 3.25, 6.5, 13, 19.5, 32.5])
        assert fast.add_office(start, hours * 3600) == live.add_office(start, hours * 3600)
        n = rng.randrange(0, 6)
        assert fast.deadline(start, n) == live.deadline(start, n)
        end = start + timedelta(hours=rng.randrange(0, 400))
        assert fast.office_between(start, end) == live.office_between(start, end)
    # Outside its range it still answers (from workcalendar).
    late = at(2027, 12, 30, 16, 0)
    assert fast.deadline(late, 3) == live.deadline(late, 3)


def live_intervals():
    from yunwei.core import workcalendar

    return workcalendar.office_intervals(None)


# --- Pauses ---------------------------------------------------------------------------------------


def test_waiting_for_the_reporter_does_not_count(clock, people, org_tree):
    policy(
        targets=[
            target(SlaMetric.RESOLUTION, ClockType.OFFICE_HOURS, "6.5"),
            target(SlaMetric.TIER_DEADLINE, ClockType.WORKDAY_END, 1, tier=Tier.TIER1),
        ]
    )
    clock.set(2026, 9, 29, 16, 0)
    ticket = create(people, org_tree)
    by_metric = {c.metric: c for c in SlaClock.objects.filter(ticket=ticket)}
    assert by_metric[SlaMetric.RESOLUTION].due_at == at(2026, 9, 30, 16, 0)
    assert by_metric[SlaMetric.TIER_DEADLINE].due_at == at(2026, 9, 30, 17, 30)

    clock.set(2026, 9, 29, 17, 0)  # 1 office hour used
    actions.do_accept(ticket, actor=people["tier1"])
    actions.do_request_info(ticket, actor=people["tier1"], question="请提供纳税人识别号")
    assert {c.state for c in SlaClock.objects.filter(ticket=ticket)} == {ClockState.PAUSED}
    # Nothing is announced while paused, however long it waits.
    assert sla.check_clocks(now=at(2026, 10, 7, 12, 0)) == {
        "warnings": 0,
        "breaches": 0,
        "escalations": 0,
    }

    # Answered on Thu 8 Oct 09:00: a night, the rest of 30 Sep and the holiday in between.
    clock.set(2026, 10, 8, 9, 0)
    actions.do_provide_info(ticket, actor=people["reporter"], body="913300001234567890")
    by_metric = {c.metric: c for c in SlaClock.objects.filter(ticket=ticket)}
    resolution = by_metric[SlaMetric.RESOLUTION]
    assert resolution.state == ClockState.RUNNING and resolution.paused_at is None
    # Paused office time: 0.5 h (29 Sep) + 6.5 h (30 Sep) + 0.5 h (8 Oct) = 7.5 h.
    assert resolution.paused_seconds == 7.5 * 3600
    # 5.5 h were left: 09:00–12:00 and 14:30–17:00 on 8 Oct.
    assert resolution.due_at == at(2026, 10, 8, 17, 0)
    # End of the 1st workday (30 Sep 17:30) moved on by 7.5 office hours: 8 Oct + 1 h.
    assert by_metric[SlaMetric.TIER_DEADLINE].due_at == at(2026, 10, 9, 9, 30)


def test_pause_on_a_calendar_clock_moves_by_wall_time(clock, people, org_tree):
    policy(targets=[target(SlaMetric.RESOLUTION, ClockType.CALENDAR, 24)])
    clock.set(2026, 9, 29, 16, 0)
    ticket = create(people, org_tree)
    clock.set(2026, 9, 29, 17, 0)
    actions.do_request_info(ticket, actor=people["tier1"], question="请补充截图")
    clock.set(2026, 10, 8, 9, 0)
    actions.do_provide_info(ticket, actor=people["reporter"], body="已补充")
    resolution = one(ticket)
    assert resolution.paused_seconds == (8 * 24 + 16) * 3600
    assert resolution.due_at == at(2026, 10, 9, 8, 0)


# --- Stopping, tier 2, reopening -----------------------------------------------------------------


def test_first_response_stops_at_accept_and_resolution_at_resolve(clock, people, org_tree):
    policy(
        targets=[
            target(SlaMetric.FIRST_RESPONSE, ClockType.CALENDAR, "0.5"),
            target(SlaMetric.RESOLUTION, ClockType.OFFICE_HOURS, 3),
        ]
    )
    clock.set(2026, 3, 2, 9, 0)
    ticket = create(people, org_tree)
    clock.set(2026, 3, 2, 9, 20)
    actions.do_accept(ticket, actor=people["tier1"])
    first = one(ticket, metric=SlaMetric.FIRST_RESPONSE)
    assert first.state == ClockState.MET and first.stopped_at == at(2026, 3, 2, 9, 20)
    assert one(ticket, metric=SlaMetric.RESOLUTION).state == ClockState.RUNNING

    clock.set(2026, 3, 2, 15, 0)  # 3 h + 0.5 h of office time: late
    actions.do_resolve(
        ticket, actor=people["tier1"], solution="已修复", cause_category=CauseCategory.OTHER
    )
    resolution = one(ticket, metric=SlaMetric.RESOLUTION)
    assert resolution.state == ClockState.BREACHED
    assert resolution.stopped_at == at(2026, 3, 2, 15, 0)

    # Reopened: a fresh resolution clock from the reopening; the old one keeps its result.
    clock.set(2026, 3, 3, 9, 0)
    actions.do_reopen(ticket, actor=people["reporter"], reason="问题仍存在")
    resolutions = list(SlaClock.objects.filter(ticket=ticket, metric=SlaMetric.RESOLUTION))
    assert [c.state for c in resolutions] == [ClockState.BREACHED, ClockState.RUNNING]
    assert resolutions[1].started_at == at(2026, 3, 3, 9, 0)
    assert resolutions[1].due_at == at(2026, 3, 3, 12, 0)


def test_public_reply_stops_the_first_response(clock, people, org_tree):
    policy(targets=[target(SlaMetric.FIRST_RESPONSE, ClockType.CALENDAR, 1)])
    clock.set(2026, 3, 2, 9, 0)
    ticket = create(people, org_tree)
    actions.do_reply(ticket, actor=people["tier1"], body="内部分析", public=False)
    assert one(ticket).stopped_at is None
    clock.set(2026, 3, 2, 11, 0)
    actions.do_reply(ticket, actor=people["tier1"], body="正在处理")
    assert one(ticket).state == ClockState.BREACHED


def test_tier2_is_due_by_the_end_of_the_second_workday_from_escalation(clock, people, org_tree):
    policy(
        targets=[
            target(SlaMetric.TIER_DEADLINE, ClockType.OFFICE_HOURS, "3.25", tier=Tier.TIER1),
            target(
                SlaMetric.TIER_DEADLINE,
                ClockType.WORKDAY_END,
                2,
                tier=Tier.TIER2,
                starts_on=StartsOn.ESCALATED,
            ),
        ]
    )
    clock.set(2026, 9, 30, 9, 0)
    ticket = create(people, org_tree)
    actions.do_accept(ticket, actor=people["tier1"])
    clock.set(2026, 9, 30, 10, 0)
    actions.do_escalate(ticket, actor=people["tier1"], checklist=FULL_CHECKLIST, note="需二线")
    tier1 = one(ticket, tier=Tier.TIER1)
    assert tier1.state == ClockState.MET and tier1.stopped_at == at(2026, 9, 30, 10, 0)
    tier2 = one(ticket, tier=Tier.TIER2)
    assert tier2.started_at == at(2026, 9, 30, 10, 0)
    assert tier2.due_at == at(2026, 10, 9, 17, 30)  # 8 Oct is the 1st workday, 9 Oct the 2nd

    clock.set(2026, 10, 9, 16, 0)
    actions.do_forward(
        ticket,
        actor=people["tier2"],
        to=Tier.DEVELOPER,
        target="开发组",
        promised_date=date(2026, 10, 20),
        note="",
    )
    tier2.refresh_from_db()
    assert tier2.state == ClockState.MET and tier2.stopped_at == at(2026, 10, 9, 16, 0)


def test_tier2_clock_stops_when_sent_back(clock, people, org_tree):
    policy(
        targets=[
            target(
                SlaMetric.TIER_DEADLINE,
                ClockType.WORKDAY_END,
                2,
                tier=Tier.TIER2,
                starts_on=StartsOn.ESCALATED,
            )
        ]
    )
    clock.set(2026, 3, 2, 9, 0)
    ticket = create(people, org_tree)
    actions.do_accept(ticket, actor=people["tier1"])
    actions.do_escalate(ticket, actor=people["tier1"], checklist=FULL_CHECKLIST, note="")
    clock.set(2026, 3, 6, 9, 0)  # after the end of Wed 4 Mar
    actions.do_return_incomplete(ticket, actor=people["tier2"], missing=["evidence"], note="")
    assert one(ticket).state == ClockState.BREACHED


def test_complaint_clock(clock, people, org_tree):
    policy(
        targets=[
            target(SlaMetric.COMPLAINT_ANSWER, ClockType.CALENDAR, 24, starts_on=StartsOn.COMPLAINT)
        ]
    )
    clock.set(2026, 3, 2, 9, 0)
    ticket = create(people, org_tree)
    assert not SlaClock.objects.filter(ticket=ticket).exists()
    actions.do_resolve(
        ticket, actor=people["tier1"], solution="已处理", cause_category=CauseCategory.OTHER
    )
    actions.do_close(ticket, actor=people["tier1"])
    actions.do_flag_complaint(ticket, actor=people["reporter"], note="处理太慢")
    complaint = one(ticket)
    assert complaint.due_at == at(2026, 3, 3, 9, 0)
    clock.set(2026, 3, 2, 20, 0)
    actions.do_answer_complaint(ticket, actor=people["owner"], answer="已致歉")
    complaint.refresh_from_db()
    assert complaint.state == ClockState.MET


# --- Calendar edits -------------------------------------------------------------------------------


def test_running_clocks_move_when_the_calendar_changes(
    clock, people, org_tree, admin_user, django_capture_on_commit_callbacks
):
    from yunwei.core.actions.calendar import do_set_calendar_day

    policy(
        targets=[
            target(SlaMetric.RESOLUTION, ClockType.WORKDAY_END, 2),
            target(SlaMetric.TIER_DEADLINE, ClockType.OFFICE_HOURS, "6.5", tier=Tier.TIER1),
            target(SlaMetric.COMPLAINT_ANSWER, ClockType.CALENDAR, 500),
        ]
    )
    clock.set(2026, 9, 30, 16, 0)
    ticket = create(people, org_tree)
    other = create(people, org_tree)
    SlaClock.objects.filter(ticket=other).update(stopped_at=at(2026, 9, 30, 16, 30))
    stopped_before = {c.pk: c.due_at for c in SlaClock.objects.filter(ticket=other)}
    assert one(ticket, metric=SlaMetric.RESOLUTION).due_at == at(2026, 10, 9, 17, 30)
    with django_capture_on_commit_callbacks(execute=True):
        do_set_calendar_day(actor=admin_user, date=date(2026, 10, 8), kind="holiday", name="测试")
    assert one(ticket, metric=SlaMetric.RESOLUTION).due_at == at(2026, 10, 10, 17, 30)
    assert one(ticket, metric=SlaMetric.TIER_DEADLINE).due_at == at(2026, 10, 9, 16, 0)
    # Calendar hours do not depend on the calendar; stopped clocks are history.
    complaint = one(ticket, metric=SlaMetric.COMPLAINT_ANSWER)
    assert complaint.due_at == at(2026, 9, 30, 16, 0) + timedelta(hours=500)
    assert {c.pk: c.due_at for c in SlaClock.objects.filter(ticket=other)} == stopped_before

    # A make-up workday brings it forward again.
    with django_capture_on_commit_callbacks(execute=True):
        do_set_calendar_day(actor=admin_user, date=date(2026, 10, 3), kind="workday")
    assert one(ticket, metric=SlaMetric.RESOLUTION).due_at == at(2026, 10, 9, 17, 30)


def test_bulk_recompute_many_clocks(clock, people, org_tree):
    policy(
        targets=[
            target(SlaMetric.RESOLUTION, ClockType.OFFICE_HOURS, 13),
            target(SlaMetric.SAME_DAY_REPLY, ClockType.WORKDAY_END, 0),
            target(SlaMetric.TIER_DEADLINE, ClockType.WORKDAY_END, 3, tier=Tier.TIER1),
        ]
    )
    clock.set(2026, 9, 28, 9, 0)
    ticket = create(people, org_tree)
    template = list(SlaClock.objects.filter(ticket=ticket))
    rng = random.Random(3)
    new = []
    for _ in range(300):
        for original in template:
            start = at(2026, 9, 1) + timedelta(minutes=rng.randrange(0, 60 * 24 * 60))
            new.append(
                SlaClock(
                    ticket=ticket,
                    target=original.target,
                    metric=original.metric,
                    tier=original.tier,
                    clock_type=original.clock_type,
                    amount=original.amount,
                    started_at=start,
                    due_at=start,  # wrong on purpose
                    paused_seconds=rng.choice([0, 0, 1800, 7200]),
                )
            )
    SlaClock.objects.bulk_create(new)
    assert sla.recompute_open_clocks() == len(new) + 0
    live = sla.LiveCalendar(ticket.organisation_id)
    for item in SlaClock.objects.filter(pk__in=[c.pk for c in new[:120]]):
        expected = sla.compute_due(
            live, item.clock_type, item.amount, item.started_at, item.paused_seconds
        )
        assert item.due_at == expected
        assert item.next_alert_at is not None
    assert sla.recompute_open_clocks() == 0  # nothing left to change


# --- Warnings, breaches, escalation --------------------------------------------------------------


def test_warnings_fire_once_each_then_breach_escalates_once(clock, people, org_tree):
    leader = people["leader"]
    team = TeamFactory(name="一线甲组", leader=leader, members=[people["tier1"]])
    policy(
        targets=[
            target(
                SlaMetric.RESOLUTION,
                ClockType.CALENDAR,
                10,
                warn_at=[50, 80, 100],
                escalation=["notify_leader", "raise_priority", "reassign_to_leader"],
            )
        ]
    )
    clock.set(2026, 3, 2, 8, 0)
    ticket = create(people, org_tree, priority=Priority.P3)
    actions.do_assign(ticket, actor=people["owner"], assignee=people["tier1"], team=team)
    handler = people["tier1"]

    def notes(user, event):
        return Notification.objects.filter(recipient=user, event=event).count()

    assert sla.check_clocks(now=at(2026, 3, 2, 12, 59))["warnings"] == 0
    assert sla.check_clocks(now=at(2026, 3, 2, 13, 0))["warnings"] == 1
    assert sla.check_clocks(now=at(2026, 3, 2, 13, 5))["warnings"] == 0
    assert notes(handler, "tickets.sla_warning") == 1
    assert one(ticket).warned == [50]
    assert sla.check_clocks(now=at(2026, 3, 2, 16, 0))["warnings"] == 1
    assert notes(handler, "tickets.sla_warning") == 2

    result = sla.check_clocks(now=at(2026, 3, 2, 18, 0))
    assert result == {"warnings": 0, "breaches": 1, "escalations": 3}
    assert sla.check_clocks(now=at(2026, 3, 2, 23, 0)) == {
        "warnings": 0,
        "breaches": 0,
        "escalations": 0,
    }
    running = one(ticket)
    assert running.state == ClockState.BREACHED and running.stopped_at is None
    assert running.warned == [50, 80, 100] and running.next_alert_at is None
    ticket.refresh_from_db()
    assert ticket.priority == Priority.P2  # one step, once
    assert ticket.assignee == leader
    assert notes(handler, "tickets.sla_breached") == 1
    assert notes(leader, "tickets.sla_breached") == 1
    assert notes(leader, "tickets.assigned") == 1
    kinds = list(ticket.events.filter(kind__startswith="sla_").values_list("kind", flat=True))
    assert kinds == [
        EventKind.SLA_WARNING,
        EventKind.SLA_WARNING,
        EventKind.SLA_BREACHED,
        EventKind.SLA_ESCALATED,
        EventKind.SLA_ESCALATED,
        EventKind.SLA_ESCALATED,
    ]
    audited = list(
        AuditEntry.objects.filter(action__startswith="tickets.sla.").values_list(
            "action", flat=True
        )
    )
    assert audited.count("tickets.sla.escalate") == 3
    assert audited.count("tickets.sla.breached") == 1

    # Resolving late keeps the breach.
    clock.set(2026, 3, 3, 9, 0)
    actions.do_resolve(ticket, actor=leader, solution="已处理", cause_category=CauseCategory.OTHER)
    assert one(ticket).state == ClockState.BREACHED and one(ticket).stopped_at is not None


def test_thresholds_passed_together_give_one_announcement(clock, people, org_tree):
    policy(targets=[target(SlaMetric.RESOLUTION, ClockType.OFFICE_HOURS, "6.5")])
    clock.set(2026, 3, 2, 8, 30)
    ticket = create(people, org_tree)
    actions.do_accept(ticket, actor=people["tier1"])
    # 80 % of 6.5 h is 5.2 h: 08:30–12:00 and 14:30–16:12.
    assert one(ticket).next_alert_at == at(2026, 3, 2, 12, 0) - timedelta(minutes=15)
    result = sla.check_clocks(now=at(2026, 3, 2, 16, 30))
    assert result["warnings"] == 1
    assert one(ticket).warned == [50, 80]
    assert Notification.objects.filter(event="tickets.sla_warning").count() == 1
    assert one(ticket).next_alert_at == at(2026, 3, 2, 17, 30)


def test_breach_without_assignee_tells_the_om_owner(clock, people, org_tree):
    policy(
        targets=[
            target(SlaMetric.FIRST_RESPONSE, ClockType.CALENDAR, 1, escalation=["notify_leader"])
        ]
    )
    clock.set(2026, 3, 2, 8, 0)
    ticket = create(people, org_tree)
    assert sla.check_clocks(now=at(2026, 3, 2, 9, 30))["breaches"] == 1
    owner = people["owner"]
    assert Notification.objects.filter(recipient=owner, event="tickets.sla_breached").count() == 2
    assert ticket.events.filter(kind=EventKind.SLA_ESCALATED).count() == 1


# --- Policy matching ------------------------------------------------------------------------------


def test_policy_matching(clock, people, org_tree):
    from yunwei.cmdb.tests.factories import SystemFactory

    system = SystemFactory()
    general = policy("一般", sort_order=100)
    kind = policy("程序BUG", sort_order=50, kinds=[TicketKind.BUG])
    urgent = policy("紧急BUG", sort_order=50, kinds=[TicketKind.BUG], priorities=[Priority.P1])
    phone = policy("电话", sort_order=40, channels=[Channel.PHONE])
    filing = policy("征期", sort_order=30, filing_period="in")
    tier2 = policy("二线", sort_order=20, tiers=[Tier.TIER2])
    on_system = policy("指定系统", sort_order=10)
    on_system.systems.set([system])
    policy("停用", sort_order=1, is_active=False)

    def ticket(**fields):
        values = {
            "kind": TicketKind.CONSULTATION,
            "priority": Priority.P3,
            "channel": Channel.PLATFORM,
            "tier": Tier.TIER1,
            "in_filing_period": False,
            "system_id": None,
        }
        values.update(fields)
        return Ticket(**values)

    assert sla.match_policy(ticket()) == general
    assert sla.match_policy(ticket(kind=TicketKind.BUG)) == kind
    # Same sort order: the more specific policy wins.
    assert sla.match_policy(ticket(kind=TicketKind.BUG, priority=Priority.P1)) == urgent
    assert sla.match_policy(ticket(kind=TicketKind.BUG, channel=Channel.PHONE)) == phone
    assert sla.match_policy(ticket(channel=Channel.PHONE, in_filing_period=True)) == filing
    assert sla.match_policy(ticket(tier=Tier.TIER2, in_filing_period=True)) == tier2
    assert sla.match_policy(ticket(tier=Tier.TIER2, system_id=system.pk)) == on_system
    filing.filing_period = "out"
    filing.save()
    assert sla.match_policy(ticket(channel=Channel.PHONE)) == filing
    assert sla.match_policy(ticket(channel=Channel.PHONE, in_filing_period=True)) == phone


def test_start_event_uses_the_best_policy_having_targets_for_it(clock, people, org_tree):
    policy(
        "数据修改",
        sort_order=10,
        kinds=[TicketKind.DATA_FIX],
        targets=[target(SlaMetric.RESOLUTION, ClockType.OFFICE_HOURS, 13)],
    )
    policy(
        "通用",
        sort_order=100,
        targets=[
            target(SlaMetric.RESOLUTION, ClockType.OFFICE_HOURS, "32.5"),
            target(
                SlaMetric.TIER_DEADLINE,
                ClockType.WORKDAY_END,
                2,
                tier=Tier.TIER2,
                starts_on=StartsOn.ESCALATED,
            ),
        ],
    )
    clock.set(2026, 3, 2, 9, 0)
    ticket = create(people, org_tree, kind=TicketKind.DATA_FIX)
    assert [c.amount for c in SlaClock.objects.filter(ticket=ticket)] == [Decimal("13")]
    actions.do_accept(ticket, actor=people["tier1"])
    actions.do_escalate(ticket, actor=people["tier1"], checklist=FULL_CHECKLIST, note="")
    assert one(ticket, tier=Tier.TIER2).due_at == at(2026, 3, 4, 17, 30)


def test_no_policy_no_clocks(clock, people, org_tree):
    ticket = create(people, org_tree)
    assert not SlaClock.objects.filter(ticket=ticket).exists()
    assert sla.clock_rows(ticket) == []


def test_target_validation(db):
    item = policy()
    bad = SlaTarget(policy=item, metric=SlaMetric.TIER_DEADLINE, clock_type="workday_end")
    bad.amount = Decimal("1.5")
    bad.warn_at = [50, 120]
    bad.escalation = ["fire_everyone"]
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert {"tier", "amount", "warn_at", "escalation"} <= set(error.value.message_dict)
    item.kinds = ["nonsense"]
    with pytest.raises(ValidationError):
        item.full_clean()


# --- Built-in policies and schedule --------------------------------------------------------------


def test_default_policies_are_created_once(clock, people, org_tree):
    created = sla.ensure_default_policies()
    assert "default.data_fix" in created and "default.general" in created
    assert sla.ensure_default_policies() == []
    count = SlaPolicy.objects.count()
    SlaPolicy.objects.filter(code="default.bug").update(name="程序错误（本局修改）")
    assert sla.ensure_default_policies() == []
    assert SlaPolicy.objects.count() == count

    clock.set(2026, 3, 2, 9, 0)
    data_fix = create(people, org_tree, kind=TicketKind.DATA_FIX)
    found = clocks(data_fix)
    assert found[(SlaMetric.RESOLUTION, ClockType.OFFICE_HOURS, Decimal("13"), "")]
    same_day = found[(SlaMetric.SAME_DAY_REPLY, ClockType.WORKDAY_END, Decimal("0"), "")]
    assert same_day.due_at == at(2026, 3, 2, 17, 30)

    bug = create(people, org_tree, kind=TicketKind.BUG)
    found = clocks(bug)
    assert (SlaMetric.TIER_DEADLINE, ClockType.OFFICE_HOURS, Decimal("19.5"), "tier1") in found
    assert (SlaMetric.RESOLUTION, ClockType.OFFICE_HOURS, Decimal("32.5"), "") in found
    actions.do_accept(bug, actor=people["tier1"])
    actions.do_escalate(bug, actor=people["tier1"], checklist=FULL_CHECKLIST, note="")
    assert one(bug, tier=Tier.TIER2).due_at == at(2026, 3, 4, 17, 30)
    actions.do_resolve(
        bug, actor=people["tier2"], solution="已修复", cause_category=CauseCategory.OTHER
    )
    actions.do_close(bug, actor=people["tier2"])
    actions.do_flag_complaint(bug, actor=people["reporter"], note="不满意")
    assert one(bug, metric=SlaMetric.COMPLAINT_ANSWER).due_at == at(2026, 3, 3, 9, 0)


def test_check_task_is_registered_and_scheduled(db):
    from django_q.models import Schedule

    from yunwei.core import workcalendar
    from yunwei.core.tasks import TASK_FUNCTIONS

    assert "yunwei.tickets.sla.check_clocks" in TASK_FUNCTIONS
    assert sla.recompute_open_clocks in workcalendar.calendar_changed_callbacks
    assert sla.ensure_default_schedules() == [sla.CHECK_SCHEDULE]
    assert sla.ensure_default_schedules() == []
    schedule = Schedule.objects.get(name=sla.CHECK_SCHEDULE)
    assert schedule.minutes == 5 and schedule.func == "yunwei.tickets.sla.check_clocks"


# --- Display and pages ---------------------------------------------------------------------------


def test_clock_rows(clock, people, org_tree):
    policy(
        targets=[
            target(SlaMetric.RESOLUTION, ClockType.CALENDAR, 10),
            target(SlaMetric.TIER_DEADLINE, ClockType.OFFICE_HOURS, "6.5", tier=Tier.TIER1),
        ]
    )
    clock.set(2026, 3, 2, 8, 30)
    ticket = create(people, org_tree)
    rows = {row.clock.metric: row for row in sla.clock_rows(ticket, now=at(2026, 3, 2, 13, 30))}
    resolution = rows[SlaMetric.RESOLUTION]
    assert resolution.percent == 50 and resolution.color == "warning"
    assert resolution.text == "5 h 0 min left"
    tier1 = rows[SlaMetric.TIER_DEADLINE]
    assert tier1.percent == 54 and tier1.office_time  # 3.5 of 6.5 office hours
    rows = {row.clock.metric: row for row in sla.clock_rows(ticket, now=at(2026, 3, 2, 20, 0))}
    assert rows[SlaMetric.RESOLUTION].color == "danger"
    assert rows[SlaMetric.RESOLUTION].text.startswith("Overdue by 1 h 30 min")
    assert rows[SlaMetric.RESOLUTION].bar_percent == 100


def _base_urlpatterns():
    """The project's URLs; while another app's URL module is still being written, the parts
    these tests need."""
    try:
        from yunwei import urls

        return list(urls.urlpatterns)
    except ImportError:
        from django.contrib import admin
        from django.contrib.auth import views as auth_views
        from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

        from yunwei.core.views.accounts import HomeView, LoginView, LogoutView

        return [
            path("", HomeView.as_view(), name="home"),
            path("login/", LoginView.as_view(), name="login"),
            path("logout/", LogoutView.as_view(), name="logout"),
            path(
                "password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"
            ),
            path("i18n/", include("django.conf.urls.i18n")),
            path("core/", include("yunwei.core.urls")),
            path("cmdb/", include("yunwei.cmdb.urls")),
            path("api/core/", include("yunwei.core.api.urls")),
            path("api/cmdb/", include("yunwei.cmdb.api.urls")),
            path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
            path(
                "api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"
            ),
            path("django-admin/", admin.site.urls),
        ]


@pytest.fixture(autouse=True)
def sla_urls(settings):
    """The lead includes views_sla.urlpatterns under the tickets namespace; until then these
    tests mount them themselves."""
    import sys
    import types

    from django.urls import clear_url_caches

    from yunwei.tickets import views_sla

    patterns = _base_urlpatterns()
    if not any(getattr(p, "namespace", None) == "tickets" for p in patterns):
        patterns.append(
            path("tickets/", include((views_sla.urlpatterns, "tickets"), namespace="tickets"))
        )
    module = types.ModuleType("sla_test_urls")
    module.urlpatterns = patterns
    sys.modules["sla_test_urls"] = module
    settings.ROOT_URLCONF = "sla_test_urls"
    clear_url_caches()
    yield
    clear_url_caches()


def test_policy_pages(client, admin_user, make_user, clock):
    from django.urls import reverse

    sla.ensure_default_policies()
    client.force_login(admin_user)
    response = client.get(reverse("tickets:slapolicy_list"))
    assert response.status_code == 200
    assert "数据修改（2个工作日）" in response.content.decode()
    item = SlaPolicy.objects.get(code="default.general")
    response = client.get(reverse("tickets:slapolicy", args=[item.pk]))
    assert response.status_code == 200

    response = client.post(
        reverse("tickets:slapolicy_add"),
        {
            "name": "征期故障",
            "sort_order": 5,
            "is_active": "on",
            "kinds": ["fault"],
            "filing_period": "in",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = SlaPolicy.objects.get(name="征期故障")
    assert created.kinds == ["fault"] and created.filing_period == "in"
    response = client.post(
        reverse("tickets:slatarget_add", args=[created.pk]),
        {
            "metric": "resolution",
            "clock_type": "calendar",
            "amount": "4",
            "starts_on": "created",
            "warn_at": "50, 80",
            "escalation": ["notify_leader"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target_row = created.targets.get()
    assert target_row.warn_at == [50, 80] and target_row.escalation == ["notify_leader"]
    response = client.post(
        reverse("tickets:slatarget_edit", args=[target_row.pk]),
        {
            "metric": "resolution",
            "clock_type": "calendar",
            "amount": "6",
            "starts_on": "created",
            "warn_at": "",
            "escalation": [],
        },
    )
    assert response.status_code == 302
    target_row.refresh_from_db()
    assert target_row.amount == Decimal("6") and target_row.warn_at == []
    response = client.post(reverse("tickets:slatarget_delete", args=[target_row.pk]))
    assert response.status_code == 302 and not created.targets.exists()
    response = client.post(reverse("tickets:slapolicy_delete", args=[created.pk]))
    assert response.status_code == 302 and not SlaPolicy.objects.filter(name="征期故障").exists()
    assert AuditEntry.objects.filter(action="tickets.slapolicy.delete").count() == 1

    tier1 = make_user("tier1", username="plain")
    client.force_login(tier1)
    assert client.get(reverse("tickets:slapolicy_add")).status_code == 403
    assert client.post(reverse("tickets:slapolicy_delete", args=[item.pk])).status_code in (
        403,
        404,
    )


def test_sla_panel_renders(clock, people, org_tree):
    from django.template.loader import render_to_string

    policy(targets=[target(SlaMetric.RESOLUTION, ClockType.CALENDAR, 10)])
    clock.set(2026, 3, 2, 8, 30)
    ticket = create(people, org_tree)
    html = render_to_string("tickets/sla_panel.html", {"sla_rows": sla.clock_rows(ticket)})
    assert "progress-bar" in html and "Resolution" in html


def test_actions_audit_and_refuse_bad_input(admin_user):
    from yunwei.tickets import actions_sla

    item = actions_sla.do_save_policy(
        SlaPolicy(name="审计测试", kinds=["bug"]), actor=admin_user, systems=[]
    )
    assert AuditEntry.objects.filter(action="tickets.slapolicy.create").count() == 1
    with pytest.raises(ValidationError):
        actions_sla.do_save_target(
            SlaTarget(policy=item, metric="resolution", clock_type="calendar", amount=0),
            actor=admin_user,
        )
    assert not item.targets.exists()
    saved = actions_sla.do_save_target(
        SlaTarget(policy=item, metric="resolution", clock_type="calendar", amount=4),
        actor=admin_user,
    )
    assert saved.pk and AuditEntry.objects.filter(action="tickets.slatarget.create").exists()
    actions_sla.do_delete_policy(item, actor=admin_user)
    assert not SlaPolicy.objects.filter(pk=item.pk).exists()
    assert not SlaTarget.objects.filter(pk=saved.pk).exists()
    with pytest.raises(ValidationError):
        actions_sla.do_save_policy(SlaPolicy(name="", kinds=["x"]), actor=admin_user)
    assert TicketStatus.WAITING  # the pause status exists
