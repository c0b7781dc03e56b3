"""Ticket pages: lists and queues, the ticket page and its action forms, bulk actions, saved
filters, the dashboard, the FAQ manual and the demo loader."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from yunwei.cmdb.tests.factories import SystemFactory
from yunwei.core.tests.factories import VendorFactory
from yunwei.tickets.actions import (
    do_accept,
    do_create_ticket,
    do_reply,
    do_resolve,
)
from yunwei.tickets.choices import Channel, EventKind, TicketKind, TicketStatus, Tier
from yunwei.tickets.models import SavedFilter, Ticket
from yunwei.tickets.tests.factories import TeamFactory, install_sla_stub

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sla(monkeypatch):
    install_sla_stub(monkeypatch)


@pytest.fixture
def desk(org_tree, make_user):
    """A vendor desk (tier 1, tier 2) serving one system, two county officers, an owner."""
    vendor = VendorFactory(code="V-DESK", name="服务台厂商")
    system = SystemFactory(
        code="SYS-A", name="甲系统", owner_organisation=org_tree["province"], vendors=[vendor]
    )
    other_system = SystemFactory(
        code="SYS-B", name="乙系统", owner_organisation=org_tree["province"], vendors=[]
    )
    tier1 = make_user("tier1", vendor=vendor, username="t1", full_name="一线甲")
    tier2 = make_user("tier2", vendor=vendor, username="t2", full_name="二线乙")
    TeamFactory(name="一线服务台", tier=Tier.TIER1, members=[tier1])
    team2 = TeamFactory(name="二线组", tier=Tier.TIER2, members=[tier2], vendor=vendor)
    officer = make_user("grassroots_staff", org="county_a1", username="officer")
    far_officer = make_user("grassroots_staff", org="county_b1", username="far")
    owner = make_user("om_owner", username="owner")
    return {
        "vendor": vendor,
        "system": system,
        "other_system": other_system,
        "tier1": tier1,
        "tier2": tier2,
        "team2": team2,
        "officer": officer,
        "far_officer": far_officer,
        "owner": owner,
        "org": org_tree,
    }


def new_ticket(desk, *, title="申报页面报错", org="county_a1", system="system", **kwargs):
    kwargs.setdefault("reporter", desk["officer"])
    return do_create_ticket(
        actor=kwargs.pop("actor", desk["officer"]),
        title=title,
        description="点击申报后提示系统错误。",
        kind=kwargs.pop("kind", TicketKind.BUG),
        channel=kwargs.pop("channel", Channel.PLATFORM),
        organisation=desk["org"][org],
        system=desk[system] if system else None,
        **kwargs,
    )


CHECKLIST = {
    "escalate-check_description": "on",
    "escalate-check_scope": "on",
    "escalate-check_evidence": "on",
    "escalate-check_reproduced": "on",
    "escalate-check_knowledge": "on",
    "escalate-check_tried": "on",
}


# --- pages open -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/tickets/",
        "/tickets/mine/",
        "/tickets/team/",
        "/tickets/overdue/",
        "/tickets/organisation/",
        "/tickets/reported/",
        "/tickets/submit/",
        "/tickets/quick/",
        "/tickets/import/",
        "/tickets/dashboard/",
        "/tickets/dashboard/data/",
        "/tickets/faq/",
        "/tickets/faq/?start=2020-01-01&end=2030-01-01&top=5",
        "/",
    ],
)
def test_pages_open(client, desk, url):
    new_ticket(desk)
    client.force_login(desk["owner"])
    response = client.get(url)
    assert response.status_code == 200, url


def test_ticket_page_and_action_pages_open(client, desk):
    ticket = new_ticket(desk)
    client.force_login(desk["tier1"])
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert ticket.number in page and "btn-accept" in page and "btn-escalate" in page
    for name in ("reply", "note", "escalate", "forward", "resolve", "mark-duplicate"):
        assert client.get(f"/tickets/{ticket.pk}/{name}/").status_code == 200, name
    assert client.get(f"/tickets/{ticket.pk}/edit/").status_code == 200
    # not allowed in this status
    assert client.get(f"/tickets/{ticket.pk}/confirm/").status_code == 403


def test_grassroots_officer_sees_only_his_pages(client, desk):
    ticket = new_ticket(desk)
    client.force_login(desk["officer"])
    assert client.get("/tickets/").status_code == 200
    assert client.get("/tickets/submit/").status_code == 200
    assert client.get("/tickets/quick/").status_code == 403
    assert client.get("/tickets/import/").status_code == 403
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "btn-accept" not in page and "btn-reply" in page


# --- lists --------------------------------------------------------------------------------------


def test_list_filters_and_export(client, desk):
    a = new_ticket(desk, title="甲问题")
    b = new_ticket(desk, title="乙问题", system="other_system", org="county_b1")
    do_accept(b, actor=desk["tier1"])
    client.force_login(desk["owner"])

    def listed(query):
        page = client.get(f"/tickets/?{query}").content.decode()
        return {t.number for t in (a, b) if t.number in page}

    assert listed("") == {a.number, b.number}
    assert listed("status=new") == {a.number}
    assert listed("status=open") == {a.number, b.number}
    assert listed(f"system={desk['other_system'].pk}") == {b.number}
    assert listed(f"organisation={desk['org']['city_a'].pk}") == {a.number}
    assert listed(f"assignee={desk['tier1'].pk}") == {b.number}
    assert listed("q=乙问题") == {b.number}
    today = timezone.localdate()
    assert listed(f"created_after={today}&created_before={today}") == {a.number, b.number}
    assert listed(f"created_after={today + timedelta(days=1)}") == set()
    export = client.get("/tickets/?status=new&export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert a.number in values and b.number not in values


def test_queues(client, desk):
    mine = new_ticket(desk, title="我的")
    do_accept(mine, actor=desk["tier1"])
    other = new_ticket(desk, title="别人的")
    client.force_login(desk["tier1"])
    page = client.get("/tickets/mine/").content.decode()
    assert mine.number in page and other.number not in page
    client.force_login(desk["officer"])
    page = client.get("/tickets/reported/").content.decode()
    assert mine.number in page and other.number in page


def test_overdue_queue_shows_late_tickets(client, desk):
    from yunwei.tickets.models import SlaClock

    late = new_ticket(desk, title="超期的")
    fine = new_ticket(desk, title="未超期")
    now = timezone.now()
    SlaClock.objects.create(
        ticket=late,
        metric="resolution",
        clock_type="calendar",
        amount=1,
        started_at=now - timedelta(hours=3),
        due_at=now - timedelta(hours=2),
    )
    SlaClock.objects.create(
        ticket=fine,
        metric="resolution",
        clock_type="calendar",
        amount=1,
        started_at=now,
        due_at=now + timedelta(hours=2),
    )
    client.force_login(desk["tier1"])
    page = client.get("/tickets/overdue/").content.decode()
    assert late.number in page and fine.number not in page
    page = client.get("/tickets/?overdue=true").content.decode()
    assert late.number in page and fine.number not in page


def test_list_query_count_does_not_grow_with_rows(client, desk):
    for n in range(3):
        new_ticket(desk, title=f"问题{n}")
    client.force_login(desk["tier1"])
    client.get("/tickets/")  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/tickets/").status_code == 200
    for n in range(12):
        new_ticket(desk, title=f"更多问题{n}", org="county_b1", system="system")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/tickets/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_list_scope_county_and_vendor(client, desk):
    here = new_ticket(desk, title="本县问题")
    there = new_ticket(
        desk, title="外县问题", org="county_b1", reporter=desk["far_officer"], actor=desk["tier1"]
    )
    unserved = new_ticket(desk, title="其他厂商系统", system="other_system")
    client.force_login(desk["officer"])
    page = client.get("/tickets/").content.decode()
    assert here.number in page and there.number not in page
    assert client.get(there.get_absolute_url()).status_code == 404
    client.force_login(desk["tier1"])
    page = client.get("/tickets/").content.decode()
    assert here.number in page and there.number in page and unserved.number not in page
    assert client.get(unserved.get_absolute_url()).status_code == 404


def test_saved_filters_are_personal(client, desk):
    client.force_login(desk["tier1"])
    client.post("/tickets/filters/", {"name": "待受理", "query": "status=new", "next": "/tickets/"})
    saved = SavedFilter.objects.get(user=desk["tier1"])
    assert saved.query == "status=new"
    assert "待受理" in client.get("/tickets/").content.decode()
    client.force_login(desk["tier2"])
    assert "待受理" not in client.get("/tickets/").content.decode()
    client.post("/tickets/filters/", {"delete": saved.pk})
    assert SavedFilter.objects.filter(pk=saved.pk).exists()  # not his
    client.force_login(desk["tier1"])
    client.post("/tickets/filters/", {"delete": saved.pk})
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()


def test_bulk_assign_priority_close_with_a_message_per_ticket(client, desk):
    a, b = new_ticket(desk, title="甲"), new_ticket(desk, title="乙")
    client.force_login(desk["tier1"])
    response = client.post(
        "/tickets/bulk/",
        {"operation": "assign", "pk": [a.pk, b.pk], "assignee": desk["tier2"].pk},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any(a.number in t for t in texts) and any(b.number in t for t in texts)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.assignee == b.assignee == desk["tier2"]
    client.post("/tickets/bulk/", {"operation": "priority", "pk": [a.pk], "priority": "p1"})
    a.refresh_from_db()
    assert a.priority == "p1"
    assert a.events.filter(kind=EventKind.PRIORITY_CHANGED).exists()
    client.post("/tickets/bulk/", {"operation": "close", "pk": [a.pk], "reason": "重复"})
    response = client.post(
        "/tickets/bulk/", {"operation": "close", "pk": [a.pk, b.pk], "reason": "x"}, follow=True
    )
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and a.number in errors[0], errors  # refused, with the reason
    b.refresh_from_db()
    assert b.status == TicketStatus.CLOSED


def test_bulk_needs_change_permission(client, desk):
    a = new_ticket(desk)
    client.force_login(desk["officer"])
    assert client.post("/tickets/bulk/", {"operation": "close", "pk": [a.pk]}).status_code == 403
    a.refresh_from_db()
    assert a.status == TicketStatus.NEW


# --- the ticket page and its actions ----------------------------------------------------------


def test_full_flow_through_the_action_forms(client, desk):
    ticket = new_ticket(desk)
    t1, t2, officer = desk["tier1"], desk["tier2"], desk["officer"]
    client.force_login(t1)
    assert client.post(f"/tickets/{ticket.pk}/accept/").status_code == 302
    # escalation without the checklist is refused and changes nothing
    response = client.post(f"/tickets/{ticket.pk}/escalate/", {"escalate-note": "请二线处理"})
    assert response.status_code == 400
    assert "action-error" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.tier == Tier.TIER1
    client.post(
        f"/tickets/{ticket.pk}/escalate/",
        {**CHECKLIST, "escalate-note": "请二线处理", "escalate-team": desk["team2"].pk},
    )
    ticket.refresh_from_db()
    assert ticket.tier == Tier.TIER2 and ticket.team == desk["team2"]
    client.force_login(t2)
    client.post(
        f"/tickets/{ticket.pk}/return-incomplete/",
        {"return_incomplete-missing": ["evidence"], "return_incomplete-note": "缺截图"},
    )
    ticket.refresh_from_db()
    assert ticket.tier == Tier.TIER1
    client.force_login(t1)
    client.post(f"/tickets/{ticket.pk}/note/", {"note-body": "内部：已补截图"})
    client.post(f"/tickets/{ticket.pk}/escalate/", {**CHECKLIST, "escalate-note": "已补充"})
    client.force_login(t2)
    client.post(
        f"/tickets/{ticket.pk}/resolve/",
        {
            "resolve-solution": "已修复数据",
            "resolve-cause_category": "data_error",
            "resolve-fixed_in_version": "1.02.03.04",
        },
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    client.force_login(officer)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "btn-confirm" in page
    assert "内部：已补截图" not in page  # internal notes are not shown to the reporter
    client.post(f"/tickets/{ticket.pk}/confirm/")
    client.post(
        f"/tickets/{ticket.pk}/satisfaction/",
        {"satisfaction-score": "5", "satisfaction-comment": "很快"},
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.satisfaction == 5
    kinds = list(ticket.events.values_list("kind", flat=True))
    for kind in ("created", "accepted", "escalated", "returned", "resolved", "confirmed"):
        assert kind in kinds
    client.force_login(t1)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "内部：已补截图" in page and 'class="internal"' in page


def test_refused_action_shows_chinese_message_and_changes_nothing(client, desk):
    ticket = new_ticket(desk)
    client.force_login(desk["tier1"])
    response = client.post(
        f"/tickets/{ticket.pk}/mark-duplicate/", {"mark_duplicate-master": "GD0"}
    )
    assert response.status_code == 400
    assert "GD0" in response.content.decode()
    response = client.post(
        f"/tickets/{ticket.pk}/mark-duplicate/", {"mark_duplicate-master": ticket.number}
    )
    assert response.status_code == 400
    assert "action-error" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.master is None and ticket.events.count() == 1
    response = client.post(f"/tickets/{ticket.pk}/confirm/", follow=True)
    assert ticket.number in " ".join(str(m) for m in response.context["messages"])
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW


def test_mark_duplicate_forward_and_complaint(client, desk):
    master = new_ticket(desk, title="主单")
    duplicate = new_ticket(desk, title="重复单")
    client.force_login(desk["tier2"])
    client.post(
        f"/tickets/{duplicate.pk}/mark-duplicate/", {"mark_duplicate-master": master.number}
    )
    duplicate.refresh_from_db()
    assert duplicate.master == master and duplicate.duplicate_number
    page = client.get(master.get_absolute_url()).content.decode()
    assert duplicate.number in page
    client.post(
        f"/tickets/{master.pk}/forward/",
        {
            "forward-to": "developer",
            "forward-target": "华科开发组",
            "forward-promised_date": "2030-01-31",
        },
    )
    master.refresh_from_db()
    assert master.status == TicketStatus.FORWARDED and str(master.promised_date) == "2030-01-31"
    client.force_login(desk["officer"])
    client.post(f"/tickets/{master.pk}/complaint/", {"complaint-note": "太慢"})
    master.refresh_from_db()
    assert master.complaint_open
    client.force_login(desk["owner"])
    client.post(f"/tickets/{master.pk}/answer-complaint/", {"answer_complaint-answer": "已督办"})
    master.refresh_from_db()
    assert not master.complaint_open


def test_edit_goes_through_the_action(client, desk):
    ticket = new_ticket(desk)
    client.force_login(desk["tier1"])
    response = client.post(
        f"/tickets/{ticket.pk}/edit/",
        {
            "title": "新标题",
            "description": "x",
            "kind": "data_fix",
            "channel": "platform",
            "priority": "p2",
            "system": desk["system"].pk,
            "module": "申报",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.title == "新标题" and ticket.priority == "p2"
    assert ticket.events.filter(kind=EventKind.PRIORITY_CHANGED).exists()


# --- home, dashboard, FAQ, demo ---------------------------------------------------------------


def test_home_sections(client, desk):
    mine = new_ticket(desk, title="我处理的")
    do_accept(mine, actor=desk["tier1"])
    done = new_ticket(desk, title="待我确认的")
    do_accept(done, actor=desk["tier1"])
    do_resolve(done, actor=desk["tier1"], solution="已处理", cause_category="operation_error")
    client.force_login(desk["tier1"])
    page = client.get("/").content.decode()
    assert "我处理的" in page
    client.force_login(desk["officer"])
    page = client.get("/").content.decode()
    assert "待我确认的" in page


def test_dashboard_data(client, desk):
    new_ticket(desk)
    accepted = new_ticket(desk, title="已受理")
    do_accept(accepted, actor=desk["tier1"])
    client.force_login(desk["owner"])
    data = client.get("/tickets/dashboard/data/").json()
    assert data["totals"]["open"] == 2
    assert sum(row["count"] for row in data["open_by_status"]) == 2
    assert data["open_by_system"][0]["count"] == 2
    assert len(data["backlog"]["days"]) == 30 and data["backlog"]["open"][-1] == 2
    assert data["top_kinds"][0]["count"] == 2
    client.force_login(desk["far_officer"])
    assert client.get("/tickets/dashboard/data/").json()["totals"]["open"] == 0


def test_faq_docx_contains_the_top_problems(client, desk):
    from docx import Document

    for n in range(3):
        t = new_ticket(desk, title=f"社保费申报提示系统错误 {n}")
        do_accept(t, actor=desk["tier1"])
        do_resolve(
            t, actor=desk["tier1"], solution="清除浏览器缓存后重试", cause_category="environment"
        )
    new_ticket(desk, title="偶发的打印问题")
    client.force_login(desk["tier1"])
    today = timezone.localdate()
    query = f"start={today - timedelta(days=7)}&end={today}&top=5"
    page = client.get(f"/tickets/faq/?{query}").content.decode()
    assert "社保费申报提示系统错误" in page
    response = client.get(f"/tickets/faq/?{query}&download=1")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    with translation.override("zh-hans"):
        assert gettext("FAQ manual") in text  # 常见问题解决手册 once the catalogue is compiled
    assert "社保费申报提示系统错误" in text and "清除浏览器缓存后重试" in text
    first = text.index("社保费申报提示系统错误")
    assert first < text.index("偶发的打印问题")  # the frequent one comes first
    assert "3" in text[first : first + 200]


def test_reply_from_the_reporter(client, desk):
    ticket = new_ticket(desk)
    do_accept(ticket, actor=desk["tier1"])
    do_reply(ticket, actor=desk["tier1"], body="请提供截图")
    client.force_login(desk["officer"])
    client.post(f"/tickets/{ticket.pk}/reply/", {"reply-body": "截图见附件"})
    assert ticket.events.filter(kind=EventKind.REPLY, actor=desk["officer"]).exists()


def test_demo_loader_is_idempotent(transactional_db, settings):
    from yunwei.core.demo import load_demo
    from yunwei.core.models import User
    from yunwei.tickets.demo import load_demo_tickets

    load_demo()
    admin = User.objects.get(username="admin")
    load_demo_tickets(actor=admin)
    count = Ticket.objects.count()
    events = Ticket.objects.count() and sum(t.events.count() for t in Ticket.objects.all())
    assert count >= 40
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == set(TicketStatus.values)
    assert Ticket.objects.filter(master__isnull=False).exists()
    assert Ticket.objects.filter(status=TicketStatus.FORWARDED, promised_date__isnull=False)
    assert Ticket.objects.filter(status=TicketStatus.CLOSED, satisfaction__isnull=False).exists()
    assert Ticket.objects.filter(is_complaint=True).exists()
    assert Ticket.objects.filter(status=TicketStatus.RESOLVED, master__isnull=True).exists()
    assert Ticket.objects.values("organisation").distinct().count() >= 5
    assert Ticket.objects.values("system").distinct().count() >= 4
    load_demo_tickets(actor=admin)
    assert Ticket.objects.count() == count
    assert sum(t.events.count() for t in Ticket.objects.all()) == events
