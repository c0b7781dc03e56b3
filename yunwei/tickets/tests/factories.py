"""Factories of the tickets app (other tickets test modules import from here)."""

import factory
from factory.django import DjangoModelFactory

from yunwei.core.tests.factories import OrganisationFactory
from yunwei.tickets.choices import Channel, EventKind, Priority, TicketKind, TicketStatus, Tier
from yunwei.tickets.models import Tag, Team, Ticket, TicketEvent
from yunwei.tickets.models.ticket import next_ticket_number


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"处理组{n}")
    tier = Tier.TIER1
    is_active = True

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"标签{n}")


class TicketFactory(DjangoModelFactory):
    """A ticket written straight to the database (no action, no event, no SLA clocks); use
    ``yunwei.tickets.actions.do_create_ticket`` when the test is about creating."""

    class Meta:
        model = Ticket
        skip_postgeneration_save = True

    number = factory.LazyFunction(next_ticket_number)
    title = factory.Sequence(lambda n: f"申报时提示系统错误{n}")
    description = "纳税人申报社保费时页面提示“系统错误”，请协助处理。"
    kind = TicketKind.CONSULTATION
    channel = Channel.PLATFORM
    priority = Priority.P3
    tier = Tier.TIER1
    status = TicketStatus.NEW
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class TicketEventFactory(DjangoModelFactory):
    class Meta:
        model = TicketEvent

    ticket = factory.SubFactory(TicketFactory)
    kind = EventKind.NOTE
    is_public = False
    body = "内部备注"


def install_sla_stub(monkeypatch) -> list:
    """Record every ``yunwei.tickets.sla.on_ticket_event`` call as (ticket number, kind).

    The real function still runs; until that module exists, a stand-in only records.
    """
    import importlib
    import sys
    import types

    calls: list = []
    try:
        module = importlib.import_module("yunwei.tickets.sla")
        real = module.on_ticket_event
    except ModuleNotFoundError as exc:
        if exc.name != "yunwei.tickets.sla":
            raise
        module = types.ModuleType("yunwei.tickets.sla")
        monkeypatch.setitem(sys.modules, "yunwei.tickets.sla", module)
        real = None

    def on_ticket_event(ticket, kind):
        calls.append((ticket.number, str(kind)))
        if real is not None:
            real(ticket, kind)

    monkeypatch.setattr(module, "on_ticket_event", on_ticket_event, raising=False)
    return calls
