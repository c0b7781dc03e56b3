"""Intake: the officer's form, the quick log, the inbound webhook and inbound e-mail."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from yunwei.cmdb.tests.factories import SystemFactory
from yunwei.core.models import Attachment
from yunwei.core.tests.factories import VendorFactory
from yunwei.tickets.choices import Channel, TicketStatus
from yunwei.tickets.models import Ticket
from yunwei.tickets.tests.factories import install_sla_stub

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _sla(monkeypatch):
    install_sla_stub(monkeypatch)


@pytest.fixture
def world(org_tree, make_user):
    vendor = VendorFactory(code="V-IN")
    system = SystemFactory(code="SBF-ZS", owner_organisation=org_tree["province"], vendors=[vendor])
    return {
        "org": org_tree,
        "system": system,
        "tier1": make_user("tier1", vendor=vendor, username="in_t1"),
        "officer": make_user(
            "grassroots_staff", org="county_a1", username="in_officer", email="officer@x.invalid"
        ),
        "owner": make_user("om_owner", username="in_owner"),
    }


# --- the officer's form -----------------------------------------------------------------------


def test_submit_creates_a_ticket_for_the_officers_organisation(client, world):
    client.force_login(world["officer"])
    response = client.post(
        "/tickets/submit/",
        {
            "system": world["system"].pk,
            "kind": "bug",
            "title": "缴费证明报错",
            "description": "开具时报错",
            "attachments": [SimpleUploadedFile("shot.png", PNG, content_type="image/png")],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    assert ticket.organisation == world["org"]["county_a1"]
    assert ticket.reporter == world["officer"] and ticket.channel == Channel.PLATFORM
    assert Attachment.objects.for_object(ticket).count() == 1


def test_submit_bad_input_changes_nothing(client, world):
    client.force_login(world["officer"])
    missing_title = client.post(
        "/tickets/submit/", {"system": world["system"].pk, "kind": "bug", "description": "x"}
    )
    assert missing_title.status_code == 400
    exe = SimpleUploadedFile("tool.png", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")
    bad_file = client.post(
        "/tickets/submit/",
        {
            "system": world["system"].pk,
            "kind": "bug",
            "title": "带附件",
            "description": "x",
            "attachments": [exe],
        },
    )
    assert bad_file.status_code == 400
    assert "tool.png" in bad_file.content.decode()
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


def test_suggestions_only_when_the_knowledge_url_exists(client, world, monkeypatch):
    from yunwei.tickets import views

    client.force_login(world["officer"])
    monkeypatch.setattr(views, "_suggest_url", lambda: None)
    assert "hx-get" not in client.get("/tickets/submit/").content.decode()
    monkeypatch.setattr(views, "_suggest_url", lambda: "/knowledge/suggest/")
    page = client.get("/tickets/submit/").content.decode()
    assert 'hx-get="/knowledge/suggest/"' in page


# --- quick log --------------------------------------------------------------------------------


def test_quick_log_phone_ticket(client, world):
    client.force_login(world["tier1"])
    page = client.get("/tickets/quick/").content.decode()
    assert "data-autocomplete" in page and "data-submit-on-enter" in page
    response = client.post(
        "/tickets/quick/",
        {
            "organisation": world["org"]["county_b1"].pk,
            "system": world["system"].pk,
            "kind": "consultation",
            "text": "如何打印缴费证明\n纳税人来电询问",
            "reporter_name": "张先生",
            "reporter_phone": "13800000000",
            "channel": "phone",
            "priority": "p3",
            "accept": "on",
        },
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert ticket.title == "如何打印缴费证明" and "纳税人来电询问" in ticket.description
    assert ticket.channel == Channel.PHONE and ticket.organisation == world["org"]["county_b1"]
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.assignee == world["tier1"]
    assert ticket.number in response.content.decode()


def test_quick_log_bad_input(client, world):
    client.force_login(world["tier1"])
    response = client.post("/tickets/quick/", {"organisation": 999999, "kind": "bug", "text": ""})
    assert response.status_code == 400
    assert Ticket.objects.count() == 0


# --- inbound webhook and e-mail -----------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_webhook_is_idempotent(world):
    client = api(world["tier1"])
    body = {
        "title": "OGG 延迟告警",
        "channel": "alert",
        "priority": "p1",
        "organisation": world["org"]["county_a1"].code,
        "system": "sbf-zs",
    }
    first = client.post(
        "/api/tickets/inbound/", body, format="json", HTTP_IDEMPOTENCY_KEY="alert-1"
    )
    assert first.status_code == 201
    again = client.post(
        "/api/tickets/inbound/", body, format="json", HTTP_IDEMPOTENCY_KEY="alert-1"
    )
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.ALERT and ticket.system == world["system"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "x", "system": "NOPE"}, "system"),
        ({"title": "x", "organisation": "00000"}, "organisation"),
        ({"description": "no title"}, "title"),
        ({"title": "x", "channel": "pigeon"}, "channel"),
    ],
)
def test_webhook_bad_input_names_the_problem(world, body, field):
    response = api(world["tier1"]).post(
        "/api/tickets/inbound/", body, format="json", HTTP_IDEMPOTENCY_KEY="bad"
    )
    assert response.status_code == 400
    assert field in response.json()
    if field == "system":
        assert "NOPE" in str(response.json())
    assert Ticket.objects.count() == 0


def test_webhook_needs_permission(world, make_user):
    auditor = make_user("auditor", username="in_auditor")
    response = api(auditor).post("/api/tickets/inbound/", {"title": "x"}, format="json")
    assert response.status_code == 403
    assert APIClient().post("/api/tickets/inbound/", {"title": "x"}).status_code in (401, 403)


def test_inbound_email(world):
    client = api(world["tier1"])
    message = {
        "from": "孙建国 <officer@x.invalid>",
        "subject": "申报表无法提交",
        "text": "点击提交无反应。\n请协助。",
        "message_id": "<abc@mail.x.invalid>",
    }
    first = client.post("/api/tickets/inbound/email/", message, format="json")
    assert first.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.EMAIL and ticket.source_message_id == "<abc@mail.x.invalid>"
    assert ticket.reporter == world["officer"]
    assert ticket.organisation == world["org"]["county_a1"]
    again = client.post("/api/tickets/inbound/email/", message, format="json")
    assert again.status_code == 200 and again.json()["number"] == ticket.number
    unknown = client.post(
        "/api/tickets/inbound/email/",
        {**message, "from": "someone@bank.invalid", "message_id": "<2@x>"},
        format="json",
    )
    assert unknown.status_code == 201
    other = Ticket.objects.get(number=unknown.json()["number"])
    assert other.reporter is None and other.reporter_name == "someone@bank.invalid"
    assert other.organisation == world["tier1"].organisation
    bad = client.post("/api/tickets/inbound/email/", {"from": "x"}, format="json")
    assert bad.status_code == 400 and Ticket.objects.count() == 2
