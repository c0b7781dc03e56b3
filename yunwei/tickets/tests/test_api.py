"""Tickets API: list/detail/create with filters and scope, events, transitions."""

import pytest
from rest_framework.test import APIClient

from yunwei.cmdb.tests.factories import SystemFactory
from yunwei.core.tests.factories import VendorFactory
from yunwei.tickets.actions import do_accept, do_create_ticket, do_reply
from yunwei.tickets.choices import Channel, TicketKind, TicketStatus, Tier
from yunwei.tickets.models import Ticket
from yunwei.tickets.tests.factories import TeamFactory, install_sla_stub

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sla(monkeypatch):
    install_sla_stub(monkeypatch)


@pytest.fixture
def world(org_tree, make_user):
    vendor = VendorFactory(code="V-API")
    system = SystemFactory(
        code="SYS-API", owner_organisation=org_tree["province"], vendors=[vendor]
    )
    other = SystemFactory(code="SYS-OTHER", owner_organisation=org_tree["province"])
    tier1 = make_user("tier1", vendor=vendor, username="api_t1")
    tier2 = make_user("tier2", vendor=vendor, username="api_t2")
    TeamFactory(name="二线", tier=Tier.TIER2, members=[tier2])
    officer = make_user("grassroots_staff", org="county_a1", username="api_officer")
    return {
        "org": org_tree,
        "system": system,
        "other": other,
        "tier1": tier1,
        "tier2": tier2,
        "officer": officer,
    }


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def make(
    world, title="接口问题", org="county_a1", system="system", reporter="officer", actor="officer"
):
    return do_create_ticket(
        actor=world[actor],
        title=title,
        description="",
        kind=TicketKind.BUG,
        channel=Channel.PLATFORM,
        organisation=world["org"][org],
        system=world[system],
        reporter=world[reporter] if reporter else None,
        reporter_name="" if reporter else "来电人",
    )


def test_list_detail_and_filters(world):
    a = make(world)
    b = make(world, title="别的", system="other")
    do_accept(b, actor=world["tier2"])
    client = api(world["tier2"])
    client.force_authenticate(world["tier2"])
    numbers = {row["number"] for row in client.get("/api/tickets/tickets/").json()["results"]}
    assert a.number in numbers
    rows = client.get("/api/tickets/tickets/?status=new").json()["results"]
    assert [row["number"] for row in rows] == [a.number]
    detail = client.get(f"/api/tickets/tickets/{a.pk}/").json()
    assert detail["number"] == a.number and detail["status"] == "new"


def test_scope_county_and_vendor(world):
    here = make(world)
    there = make(world, title="外县", org="county_b1", reporter=None, actor="tier1")
    unserved = make(world, title="未服务", system="other")
    officer = api(world["officer"])
    numbers = {row["number"] for row in officer.get("/api/tickets/tickets/").json()["results"]}
    assert here.number in numbers and there.number not in numbers
    assert officer.get(f"/api/tickets/tickets/{there.pk}/").status_code == 404
    vendor = api(world["tier1"])
    numbers = {row["number"] for row in vendor.get("/api/tickets/tickets/").json()["results"]}
    assert here.number in numbers and unserved.number not in numbers
    assert vendor.post(f"/api/tickets/tickets/{unserved.pk}/transition/accept/").status_code == 404


def test_create_through_the_action_with_idempotency(world):
    client = api(world["officer"])
    body = {"title": "接口创建", "kind": "bug", "system": world["system"].pk}
    first = client.post("/api/tickets/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    ticket = Ticket.objects.get(number=first.json()["number"])
    assert ticket.organisation == world["officer"].organisation
    assert ticket.events.filter(kind="created").count() == 1
    again = client.post("/api/tickets/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again.json()["number"] == ticket.number
    assert Ticket.objects.count() == 1


def test_create_bad_input_changes_nothing(world):
    client = api(world["officer"])
    assert client.post("/api/tickets/tickets/", {"kind": "bug"}, format="json").status_code == 400
    response = client.post(
        "/api/tickets/tickets/",
        {"title": "x", "organisation": world["org"]["county_b1"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_events_hide_internal_notes_from_reporter(world):
    ticket = make(world)
    do_accept(ticket, actor=world["tier1"])
    do_reply(ticket, actor=world["tier1"], body="内部备注", public=False)
    do_reply(ticket, actor=world["tier1"], body="公开回复")
    bodies = [
        e["body"]
        for e in api(world["officer"])
        .get(f"/api/tickets/tickets/{ticket.pk}/events/")
        .json()["results"]
    ]
    assert "公开回复" in bodies and "内部备注" not in bodies
    bodies = [
        e["body"]
        for e in api(world["tier1"])
        .get(f"/api/tickets/tickets/{ticket.pk}/events/")
        .json()["results"]
    ]
    assert "内部备注" in bodies


def test_transitions(world):
    ticket = make(world)
    t1 = api(world["tier1"])
    url = f"/api/tickets/tickets/{ticket.pk}/transition"
    assert t1.post(f"{url}/accept/").json()["status"] == "in_progress"
    refused = t1.post(
        f"{url}/escalate/", {"note": "x", "checklist": {"description": True}}, format="json"
    )
    assert refused.status_code == 400
    ticket.refresh_from_db()
    assert ticket.tier == Tier.TIER1
    checklist = dict.fromkeys(
        ["description", "scope", "evidence", "reproduced", "knowledge", "tried"], True
    )
    ok = t1.post(f"{url}/escalate/", {"note": "请处理", "checklist": checklist}, format="json")
    assert ok.status_code == 200 and ok.json()["tier"] == "tier2"
    t2 = api(world["tier2"])
    resolved = t2.post(
        f"{url}/resolve/", {"solution": "已处理", "cause_category": "data_error"}, format="json"
    )
    assert resolved.json()["status"] == "resolved"
    # the reporter may confirm, but not close someone else's way
    officer = api(world["officer"])
    assert officer.post(f"{url}/resolve/", {}, format="json").status_code in (400, 403)
    assert officer.post(f"{url}/confirm/").json()["status"] == TicketStatus.CLOSED
    assert officer.post(f"{url}/fly/").status_code == 400


def test_missing_fields_are_reported(world):
    ticket = make(world)
    response = api(world["tier1"]).post(
        f"/api/tickets/tickets/{ticket.pk}/transition/resolve/", {}, format="json"
    )
    assert response.status_code == 400 and "solution" in response.json()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW


def test_schema_builds(world):
    client = api(world["tier1"])
    assert client.get("/api/schema/").status_code == 200
