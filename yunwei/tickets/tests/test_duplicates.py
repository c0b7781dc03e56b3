"""Duplicates: linking, duplicate numbers, following the master, refusals."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from yunwei.core.models import AuditEntry, Notification
from yunwei.tickets import actions
from yunwei.tickets.choices import CauseCategory, Channel, EventKind, TicketKind, TicketStatus
from yunwei.tickets.models import Ticket
from yunwei.tickets.tests.factories import install_sla_stub


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English source messages; pages are checked in Chinese elsewhere."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def sla_calls(monkeypatch):
    return install_sla_stub(monkeypatch)


@pytest.fixture
def people(make_user):
    return {
        "a": make_user("grassroots_staff", org="county_a1", username="rep_a"),
        "b": make_user("grassroots_staff", org="county_b1", username="rep_b"),
        "c": make_user("grassroots_staff", org="county_a2", username="rep_c"),
        "tier2": make_user("tier2", org="province", username="t2"),
    }


def _ticket(people, org_tree, who, org):
    return actions.do_create_ticket(
        actor=people[who],
        title=f"缴费单打印报错（{who}）",
        description="打印缴费单时报错。",
        kind=TicketKind.BUG,
        channel=Channel.PLATFORM,
        organisation=org_tree[org],
    )


@pytest.fixture
def trio(people, org_tree):
    return (
        _ticket(people, org_tree, "a", "county_a1"),
        _ticket(people, org_tree, "b", "county_b1"),
        _ticket(people, org_tree, "c", "county_a2"),
    )


def test_mark_gives_duplicate_numbers_and_notifies(people, trio):
    master, dup1, dup2 = trio
    actions.do_mark_duplicate(dup1, actor=people["tier2"], master=master)
    actions.do_mark_duplicate(dup2, actor=people["tier2"], master=master)
    assert dup1.master == master and dup1.duplicate_number == f"{master.number}-R1"
    assert dup2.duplicate_number == f"{master.number}-R2"
    assert set(master.duplicates.all()) == {dup1, dup2}
    assert Notification.objects.filter(recipient=people["b"], event="tickets.duplicate_linked")
    linked = dup1.events.get(kind=EventKind.DUPLICATE_LINKED)
    assert linked.actor == people["tier2"] and linked.data["master"] == master.number
    assert master.events.filter(kind=EventKind.DUPLICATE_LINKED).count() == 2
    assert AuditEntry.objects.filter(
        action="tickets.ticket.mark_duplicate", object_id=str(dup1.pk)
    ).exists()


def test_duplicates_follow_resolve_close_and_reopen(people, trio, sla_calls):
    master, dup1, dup2 = trio
    actions.do_accept(master, actor=people["tier2"])
    actions.do_mark_duplicate(dup1, actor=people["tier2"], master=master)
    dup1.refresh_from_db()
    assert dup1.status == TicketStatus.IN_PROGRESS  # took the master's status
    actions.do_mark_duplicate(dup2, actor=people["tier2"], master=master)

    actions.do_resolve(
        master,
        actor=people["tier2"],
        solution="升级到 V3.2.1",
        cause_category=CauseCategory.PROGRAM_DEFECT,
        fixed_in_version="V3.2.1",
        fix_release_date=date(2026, 12, 8),
    )
    for dup in (dup1, dup2):
        dup.refresh_from_db()
        assert dup.status == TicketStatus.RESOLVED
        assert dup.solution == "升级到 V3.2.1"
        assert dup.cause_category == CauseCategory.PROGRAM_DEFECT
        assert dup.fixed_in_version == "V3.2.1" and dup.fix_release_date == date(2026, 12, 8)
        assert dup.resolved_at == master.resolved_at
        event = dup.events.last()
        assert event.kind == EventKind.RESOLVED and event.actor == people["tier2"]
        assert event.data == {"master": master.number, "followed": True}
    assert Notification.objects.filter(recipient=people["b"], event="tickets.resolved").count()
    assert (dup1.number, EventKind.RESOLVED) in sla_calls  # the duplicates' clocks stop too
    assert Notification.objects.filter(recipient=people["c"], event="tickets.resolved").count()

    actions.do_close(master, actor=people["tier2"])
    dup1.refresh_from_db()
    assert dup1.status == TicketStatus.CLOSED and dup1.closed_at == master.closed_at

    actions.do_reopen(master, actor=people["a"], reason="又出现了")
    dup1.refresh_from_db()
    assert dup1.status == TicketStatus.IN_PROGRESS
    assert dup1.reopened_count == 1 and dup1.resolved_at is None
    assert (
        AuditEntry.objects.filter(
            action="tickets.ticket.follow_master", object_id=str(dup1.pk)
        ).count()
        == 3
    )


def test_auto_close_of_master_closes_duplicates(people, trio):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    master, dup1, _dup2 = trio
    actions.do_mark_duplicate(dup1, actor=people["tier2"], master=master)
    actions.do_resolve(
        master, actor=people["tier2"], solution="x", cause_category=CauseCategory.OTHER
    )
    resolved = datetime(2026, 9, 30, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    Ticket.objects.filter(pk__in=[master.pk, dup1.pk]).update(resolved_at=resolved)
    closed = actions.do_auto_close_resolved(
        now=datetime(2026, 10, 12, 19, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    assert closed == 1  # the duplicate is closed by following, not counted
    dup1.refresh_from_db()
    assert dup1.status == TicketStatus.CLOSED
    assert dup1.events.last().kind == EventKind.AUTO_CLOSED


def test_unlinking_stops_following(people, trio):
    master, dup1, _dup2 = trio
    actions.do_mark_duplicate(dup1, actor=people["tier2"], master=master)
    actions.do_unmark_duplicate(dup1, actor=people["tier2"])
    assert dup1.master is None and dup1.duplicate_number == ""
    assert dup1.events.last().kind == EventKind.DUPLICATE_UNLINKED
    actions.do_resolve(
        master, actor=people["tier2"], solution="x", cause_category=CauseCategory.OTHER
    )
    dup1.refresh_from_db()
    assert dup1.status == TicketStatus.NEW and dup1.solution == ""
    with pytest.raises(ValidationError, match="not marked as a duplicate"):
        actions.do_unmark_duplicate(dup1, actor=people["tier2"])


def test_a_duplicate_refuses_actions_that_follow_the_master(people, trio):
    master, dup1, _dup2 = trio
    actions.do_mark_duplicate(dup1, actor=people["tier2"], master=master)
    with pytest.raises(ValidationError, match="follows it"):
        actions.do_resolve(
            dup1, actor=people["tier2"], solution="x", cause_category=CauseCategory.OTHER
        )
    # Replies still work on a duplicate.
    actions.do_reply(dup1, actor=people["tier2"], body="已合并处理")


def test_self_link_is_refused(people, trio):
    master, _dup1, _dup2 = trio
    with pytest.raises(ValidationError, match="duplicate of itself"):
        actions.do_mark_duplicate(master, actor=people["tier2"], master=master)


def test_cycles_are_refused(people, trio):
    a, b, _c = trio
    actions.do_mark_duplicate(a, actor=people["tier2"], master=b)
    with pytest.raises(ValidationError, match="circle"):
        actions.do_mark_duplicate(b, actor=people["tier2"], master=a)
    b.refresh_from_db()
    assert b.master is None and b.duplicate_number == ""


def test_a_ticket_with_duplicates_cannot_become_a_duplicate(people, trio):
    master, dup1, other = trio
    actions.do_mark_duplicate(dup1, actor=people["tier2"], master=master)
    with pytest.raises(ValidationError) as info:
        actions.do_mark_duplicate(master, actor=people["tier2"], master=other)
    assert "has 1 duplicates of its own" in info.value.messages[0]
    master.refresh_from_db()
    assert master.master is None


def test_linking_to_a_duplicate_names_its_master(people, trio):
    master, dup1, other = trio
    actions.do_mark_duplicate(dup1, actor=people["tier2"], master=master)
    with pytest.raises(ValidationError) as info:
        actions.do_mark_duplicate(other, actor=people["tier2"], master=dup1)
    assert f"link to {master.number} instead" in info.value.messages[0]


def test_closed_master_is_refused(people, trio):
    master, dup1, _other = trio
    actions.do_close(master, actor=people["tier2"])
    with pytest.raises(ValidationError, match="closed"):
        actions.do_mark_duplicate(dup1, actor=people["tier2"], master=master)
    dup1.refresh_from_db()
    assert dup1.master is None
    assert not dup1.events.filter(kind=EventKind.DUPLICATE_LINKED).exists()
