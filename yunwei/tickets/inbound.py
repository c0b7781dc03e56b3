"""Tickets from machines: the inbound webhook (monitoring, other systems) and inbound e-mail
posted by the mail gateway as JSON (see docs/decisions/0008-inbound-email.md).

Both end in ``do_create_ticket``. Resending is safe: the webhook's ``Idempotency-Key`` header
and the e-mail's Message-ID become the ticket's idempotency key, so the same message twice
gives one ticket.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yunwei.cmdb.models import System
from yunwei.core.models import User
from yunwei.tickets.choices import Channel, Priority, TicketKind
from yunwei.tickets.filtersets import organisation_choices
from yunwei.tickets.models import Ticket

WEBHOOK_CHANNELS = {Channel.API, Channel.ALERT, Channel.WECOM, Channel.WECHAT, Channel.QQ}
MAX_KEY = 100
_ADDRESS = re.compile(r"<([^<>@\s]+@[^<>\s]+)>|([^<>@\s]+@[^<>\s]+)")


@dataclass
class Intake:
    ticket: Ticket
    created: bool


def _existing(key: str | None) -> Ticket | None:
    return Ticket.objects.filter(idempotency_key=key).first() if key else None


def _organisation(code, actor):
    if not code:
        if actor.organisation_id is None:
            raise ValidationError({"organisation": _("The reporting organisation is required.")})
        return actor.organisation
    organisation = organisation_choices(actor).filter(code=str(code).strip()).first()
    if organisation is None:
        raise ValidationError(
            {"organisation": _("Unknown organisation code %(code)s.") % {"code": code}}
        )
    return organisation


def _system(code, actor):
    if not code:
        return None
    system = System.objects.restrict(actor, "view").filter(code__iexact=str(code).strip()).first()
    if system is None:
        raise ValidationError({"system": _("Unknown system code %(code)s.") % {"code": code}})
    return system


def _text(data, name, limit=None) -> str:
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    return value[:limit] if limit else value


def create_from_webhook(data: dict, *, actor, idempotency_key: str | None) -> Intake:
    """A ticket from a JSON payload: title, description, kind, priority, channel (api, alert,
    wecom, wechat, qq), organisation (code; default the caller's), system (code), module,
    reporter_name, reporter_phone."""
    from yunwei.tickets.actions import do_create_ticket

    key = (idempotency_key or "").strip() or None
    if key and len(key) > MAX_KEY:
        raise ValidationError({"idempotency_key": _("At most %(n)s characters.") % {"n": MAX_KEY}})
    existing = _existing(key)
    if existing is not None:
        return Intake(existing, False)
    channel = _text(data, "channel") or Channel.API
    if channel not in WEBHOOK_CHANNELS:
        raise ValidationError({"channel": _("Unknown channel %(value)s.") % {"value": channel}})
    ticket = do_create_ticket(
        actor=actor,
        title=_text(data, "title"),
        description=_text(data, "description"),
        kind=_text(data, "kind") or TicketKind.FAULT,
        channel=channel,
        organisation=_organisation(_text(data, "organisation"), actor),
        system=_system(_text(data, "system"), actor),
        module=_text(data, "module", 100),
        priority=_text(data, "priority") or Priority.P3,
        reporter_name=_text(data, "reporter_name", 60),
        reporter_phone=_text(data, "reporter_phone", 30),
        idempotency_key=key,
    )
    return Intake(ticket, True)


def sender_address(value: str) -> str:
    match = _ADDRESS.search(value or "")
    if not match:
        return ""
    return (match.group(1) or match.group(2)).strip().lower()


def create_from_email(data: dict, *, actor) -> Intake:
    """A ticket from a message the mail gateway parsed: ``from``, ``subject``, ``text``,
    ``message_id`` (and optionally ``system``, a system code from the mailbox it came to).

    A sender who is a platform user becomes the reporter and their organisation the reporting
    organisation; an unknown sender is recorded by address and the ticket belongs to the
    gateway account's organisation (the desk sorts it out)."""
    from yunwei.tickets.actions import do_create_ticket

    message_id = _text(data, "message_id")
    if not message_id:
        raise ValidationError({"message_id": _("This field is required.")})
    key = f"email:{message_id}"[:MAX_KEY]
    existing = _existing(key)
    if existing is not None:
        return Intake(existing, False)
    sender = sender_address(_text(data, "from"))
    if not sender:
        raise ValidationError({"from": _("The sender's address is missing or invalid.")})
    subject = _text(data, "subject")
    body = _text(data, "text")
    title = subject or body.partition("\n")[0]
    reporter = User.objects.filter(email__iexact=sender, is_active=True).first()
    if reporter is not None and reporter.organisation_id:
        organisation = reporter.organisation
    else:
        reporter = None
        organisation = _organisation("", actor)
    ticket = do_create_ticket(
        actor=actor,
        title=title[:200],
        description=body,
        kind=TicketKind.CONSULTATION,
        channel=Channel.EMAIL,
        organisation=organisation,
        system=_system(_text(data, "system"), actor),
        reporter=reporter,
        reporter_name="" if reporter else sender[:60],
        reporter_org_text="" if reporter else sender.partition("@")[2][:100],
        idempotency_key=key,
        source_message_id=message_id[:255],
    )
    return Intake(ticket, True)
