"""The ticket workflow: numbers, idempotency, every transition, refusals, audit and timeline."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation
from django_q.models import Schedule

from yunwei.core.models import AuditEntry, Notification
from yunwei.tickets import actions, tasks, workflow
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
from yunwei.tickets.models import Ticket, TicketCounter
from yunwei.tickets.models.ticket import next_ticket_number
from yunwei.tickets.tests.factories import TagFactory, TeamFactory, install_sla_stub


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English source messages; pages are checked in Chinese elsewhere."""
    with translation.override("en"):
        yield


SHANGHAI = ZoneInfo("Asia/Shanghai")
FULL_CHECKLIST = dict.fromkeys(ESCALATION_CHECKLIST_CODES, True)


@pytest.fixture(autouse=True)
def sla_calls(monkeypatch):
    return install_sla_stub(monkeypatch)


@pytest.fixture
def people(make_user):
    return {
        "reporter": make_user("grassroots_staff", org="county_a1", username="reporter"),
        "tier1": make_user("tier1", org="province", username="t1", email="t1@example.cn"),
        "tier2": make_user("tier2", org="province", username="t2"),
        "owner": make_user("om_owner", org="province", username="owner"),
    }


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


def events(ticket):
    return list(ticket.events.values_list("kind", flat=True))


def audit_actions(ticket):
    return list(
        AuditEntry.objects.filter(object_type="tickets.ticket", object_id=str(ticket.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def notified(user, event):
    return Notification.objects.filter(recipient=user, event=event).count()


# --- Numbers and creation ----------------------------------------------------------------------


def test_numbers_are_sequential_per_day(db, settings):
    first = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    assert next_ticket_number(first) == "GD20261123-0001"
    assert next_ticket_number(first) == "GD20261123-0002"
    # 23:30 UTC is the next day in Shanghai: a new sequence.
    assert next_ticket_number(datetime(2026, 11, 23, 16, 30, tzinfo=ZoneInfo("UTC"))) == (
        "GD20261124-0001"
    )
    settings.TICKET_NUMBER_PREFIX = "YW"
    assert next_ticket_number(first) == "YW20261123-0003"


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_under_concurrency():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("threads need a database server or a file database")
    day = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    numbers, errors = [], []

    def work():
        try:
            for _i in range(5):
                numbers.append(next_ticket_number(day))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(numbers) == len(set(numbers)) == 20
    assert TicketCounter.objects.get(day=date(2026, 11, 23)).last == 20


def test_create_ticket_records_event_audit_and_sla(people, org_tree, sla_calls):
    tag = TagFactory(name="社保费")
    ticket = create(people, org_tree, tags=[tag], priority=Priority.P2)
    today = timezone.localdate()
    assert ticket.number == f"GD{today:%Y%m%d}-0001"
    assert ticket.status == TicketStatus.NEW and ticket.tier == Tier.TIER1
    assert ticket.reporter == people["reporter"]  # platform channel: the actor reported it
    assert ticket.created_by == people["reporter"]
    assert list(ticket.tags.all()) == [tag]
    event = ticket.events.get()
    assert event.kind == EventKind.CREATED and event.actor == people["reporter"]
    assert audit_actions(ticket) == ["tickets.ticket.create"]
    assert sla_calls == [(ticket.number, EventKind.CREATED)]


def test_create_ticket_validates_and_changes_nothing(people, org_tree):
    with pytest.raises(ValidationError) as info:
        create(people, org_tree, title=" ", kind="nonsense", organisation=None)
    assert set(info.value.message_dict) == {"title", "kind", "organisation"}
    assert not Ticket.objects.exists()
    assert not TicketCounter.objects.exists()


def test_idempotency_key_returns_the_existing_ticket(people, org_tree):
    first = create(people, org_tree, channel=Channel.API, idempotency_key="alert-42")
    again = create(people, org_tree, channel=Channel.API, idempotency_key="alert-42", title="x")
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1
    assert first.events.count() == 1
    other = create(people, org_tree, channel=Channel.API, idempotency_key="alert-43")
    assert other.pk != first.pk


def test_external_reporter_is_kept_as_text(people, org_tree):
    ticket = create(
        people,
        org_tree,
        actor=people["tier1"],
        channel=Channel.PHONE,
        reporter_name="王科长",
        reporter_phone="13800000000",
        reporter_org_text="东区第一税务所",
    )
    assert ticket.reporter is None and ticket.reporter_display == "王科长"


# --- Transitions -------------------------------------------------------------------------------


def test_full_life_of_a_ticket(people, org_tree, sla_calls):
    reporter, tier1 = people["reporter"], people["tier1"]
    ticket = create(people, org_tree)

    actions.do_accept(ticket, actor=tier1)
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.assignee == tier1
    assert ticket.first_response_at and ticket.accepted_at

    actions.do_request_info(ticket, actor=tier1, question="请提供纳税人识别号。")
    assert ticket.status == TicketStatus.WAITING
    assert notified(reporter, "tickets.info_requested") == 1

    actions.do_provide_info(ticket, actor=reporter, body="91330100XXXXXXXX")
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert notified(tier1, "tickets.reply") == 1

    actions.do_reply(ticket, actor=tier1, body="已定位，正在处理。")
    actions.do_reply(ticket, actor=tier1, body="疑似程序问题", public=False)
    assert notified(reporter, "tickets.reply") == 1  # the internal note told nobody

    actions.do_resolve(
        ticket,
        actor=tier1,
        solution="清理缓存后重新申报。",
        cause_category=CauseCategory.OPERATION_ERROR,
    )
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolved_at
    assert notified(reporter, "tickets.resolved") == 1

    actions.do_reopen(ticket, actor=reporter, reason="仍然报错")
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.reopened_count == 1 and ticket.resolved_at is None

    actions.do_resolve(
        ticket, actor=tier1, solution="已修复", cause_category=CauseCategory.DATA_ERROR
    )
    actions.do_confirm(ticket, actor=reporter)
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at

    actions.do_record_satisfaction(ticket, actor=reporter, score=5, comment="很快")
    assert ticket.satisfaction == 5 and ticket.callback_at

    kinds = [
        EventKind.CREATED,
        EventKind.ACCEPTED,
        EventKind.INFO_REQUESTED,
        EventKind.INFO_PROVIDED,
        EventKind.REPLY,
        EventKind.NOTE,
        EventKind.RESOLVED,
        EventKind.REOPENED,
        EventKind.RESOLVED,
        EventKind.CONFIRMED,
        EventKind.SATISFACTION,
    ]
    assert events(ticket) == kinds
    actors = list(ticket.events.values_list("actor__username", flat=True))
    assert actors == [
        "reporter",
        "t1",
        "t1",
        "reporter",
        "t1",
        "t1",
        "t1",
        "reporter",
        "t1",
        "reporter",
        "reporter",
    ]
    assert not ticket.events.get(kind=EventKind.NOTE).is_public
    assert audit_actions(ticket) == [
        "tickets.ticket.create",
        "tickets.ticket.accept",
        "tickets.ticket.request_info",
        "tickets.ticket.provide_info",
        "tickets.ticket.reply",
        "tickets.ticket.note",
        "tickets.ticket.resolve",
        "tickets.ticket.reopen",
        "tickets.ticket.resolve",
        "tickets.ticket.confirm",
        "tickets.ticket.satisfaction",
    ]
    assert [kind for _number, kind in sla_calls] == [str(k) for k in kinds]


def test_resolving_a_closed_ticket_is_refused_and_changes_nothing(people, org_tree):
    ticket = create(people, org_tree)
    actions.do_close(ticket, actor=people["tier1"], reason="重复提交")
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        actions.do_resolve(
            ticket, actor=people["tier1"], solution="x", cause_category=CauseCategory.OTHER
        )
    assert "Resolve is not possible" in info.value.messages[0]
    assert ticket.number in info.value.messages[0]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.solution == ""
    assert AuditEntry.objects.count() == audit_before
    assert events(ticket) == [EventKind.CREATED, EventKind.CLOSED]


@pytest.mark.parametrize(
    ("status", "action", "call"),
    [
        (TicketStatus.IN_PROGRESS, "accept", lambda t, a: actions.do_accept(t, actor=a)),
        (
            TicketStatus.NEW,
            "provide_info",
            lambda t, a: actions.do_provide_info(t, actor=a, body="x"),
        ),
        (TicketStatus.NEW, "confirm", lambda t, a: actions.do_confirm(t, actor=a)),
        (
            TicketStatus.IN_PROGRESS,
            "reopen",
            lambda t, a: actions.do_reopen(t, actor=a, reason="x"),
        ),
        (TicketStatus.CLOSED, "close", lambda t, a: actions.do_close(t, actor=a)),
        (TicketStatus.CLOSED, "reply", lambda t, a: actions.do_reply(t, actor=a, body="x")),
        (
            TicketStatus.IN_PROGRESS,
            "set_promised_date",
            lambda t, a: actions.do_set_promised_date(
                t, actor=a, promised_date=date(2026, 12, 1), note=""
            ),
        ),
        (
            TicketStatus.RESOLVED,
            "satisfaction",
            lambda t, a: actions.do_record_satisfaction(t, actor=a, score=3),
        ),
        (
            TicketStatus.CLOSED,
            "update",
            lambda t, a: actions.do_update_ticket(t, actor=a, title="新标题"),
        ),
    ],
)
def test_invalid_transitions_are_refused(people, org_tree, status, action, call):
    ticket = create(people, org_tree)
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    ticket.refresh_from_db()
    assert action not in workflow.allowed_actions(ticket, people["owner"])
    with pytest.raises(ValidationError):
        call(ticket, people["tier1"])
    ticket.refresh_from_db()
    assert ticket.status == status
    assert ticket.events.count() == 1


def test_escalation_needs_the_full_checklist(people, org_tree):
    team2 = TeamFactory(name="二线支持组", tier=Tier.TIER2, members=[people["tier2"]])
    ticket = create(people, org_tree)
    actions.do_accept(ticket, actor=people["tier1"])
    partial = {**FULL_CHECKLIST, "evidence": False, "knowledge": False}
    with pytest.raises(ValidationError) as info:
        actions.do_escalate(ticket, actor=people["tier1"], checklist=partial, note="")
    message = info.value.messages[0]
    assert "Screenshot or log attached" in message
    assert "Knowledge base searched" in message
    assert "Problem clearly described" not in message
    ticket.refresh_from_db()
    assert ticket.tier == Tier.TIER1 and ticket.escalated_at is None

    actions.do_escalate(ticket, actor=people["tier1"], checklist=FULL_CHECKLIST, note="请二线看")
    assert ticket.tier == Tier.TIER2 and ticket.team == team2 and ticket.assignee is None
    assert ticket.escalated_at
    assert notified(people["tier2"], "tickets.escalated") == 1
    # Escalating again: it is no longer with tier 1.
    with pytest.raises(ValidationError, match="Only a tier-1 ticket"):
        actions.do_escalate(ticket, actor=people["tier1"], checklist=FULL_CHECKLIST, note="")


def test_tier2_returns_incomplete_ticket_to_tier1(people, org_tree):
    team1 = TeamFactory(name="一线", tier=Tier.TIER1, members=[people["tier1"]])
    TeamFactory(name="二线", tier=Tier.TIER2, members=[people["tier2"]])
    ticket = create(people, org_tree)
    actions.do_assign(ticket, actor=people["owner"], team=team1, assignee=people["tier1"])
    assert notified(people["tier1"], "tickets.assigned") == 1
    # Not with tier 2: cannot be sent back.
    with pytest.raises(ValidationError, match="Only a ticket with tier 2"):
        actions.do_return_incomplete(
            ticket, actor=people["tier2"], missing=["evidence"], note="缺截图"
        )
    actions.do_escalate(ticket, actor=people["tier1"], checklist=FULL_CHECKLIST, note="")
    with pytest.raises(ValidationError):
        actions.do_return_incomplete(ticket, actor=people["tier2"], missing=["bogus"], note="")
    actions.do_return_incomplete(ticket, actor=people["tier2"], missing=["evidence"], note="缺截图")
    assert ticket.tier == Tier.TIER1
    assert ticket.team == team1 and ticket.assignee == people["tier1"]
    assert notified(people["tier1"], "tickets.returned") == 1
    returned = ticket.events.get(kind=EventKind.RETURNED)
    assert "Screenshot or log attached" in returned.body and not returned.is_public
    assert returned.actor == people["tier2"]


def test_forward_and_promised_date(people, org_tree):
    ticket = create(people, org_tree)
    actions.do_accept(ticket, actor=people["tier2"])
    with pytest.raises(ValidationError):
        actions.do_forward(
            ticket, actor=people["tier2"], to=Tier.TIER1, target="x", promised_date=None, note=""
        )
    actions.do_forward(
        ticket,
        actor=people["tier2"],
        to=Tier.DEVELOPER,
        target="社保费开发组",
        promised_date=date(2026, 12, 1),
        note="",
    )
    assert ticket.status == TicketStatus.FORWARDED and ticket.forwarded_at
    assert ticket.forwarded_to == Tier.DEVELOPER and ticket.tier == Tier.DEVELOPER
    actions.do_set_promised_date(
        ticket, actor=people["tier2"], promised_date=date(2026, 12, 8), note="版本延期"
    )
    assert ticket.promised_date == date(2026, 12, 8)
    event = ticket.events.get(kind=EventKind.PROMISED_DATE_CHANGED)
    assert event.data == {"old": "2026-12-01", "new": "2026-12-08"}
    actions.do_resolve(
        ticket,
        actor=people["tier2"],
        solution="V3.2.1 修复",
        cause_category=CauseCategory.PROGRAM_DEFECT,
        fixed_in_version="V3.2.1",
        fix_release_date=date(2026, 12, 8),
    )
    assert ticket.fixed_in_version == "V3.2.1"


def test_resolve_needs_solution_and_cause(people, org_tree):
    ticket = create(people, org_tree)
    with pytest.raises(ValidationError) as info:
        actions.do_resolve(ticket, actor=people["tier1"], solution=" ", cause_category="")
    assert "solution" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        actions.do_resolve(ticket, actor=people["tier1"], solution="x", cause_category="nope")
    assert "cause_category" in info.value.message_dict


def test_satisfaction_only_on_closed_tickets_and_1_to_5(people, org_tree):
    ticket = create(people, org_tree)
    with pytest.raises(ValidationError):
        actions.do_record_satisfaction(ticket, actor=people["reporter"], score=5)
    actions.do_close(ticket, actor=people["tier1"])
    for bad in (0, 6, "abc", None):
        with pytest.raises(ValidationError):
            actions.do_record_satisfaction(ticket, actor=people["reporter"], score=bad)
    actions.do_record_satisfaction(ticket, actor=people["reporter"], score="4")
    ticket.refresh_from_db()
    assert ticket.satisfaction == 4


def test_complaint_is_due_in_24_hours(people, org_tree):
    ticket = create(people, org_tree)
    actions.do_accept(ticket, actor=people["tier1"])
    before = timezone.now()
    actions.do_flag_complaint(ticket, actor=people["reporter"], note="处理太慢")
    assert ticket.is_complaint and ticket.complaint_open
    assert ticket.complaint_due_at - ticket.complaint_at == timedelta(hours=24)
    assert ticket.complaint_at >= before
    assert notified(people["tier1"], "tickets.complaint") == 1
    assert notified(people["owner"], "tickets.complaint") == 1
    with pytest.raises(ValidationError, match="already has an open complaint"):
        actions.do_flag_complaint(ticket, actor=people["reporter"], note="again")
    actions.do_answer_complaint(ticket, actor=people["owner"], answer="已督促")
    assert ticket.complaint_answered_at and not ticket.complaint_open
    with pytest.raises(ValidationError, match="no open complaint"):
        actions.do_answer_complaint(ticket, actor=people["owner"], answer="x")
    assert events(ticket)[-2:] == [EventKind.COMPLAINT, EventKind.COMPLAINT_ANSWERED]


def test_update_ticket_records_priority_change(people, org_tree):
    ticket = create(people, org_tree)
    actions.do_update_ticket(ticket, actor=people["tier1"], priority=Priority.P1, module="申报")
    assert ticket.priority == Priority.P1 and ticket.module == "申报"
    event = ticket.events.get(kind=EventKind.PRIORITY_CHANGED)
    assert set(event.data["fields"]) == {"priority", "module"}
    tag = TagFactory()
    actions.do_update_ticket(ticket, actor=people["tier1"], tags=[tag])
    assert ticket.events.filter(kind=EventKind.UPDATED).count() == 1
    with pytest.raises(ValidationError, match="cannot be changed here"):
        actions.do_update_ticket(ticket, actor=people["tier1"], status=TicketStatus.CLOSED)
    with pytest.raises(ValidationError):
        actions.do_update_ticket(ticket, actor=people["tier1"], kind="nonsense")
    ticket.refresh_from_db()
    assert ticket.kind == TicketKind.BUG


def test_allowed_actions_follow_the_table_and_the_user(people, org_tree):
    ticket = create(people, org_tree)
    staff = workflow.allowed_actions(ticket, people["tier1"])
    assert "accept" in staff and "escalate" in staff and "confirm" not in staff
    assert "return_incomplete" not in staff
    reporter = workflow.allowed_actions(ticket, people["reporter"])
    assert "accept" not in reporter and "complaint" in reporter
    actions.do_resolve(
        ticket, actor=people["tier1"], solution="x", cause_category=CauseCategory.OTHER
    )
    assert {"confirm", "reopen"} <= set(workflow.allowed_actions(ticket, people["reporter"]))


# --- Automatic closing ---------------------------------------------------------------------------


def _resolved_at(people, org_tree, when):
    ticket = create(people, org_tree)
    actions.do_resolve(
        ticket, actor=people["tier1"], solution="已处理", cause_category=CauseCategory.OTHER
    )
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=when)
    return ticket


def test_auto_close_counts_workdays_across_national_day(people, org_tree):
    """Resolved on Wed 30 Sep 2026: 1–7 Oct are holidays, Sat 10 Oct is a make-up workday,
    so the third workday is Sat 10 Oct (8th, 9th, 10th), not Mon 12 Oct."""
    ticket = _resolved_at(people, org_tree, datetime(2026, 9, 30, 15, 0, tzinfo=SHANGHAI))
    for moment in (
        datetime(2026, 10, 7, 20, 0, tzinfo=SHANGHAI),
        datetime(2026, 10, 9, 20, 0, tzinfo=SHANGHAI),
        datetime(2026, 10, 10, 12, 0, tzinfo=SHANGHAI),
    ):
        assert actions.do_auto_close_resolved(now=moment) == 0
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert actions.do_auto_close_resolved(now=datetime(2026, 10, 10, 19, 0, tzinfo=SHANGHAI)) == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    event = ticket.events.last()
    assert event.kind == EventKind.AUTO_CLOSED and event.actor is None
    assert audit_actions(ticket)[-1] == "tickets.ticket.auto_close"
    assert notified(people["reporter"], "tickets.resolved") == 2  # resolved, then closed
    # Nothing more to close.
    assert actions.do_auto_close_resolved(now=datetime(2026, 10, 12, 19, tzinfo=SHANGHAI)) == 0


def test_auto_close_workdays_is_a_setting(people, org_tree, settings):
    settings.TICKET_AUTO_CLOSE_WORKDAYS = 1
    _resolved_at(people, org_tree, datetime(2026, 9, 30, 15, 0, tzinfo=SHANGHAI))
    assert actions.do_auto_close_resolved(now=datetime(2026, 10, 5, 19, tzinfo=SHANGHAI)) == 0
    assert actions.do_auto_close_resolved(now=datetime(2026, 10, 8, 19, tzinfo=SHANGHAI)) == 1


def test_auto_close_task_and_schedule(people, org_tree):
    assert tasks.auto_close_resolved() == "closed 0 tickets"
    assert tasks.ensure_default_schedules() == [tasks.AUTO_CLOSE_SCHEDULE]
    assert tasks.ensure_default_schedules() == []
    schedule = Schedule.objects.get(name=tasks.AUTO_CLOSE_SCHEDULE)
    assert schedule.func == "yunwei.tickets.tasks.auto_close_resolved"
    from yunwei.core.tasks import TASK_FUNCTIONS

    assert "yunwei.tickets.tasks.auto_close_resolved" in TASK_FUNCTIONS


def test_events_are_registered():
    from yunwei.core.notify import EVENTS

    for code in (
        "tickets.assigned",
        "tickets.reply",
        "tickets.info_requested",
        "tickets.escalated",
        "tickets.returned",
        "tickets.resolved",
        "tickets.duplicate_linked",
        "tickets.complaint",
        "tickets.sla_warning",
        "tickets.sla_breached",
    ):
        assert code in EVENTS
