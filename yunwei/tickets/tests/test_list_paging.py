"""The ticket list at scale: the capped count (pages and API), the rows written straight,
sorting by due date, the number-first search and the bulk checkboxes."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tables2 import RequestConfig
from rest_framework.test import APIClient

from yunwei.cmdb.tests.factories import SystemFactory
from yunwei.core.tests.factories import VendorFactory
from yunwei.tickets import filtersets, tables
from yunwei.tickets.actions import do_accept, do_create_ticket
from yunwei.tickets.choices import Channel, TicketKind, TicketStatus, Tier
from yunwei.tickets.models import SlaClock, Ticket
from yunwei.tickets.tests.factories import TeamFactory, install_sla_stub
from yunwei.utilities.filtersets import SearchFilterSet
from yunwei.utilities.paginator import CappedPaginator, capped_count

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sla(monkeypatch):
    install_sla_stub(monkeypatch)


@pytest.fixture
def desk(org_tree, make_user):
    vendor = VendorFactory(code="V-LIST", name="列表厂商")
    system = SystemFactory(
        code="SYS-L", name="列表系统", owner_organisation=org_tree["province"], vendors=[vendor]
    )
    tier1 = make_user("tier1", vendor=vendor, username="list_t1", full_name="一线")
    TeamFactory(name="列表一线", tier=Tier.TIER1, members=[tier1])
    officer = make_user("grassroots_staff", org="county_a1", username="list_officer")
    owner = make_user("om_owner", username="list_owner")
    return {"org": org_tree, "system": system, "tier1": tier1, "officer": officer, "owner": owner}


def new_ticket(desk, title="缴费后状态未更新", **kwargs):
    kwargs.setdefault("reporter", desk["officer"])
    return do_create_ticket(
        actor=kwargs.pop("actor", desk["officer"]),
        title=title,
        description="纳税人反映：" + title,
        kind=kwargs.pop("kind", TicketKind.BUG),
        channel=Channel.PLATFORM,
        organisation=desk["org"][kwargs.pop("org", "county_a1")],
        system=kwargs.pop("system", desk["system"]),
        **kwargs,
    )


def numbers_in(page: str, tickets) -> list[str]:
    """The numbers of ``tickets`` in the order the page shows them."""
    found = re.findall(r'data-ticket="([^"]+)"', page)
    wanted = {t.number for t in tickets}
    return [number for number in found if number in wanted]


def list_count_text(page: str) -> str:
    match = re.search(r'<span class="small text-muted list-count">([^<]*)</span>', page)
    return match.group(1) if match else ""


# --- the capped count on the list page ---------------------------------------------------------


def test_list_says_more_than_the_limit_and_pages_on(client, desk, settings):
    settings.LIST_COUNT_LIMIT = 3
    tickets = [new_ticket(desk, title=f"问题{n}") for n in range(5)]
    client.force_login(desk["owner"])
    page = client.get("/tickets/?per_page=2").content.decode()
    assert list_count_text(page) == "超过 3 条"
    assert len(numbers_in(page, tickets)) == 2
    seen = []
    for number in (1, 2, 3):
        page = client.get(f"/tickets/?per_page=2&page={number}").content.decode()
        seen += numbers_in(page, tickets)
        has_next = f"page={number + 1}" in page
        assert has_next == (number < 3), number
    # every ticket once, newest first, past the counted limit too
    assert seen == [t.number for t in reversed(tickets)]


def test_list_gives_the_exact_count_under_the_limit(client, desk, settings):
    settings.LIST_COUNT_LIMIT = 3
    new_ticket(desk)
    new_ticket(desk)
    client.force_login(desk["owner"])
    assert list_count_text(client.get("/tickets/").content.decode()) == "共 2 条"


def test_list_count_in_english(client, desk, settings):
    settings.LIST_COUNT_LIMIT = 1
    new_ticket(desk)
    new_ticket(desk)
    client.force_login(desk["owner"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert list_count_text(client.get("/tickets/").content.decode()) == "more than 1"
    settings.LIST_COUNT_LIMIT = 5
    assert list_count_text(client.get("/tickets/").content.decode()) == "2 in total"


def test_text_search_counts_less_far(client, desk, settings):
    settings.LIST_COUNT_LIMIT = 100
    settings.LIST_SEARCH_COUNT_LIMIT = 2
    for n in range(3):
        new_ticket(desk, title=f"缴费失败{n}")
    client.force_login(desk["owner"])
    assert list_count_text(client.get("/tickets/?q=缴费").content.decode()) == "超过 2 条"
    assert list_count_text(client.get("/tickets/").content.decode()) == "共 3 条"


def test_the_count_reads_neither_order_nor_due_date(desk, settings):
    new_ticket(desk)
    queryset = tables.list_queryset().restrict(desk["owner"], "view")
    with CaptureQueriesContext(connection) as queries:
        assert capped_count(queryset, 10) == 1
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "ORDER BY" not in sql.upper()
    assert "tickets_slaclock" not in sql  # the due-date subquery is left out
    assert "LIMIT 11" in sql.upper()


# --- the paginator on its own --------------------------------------------------------------------


def test_capped_paginator_on_a_queryset(desk):
    for n in range(7):
        new_ticket(desk, title=f"第{n}个")
    paginator = CappedPaginator(Ticket.objects.order_by("pk"), 2, count_limit=4)
    assert paginator.count == 4 and paginator.count_capped and paginator.count_display == "4"
    assert paginator.num_pages == 2
    last = paginator.page(4)
    assert len(last.object_list) == 1 and not last.has_next()
    assert last.start_index() == 7 and last.end_index() == 7
    assert paginator.num_pages == 4
    third = CappedPaginator(Ticket.objects.order_by("pk"), 2, count_limit=4).page(3)
    assert third.has_next()
    from django.core.paginator import EmptyPage, PageNotAnInteger

    with pytest.raises(EmptyPage):
        paginator.page(9)
    with pytest.raises(PageNotAnInteger):
        paginator.page("x")


def test_capped_paginator_exact_and_on_lists():
    paginator = CappedPaginator(list(range(12_345)), 50, count_limit=20_000)
    assert paginator.count == 12_345 and not paginator.count_capped
    assert paginator.count_display == "12,345"
    assert paginator.num_pages == 247
    assert list(paginator.page(247).object_list) == list(range(12_300, 12_345))


# --- the API -------------------------------------------------------------------------------------


def test_api_counts_up_to_the_limit_and_still_pages(desk, settings):
    settings.LIST_COUNT_LIMIT = 3
    tickets = [new_ticket(desk, title=f"接口{n}") for n in range(5)]
    client = APIClient()
    client.force_authenticate(desk["owner"])
    body = client.get("/api/tickets/tickets/?page_size=2").json()
    assert body["count"] is None and body["count_capped"] is True
    numbers = [row["number"] for row in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        numbers += [row["number"] for row in body["results"]]
    assert numbers == [t.number for t in reversed(tickets)]
    body = client.get("/api/tickets/tickets/?status=new&kind=bug&page_size=50").json()
    assert body["count"] is None and len(body["results"]) == 5
    settings.LIST_COUNT_LIMIT = 10
    body = client.get("/api/tickets/tickets/").json()
    assert body["count"] == 5 and body["count_capped"] is False and body["next"] is None


def test_api_schema_describes_the_capped_count(client, desk):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    page = schema["components"]["schemas"]["PaginatedTicketList"]
    assert page["properties"]["count"]["nullable"] is True
    assert page["properties"]["count_capped"]["type"] == "boolean"


# --- rows, sorting, search, bulk ----------------------------------------------------------------


def test_list_rows_match_the_tables_cells(desk):
    """The rows written by TicketTable.page_rows() are the cells django-tables2 would render."""
    now = timezone.now()
    plain = new_ticket(desk, title="<b>原样</b>")
    accepted = new_ticket(desk, title="已受理", system=None, reporter=None, reporter_name="来电人")
    do_accept(accepted, actor=desk["tier1"])
    late = new_ticket(desk, title="超期")
    for ticket, due in ((late, now - timedelta(hours=1)), (plain, now + timedelta(days=1))):
        SlaClock.objects.create(
            ticket=ticket,
            metric="resolution",
            clock_type="calendar",
            amount=1,
            started_at=now - timedelta(hours=2),
            due_at=due,
        )
    request = RequestFactory().get("/tickets/")
    request.user = desk["owner"]
    for exclude in ((), ("selection",)):
        table = tables.TicketTable(tables.list_queryset().restrict(desk["owner"], "view"))
        table.exclude = exclude
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        rows = list(table.page_rows())
        assert [ticket.pk for ticket, _cells in rows] == [late.pk, accepted.pk, plain.pk]
        for (ticket, cells), row in zip(rows, table.paginated_rows, strict=True):
            expected = [str(row.get_cell(column.name)) for column in table.columns]
            assert [str(cell) for cell in cells] == expected, ticket.title
    assert "&lt;b&gt;原样&lt;/b&gt;" in "".join(str(cell) for cell in rows[-1][1])


def test_sorting_by_due_date(client, desk):
    now = timezone.now()
    no_clock = new_ticket(desk, title="没有时限")
    tickets = [new_ticket(desk, title=f"时限{n}") for n in range(3)]
    for ticket, hours in zip(tickets, (5, 1, 3), strict=True):
        SlaClock.objects.create(
            ticket=ticket,
            metric="resolution",
            clock_type="calendar",
            amount=1,
            started_at=now,
            due_at=now + timedelta(hours=hours),
        )
    # a stopped clock does not count
    SlaClock.objects.create(
        ticket=tickets[0],
        metric="first_response",
        clock_type="calendar",
        amount=1,
        started_at=now,
        due_at=now - timedelta(hours=9),
        stopped_at=now,
    )
    client.force_login(desk["owner"])
    page = client.get("/tickets/?sort=sla_due").content.decode()
    order = [tickets[1].number, tickets[2].number, tickets[0].number, no_clock.number]
    assert numbers_in(page, [*tickets, no_clock]) == order
    due = timezone.localtime(now + timedelta(hours=1)).strftime("%m-%d %H:%M")
    assert due in page
    page = client.get("/tickets/?sort=-sla_due").content.decode()
    order = [no_clock.number, tickets[0].number, tickets[2].number, tickets[1].number]
    assert numbers_in(page, [*tickets, no_clock]) == order  # the exact reverse


def test_due_of_resolved_tickets_only_from_an_unanswered_complaint(desk):
    """The list looks up clocks only for tickets that can have one running: open tickets and
    unanswered complaints (every other clock stops when a ticket is resolved or closed)."""
    now = timezone.now()
    complaint = new_ticket(desk, title="投诉未答复")
    done = new_ticket(desk, title="已解决")
    Ticket.objects.filter(pk__in=[complaint.pk, done.pk]).update(status=TicketStatus.RESOLVED)
    Ticket.objects.filter(pk=complaint.pk).update(is_complaint=True)
    for ticket in (complaint, done):
        SlaClock.objects.create(
            ticket=ticket,
            metric="complaint_answer",
            clock_type="calendar",
            amount=24,
            started_at=now,
            due_at=now + timedelta(hours=24),
        )
    rows = tables.list_queryset().filter(pk__in=[complaint.pk, done.pk])
    dues = dict(rows.values_list("pk", "sla_due"))
    assert dues[complaint.pk] == now + timedelta(hours=24)
    assert dues[done.pk] is None  # a leftover clock on a resolved ticket is not shown
    assert dict(tables.with_sla_due(rows).values_list("pk", "sla_due"))[done.pk] is not None


def test_search_by_number_title_and_phone_without_distinct(client, desk):
    a = new_ticket(desk, title="银行扣款失败")
    b = new_ticket(desk, title="打印机卡纸", reporter=None, reporter_phone="13900001111")
    c = new_ticket(desk, title="征集单推送失败")
    client.force_login(desk["owner"])

    def found(query):
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/tickets/", {"q": query}).content.decode()
        assert not any("DISTINCT" in q["sql"] for q in queries if "tickets_ticket" in q["sql"])
        return set(numbers_in(page, (a, b, c)))

    assert found(a.number) == {a.number}
    assert found(a.number.lower()) == {a.number}
    assert found(a.number[:-2]) >= {a.number}  # the beginning of a number
    assert found("扣款") == {a.number}
    assert found("失败") == {a.number, c.number}
    assert found("0000111") == {b.number}
    assert found("没有这个") == set()


def test_search_stays_in_scope(desk):
    here = new_ticket(desk, title="本县缴费")
    there = new_ticket(desk, title="外县缴费", org="county_b1", reporter=None, actor=desk["owner"])
    visible = Ticket.objects.restrict(desk["officer"], "view")
    assert set(filtersets.search_tickets(visible, "缴费")) == {here}
    assert set(filtersets.search_tickets(visible, there.number)) == set()


def test_generic_search_is_distinct_only_through_to_many_relations(desk):
    ticket = new_ticket(desk)
    from yunwei.tickets.models import Tag

    ticket.tags.add(Tag.objects.create(name="缴费一"), Tag.objects.create(name="缴费二"))

    class ByTitle(SearchFilterSet):
        search_fields = ("title",)

        class Meta:
            model = Ticket
            fields = ["q"]

    class ByTag(ByTitle):
        search_fields = ("tags__name",)

    by_title = ByTitle({"q": "缴费"}, queryset=Ticket.objects.all()).qs
    by_tag = ByTag({"q": "缴费"}, queryset=Ticket.objects.all()).qs
    assert not by_title.query.distinct and list(by_title) == [ticket]
    assert by_tag.query.distinct and list(by_tag) == [ticket]


def test_bulk_checkboxes_post_the_ticked_tickets(client, desk):
    a, b = new_ticket(desk, title="甲"), new_ticket(desk, title="乙")
    client.force_login(desk["tier1"])
    page = client.get("/tickets/").content.decode()
    ticked = re.findall(r'<input type="checkbox" name="(\w+)" value="(\d+)" form="bulk-form"', page)
    assert {int(value) for _name, value in ticked} == {a.pk, b.pk}
    # the header's select-all box posts nothing
    assert '<input type="checkbox" form="bulk-form" class="form-check-input" />' in page
    name = ticked[0][0]
    client.post(
        "/tickets/bulk/",
        {"operation": "priority", name: [value for _n, value in ticked], "priority": "p1"},
    )
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"p1"}
    assert Ticket.objects.filter(status=TicketStatus.NEW).count() == 2
