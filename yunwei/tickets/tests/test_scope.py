"""Who sees which tickets: organisation subtree for the bureau, systems and teams for vendors."""

import pytest

from yunwei.cmdb.tests.factories import SystemFactory
from yunwei.core.tests.factories import VendorFactory
from yunwei.tickets.choices import Tier
from yunwei.tickets.models import Ticket, TicketEvent
from yunwei.tickets.tests.factories import TeamFactory, TicketEventFactory, TicketFactory


@pytest.fixture
def world(org_tree, make_user):
    vendor, other_vendor = VendorFactory(name="甲软件"), VendorFactory(name="乙软件")
    system = SystemFactory(owner_organisation=org_tree["province"], vendors=[vendor])
    other_system = SystemFactory(owner_organisation=org_tree["province"], vendors=[other_vendor])
    vendor_team = TeamFactory(name="甲软件二线", tier=Tier.TIER2, vendor=vendor)
    county_user = make_user("grassroots_staff", org="county_a1", username="county")
    vendor_user = make_user("tier1", org="province", vendor=vendor, username="vendor")
    tickets = {
        "county_a1": TicketFactory(organisation=org_tree["county_a1"], system=other_system),
        "office_a1": TicketFactory(organisation=org_tree["office_a1"]),
        "county_a2": TicketFactory(organisation=org_tree["county_a2"]),
        "city_b": TicketFactory(organisation=org_tree["city_b"], system=system),
        "reported_elsewhere": TicketFactory(
            organisation=org_tree["county_b1"], reporter=county_user
        ),
        "team_no_system": TicketFactory(organisation=org_tree["county_b1"], team=vendor_team),
        "assigned_no_system": TicketFactory(
            organisation=org_tree["county_b1"], assignee=vendor_user
        ),
    }
    return {
        "tickets": tickets,
        "county_user": county_user,
        "vendor_user": vendor_user,
        "system": system,
    }


def visible(user, action="view"):
    return set(Ticket.objects.restrict(user, action).values_list("number", flat=True))


def numbers(world, *keys):
    return {world["tickets"][key].number for key in keys}


def test_county_user_sees_own_subtree_and_what_he_reported(world):
    assert visible(world["county_user"]) == numbers(
        world, "county_a1", "office_a1", "reported_elsewhere"
    )


def test_vendor_sees_its_systems_and_tickets_of_its_team_or_itself(world):
    assert visible(world["vendor_user"]) == numbers(
        world, "city_b", "team_no_system", "assigned_no_system"
    )


def test_vendor_rows_are_not_repeated_for_systems_with_several_vendors(world, org_tree):
    world["system"].vendors.add(VendorFactory())
    rows = list(Ticket.objects.restrict(world["vendor_user"]).values_list("number", flat=True))
    assert len(rows) == len(set(rows)) == 3


def test_province_user_sees_everything_and_admin_too(world, make_user, admin_user):
    everything = {ticket.number for ticket in world["tickets"].values()}
    assert visible(make_user("tier2", org="province")) == everything
    assert visible(admin_user) == everything


def test_change_needs_the_permission(world, make_user):
    assert visible(world["county_user"], "change") == set()
    assert visible(make_user("tier1", org="city_a"), "change") == numbers(
        world, "county_a1", "office_a1", "county_a2"
    )


def test_user_without_ticket_roles_sees_nothing(world, make_user):
    assert visible(make_user("auditor", org="province")) == set()


def test_timeline_follows_ticket_scope_and_hides_internal_notes(world, make_user):
    ticket = world["tickets"]["county_a1"]
    public = TicketEventFactory(ticket=ticket, is_public=True, body="已受理")
    note = TicketEventFactory(ticket=ticket, is_public=False, body="内部")
    hidden = TicketEventFactory(ticket=world["tickets"]["county_a2"], is_public=True)
    county_events = set(TicketEvent.objects.restrict(world["county_user"]))
    assert county_events == {public}
    handler = make_user("tier1", org="city_a")
    assert set(TicketEvent.objects.restrict(handler)) == {public, note, hidden}


def test_whoever_logged_a_ticket_keeps_seeing_it(world, org_tree):
    # A vendor engineer logs a phone call without a system: it is still on his screen.
    logged = TicketFactory(
        organisation=org_tree["county_b1"], system=None, created_by=world["vendor_user"]
    )
    assert logged.number in visible(world["vendor_user"])
    assert logged.number not in visible(world["county_user"])
