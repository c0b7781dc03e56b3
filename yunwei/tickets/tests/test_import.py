"""Excel bulk import: all or nothing, each problem named by row and column."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from yunwei.cmdb.tests.factories import SystemFactory
from yunwei.tickets.importers import TicketImporter
from yunwei.tickets.models import Ticket
from yunwei.tickets.tests.factories import install_sla_stub
from yunwei.utilities.excel import XLSX_CONTENT_TYPE, build_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sla(monkeypatch):
    install_sla_stub(monkeypatch)


def headers():
    return [column.header for column in TicketImporter.columns]


def sheet(rows):
    buffer = io.BytesIO()
    build_workbook(headers(), rows).save(buffer)
    return SimpleUploadedFile("t.xlsx", buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


@pytest.fixture
def world(org_tree, make_user):
    SystemFactory(code="SBF-GL", owner_organisation=org_tree["province"])
    return {"org": org_tree, "owner": make_user("om_owner", username="imp_owner")}


def row(org, system="SBF-GL", title="问题", kind="consultation"):
    # choice cells take the value or the label in either language
    return [org, system, kind, "phone", "p3", title, "描述", "", "张三", "13800000000"]


def test_clean_sheet_creates_every_ticket(client, world):
    client.force_login(world["owner"])
    with translation.override("zh-hans"):
        upload = sheet([row("13301020000"), row("13302020000", title="第二个", system="")])
    response = client.post("/tickets/import/", {"file": upload})
    assert response.status_code == 302, [str(e) for e in response.context["errors"] or []]
    assert Ticket.objects.count() == 2
    ticket = Ticket.objects.get(title="第二个")
    assert ticket.system is None and ticket.organisation == world["org"]["county_b1"]
    assert ticket.events.filter(kind="created").count() == 1


def test_bad_rows_write_nothing_and_are_named(client, world):
    client.force_login(world["owner"])
    upload = sheet(
        [
            row("13301020000"),
            row("99999999999"),
            row("13301020000", system="NO-SUCH"),
            row("13301020000", title=""),
            row("13301020000", kind="猜谜"),
        ]
    )
    response = client.post("/tickets/import/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "99999999999" in page and "NO-SUCH" in page
    errors = response.context["errors"]
    assert {e.row for e in errors} == {3, 4, 5, 6}
    assert Ticket.objects.count() == 0


def test_import_page_and_permission(client, world, make_user):
    client.force_login(world["owner"])
    assert client.get("/tickets/import/").status_code == 200
    client.force_login(make_user("grassroots_staff", org="county_a1"))
    assert client.get("/tickets/import/").status_code == 403
