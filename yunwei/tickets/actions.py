"""State changes of tickets. Views, the API, intake, tasks and tests all call these.

Each ``do_…`` runs in ``transaction.atomic``, re-reads the ticket locked for update, checks the
workflow table (``yunwei.tickets.workflow``), changes the ticket, appends one timeline event,
writes its audit entry, tells the SLA clocks (``yunwei.tickets.sla.on_ticket_event``) and
notifies the people concerned. A refused action raises ``ValidationError`` and changes nothing.
Duplicates follow their master: after a master's status changes, the same status, solution,
cause and fix are copied to its duplicates, and their reporters are told.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yunwei.core import audit, workcalendar
from yunwei.core.notify import notify
from yunwei.tickets import workflow
from yunwei.tickets.choices import (
    ESCALATION_CHECKLIST,
    ESCALATION_CHECKLIST_CODES,
    FORWARD_TIERS,
    CauseCategory,
    Channel,
    EventKind,
    Priority,
    TicketKind,
    TicketStatus,
    Tier,
)
from yunwei.tickets.models import Team, Ticket, TicketEvent
from yunwei.tickets.models.ticket import next_ticket_number

__all__ = [
    "auto_close_workdays",
    "do_accept",
    "do_answer_complaint",
    "do_assign",
    "do_auto_close_resolved",
    "do_close",
    "do_confirm",
    "do_create_ticket",
    "do_escalate",
    "do_flag_complaint",
    "do_forward",
    "do_mark_duplicate",
    "do_record_satisfaction",
    "do_reopen",
    "do_reply",
    "do_request_info",
    "do_resolve",
    "do_return_incomplete",
    "do_set_promised_date",
    "do_unmark_duplicate",
    "do_update_ticket",
]

COMPLAINT_ANSWER_HOURS = 24

# Fields that duplicates copy from their master.
FOLLOWED_FIELDS = (
    "status",
    "solution",
    "cause_category",
    "fixed_in_version",
    "fix_release_date",
    "resolved_at",
    "closed_at",
)
# What the audit entry of a ticket action shows before and after.
AUDITED_FIELDS = (
    "status",
    "tier",
    "priority",
    "kind",
    "title",
    "system_id",
    "module",
    "organisation_id",
    "team_id",
    "assignee_id",
    "master_id",
    "duplicate_number",
    "forwarded_to",
    "forward_target",
    "promised_date",
    "solution",
    "cause_category",
    "fixed_in_version",
    "fix_release_date",
    "resolved_at",
    "closed_at",
    "reopened_count",
    "satisfaction",
    "is_complaint",
    "complaint_due_at",
    "complaint_answered_at",
)
UPDATABLE_FIELDS = {
    "title",
    "description",
    "kind",
    "channel",
    "priority",
    "system",
    "module",
    "reporter_name",
    "reporter_phone",
    "reporter_org_text",
}
UPDATABLE_M2M = {"tags", "related_hosts", "related_databases", "related_middleware"}


# --- Helpers ----------------------------------------------------------------------------------


def _state(ticket: Ticket) -> dict:
    return {name: getattr(ticket, name) for name in AUDITED_FIELDS}


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _sync(target: Ticket, source: Ticket) -> None:
    """Give the caller's object the values saved by the action."""
    for field in Ticket._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.fields_cache = dict(source._state.fields_cache)
    target.__dict__.pop("_prefetched_objects_cache", None)


def _sla(ticket: Ticket, kind: str) -> None:
    """Tell the SLA clocks what happened (starts, pauses, resumes or stops them)."""
    from yunwei.tickets import sla

    sla.on_ticket_event(ticket, kind)


def _event(ticket, kind, actor, body="", *, public=True, data=None) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        is_public=public,
        body=body or "",
        data=audit.to_jsonable(data or {}),
    )


def _tell(event: str, recipients, ticket: Ticket, title: str, body: str = "", actor=None):
    """Notify the people concerned, never the actor about their own action."""
    actor_id = getattr(actor, "pk", None)
    users = [user for user in recipients if user is not None and user.pk != actor_id]
    if not users:
        return []
    return notify(
        event,
        recipients=users,
        title=f"{ticket.number} {title}",
        body=body,
        url=ticket.url,
        organisation=ticket.organisation,
        actor=actor,
    )


def _handlers(ticket: Ticket) -> list:
    """Who works on the ticket: the assignee, else the members of its team."""
    if ticket.assignee_id:
        return [ticket.assignee]
    if ticket.team_id:
        return list(ticket.team.members.filter(is_active=True))
    return []


def _required(value, field: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: _("This field is required.")})
    return text


def _finish(
    ticket: Ticket,
    action: str,
    kind: str,
    actor,
    before: dict,
    body: str = "",
    *,
    public: bool = True,
    data: dict | None = None,
) -> TicketEvent:
    """Save, append the event, audit, tell the SLA clocks, let duplicates follow."""
    ticket.save()
    event = _event(ticket, kind, actor, body, public=public, data=data)
    audit.record(
        f"tickets.ticket.{action}", actor=actor, obj=ticket, before=before, after=_state(ticket)
    )
    _sla(ticket, kind)
    if before.get("status") != ticket.status:
        _follow_master(ticket, kind, actor)
    return event


FOLLOW_NOTICE_KINDS = {
    EventKind.RESOLVED,
    EventKind.CONFIRMED,
    EventKind.CLOSED,
    EventKind.AUTO_CLOSED,
    EventKind.REOPENED,
}


def _follow_master(master: Ticket, kind: str, actor) -> int:
    """Copy the master's status and solution to its duplicates; returns how many."""
    count = 0
    for duplicate in Ticket.objects.select_for_update().filter(master=master).order_by("pk"):
        before = _state(duplicate)
        for name in FOLLOWED_FIELDS:
            setattr(duplicate, name, getattr(master, name))
        if kind == EventKind.REOPENED:
            duplicate.reopened_count += 1
        duplicate.save()
        body = _("Follows %(master)s: %(status)s.") % {
            "master": master.number,
            "status": duplicate.get_status_display(),
        }
        _event(duplicate, kind, actor, body, data={"master": master.number, "followed": True})
        audit.record(
            "tickets.ticket.follow_master",
            actor=actor,
            obj=duplicate,
            before=before,
            after=_state(duplicate),
        )
        _sla(duplicate, kind)
        if kind in FOLLOW_NOTICE_KINDS:
            code = "tickets.reply" if kind == EventKind.REOPENED else "tickets.resolved"
            _tell(
                code,
                [duplicate.reporter],
                duplicate,
                _("is now %(status)s") % {"status": duplicate.get_status_display()},
                _("Ticket %(master)s, of which yours is a duplicate, changed.\n%(solution)s")
                % {"master": master.number, "solution": duplicate.solution},
                actor,
            )
        count += 1
    return count


# --- Creating ---------------------------------------------------------------------------------


def do_create_ticket(
    *,
    actor,
    title,
    description,
    kind,
    channel,
    organisation,
    system=None,
    module="",
    priority=Priority.P3,
    reporter=None,
    reporter_name="",
    reporter_phone="",
    reporter_org_text="",
    tags=(),
    idempotency_key=None,
    source_message_id="",
    attachments=(),
) -> Ticket:
    """Register a problem. A repeated ``idempotency_key`` returns the ticket made the first
    time and creates nothing (API and webhook clients may resend)."""
    idempotency_key = (idempotency_key or "").strip() or None
    if idempotency_key:
        existing = Ticket.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("This field is required.")
    if kind not in TicketKind.values:
        errors["kind"] = _("Unknown ticket kind %(value)s.") % {"value": kind}
    if channel not in Channel.values:
        errors["channel"] = _("Unknown channel %(value)s.") % {"value": channel}
    if priority not in Priority.values:
        errors["priority"] = _("Unknown priority %(value)s.") % {"value": priority}
    if organisation is None:
        errors["organisation"] = _("The reporting organisation is required.")
    if errors:
        raise ValidationError(errors)
    if reporter is None and not reporter_name and channel == Channel.PLATFORM:
        reporter = actor
    with transaction.atomic():
        now = timezone.now()
        try:
            with transaction.atomic():
                ticket = Ticket(
                    number=next_ticket_number(now),
                    title=title.strip(),
                    description=description or "",
                    kind=kind,
                    channel=channel,
                    priority=priority,
                    organisation=organisation,
                    system=system,
                    module=module or "",
                    reporter=reporter,
                    reporter_name=reporter_name or "",
                    reporter_phone=reporter_phone or "",
                    reporter_org_text=reporter_org_text or "",
                    idempotency_key=idempotency_key,
                    source_message_id=source_message_id or "",
                    in_filing_period=workcalendar.is_in_filing_period(now),
                    created_by=actor,
                    created_at=now,
                )
                ticket.full_clean(validate_unique=False, validate_constraints=False)
                ticket.save()
        except IntegrityError:
            # Another request with the same key won the race: answer with its ticket.
            existing = (
                Ticket.objects.filter(idempotency_key=idempotency_key).first()
                if idempotency_key
                else None
            )
            if existing is None:
                raise
            return existing
        if tags:
            ticket.tags.set(tags)
        for uploaded in attachments:
            from yunwei.core.actions.attachments import do_attach

            do_attach(ticket, uploaded, actor=actor)
        _event(
            ticket,
            EventKind.CREATED,
            actor,
            ticket.description,
            data={"channel": channel, "kind": kind, "priority": priority},
        )
        audit.record("tickets.ticket.create", actor=actor, obj=ticket, after=_state(ticket))
        _sla(ticket, EventKind.CREATED)
    return ticket


# --- Handling ---------------------------------------------------------------------------------


def do_accept(ticket: Ticket, *, actor) -> Ticket:
    """Take a new ticket: in progress, assigned to the actor, first response now."""
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "accept")
        now = timezone.now()
        locked.assignee = actor
        locked.accepted_at = now
        locked.first_response_at = locked.first_response_at or now
        _finish(locked, "accept", EventKind.ACCEPTED, actor, before)
    _sync(ticket, locked)
    return ticket


def do_assign(ticket: Ticket, *, actor, assignee=None, team=None) -> Ticket:
    """Give the ticket to a person, a team, or a person in a team; the team only clears the
    person."""
    if assignee is None and team is None:
        raise ValidationError(_("Choose a person or a team to assign the ticket to."))
    if assignee is not None and not assignee.is_active:
        raise ValidationError({"assignee": _("%(user)s is not active.") % {"user": assignee}})
    if team is not None and not team.is_active:
        raise ValidationError({"team": _("Team %(team)s is not active.") % {"team": team}})
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "assign")
        if team is not None:
            locked.team = team
        locked.assignee = assignee
        _finish(
            locked,
            "assign",
            EventKind.ASSIGNED,
            actor,
            before,
            public=False,
            data={
                "assignee": getattr(assignee, "pk", None),
                "assignee_name": str(assignee) if assignee else "",
                "team": getattr(locked.team, "pk", None),
                "team_name": str(locked.team) if locked.team_id else "",
            },
        )
        _tell(
            "tickets.assigned",
            _handlers(locked),
            locked,
            _("assigned to you: %(title)s") % {"title": locked.title},
            locked.description,
            actor,
        )
    _sync(ticket, locked)
    return ticket


def do_reply(ticket: Ticket, *, actor, body, public=True) -> TicketEvent:
    """A public reply (the reporter sees it; counts as first response) or an internal note."""
    body = _required(body, "body")
    action = "reply" if public else "note"
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, action)
        is_reporter = actor is not None and locked.reporter_id == actor.pk
        if public and not is_reporter and locked.first_response_at is None:
            locked.first_response_at = timezone.now()
        kind = EventKind.REPLY if public else EventKind.NOTE
        event = _finish(locked, action, kind, actor, before, body, public=public)
        if public:
            recipients = _handlers(locked) if is_reporter else [locked.reporter]
            _tell(
                "tickets.reply",
                recipients,
                locked,
                _("new reply: %(title)s") % {"title": locked.title},
                body,
                actor,
            )
    _sync(ticket, locked)
    return event


def do_request_info(ticket: Ticket, *, actor, question) -> Ticket:
    """Ask the reporter for more; the ticket waits and its time limits pause."""
    question = _required(question, "question")
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "request_info")
        locked.first_response_at = locked.first_response_at or timezone.now()
        _finish(locked, "request_info", EventKind.INFO_REQUESTED, actor, before, question)
        _tell(
            "tickets.info_requested",
            [locked.reporter],
            locked,
            _("more information needed: %(title)s") % {"title": locked.title},
            question,
            actor,
        )
    _sync(ticket, locked)
    return ticket


def do_provide_info(ticket: Ticket, *, actor, body) -> Ticket:
    """The reporter's answer: back in progress, the time limits run again."""
    body = _required(body, "body")
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "provide_info")
        _finish(locked, "provide_info", EventKind.INFO_PROVIDED, actor, before, body)
        _tell(
            "tickets.reply",
            _handlers(locked),
            locked,
            _("information provided: %(title)s") % {"title": locked.title},
            body,
            actor,
        )
    _sync(ticket, locked)
    return ticket


def _checklist_labels(codes) -> str:
    labels = dict(ESCALATION_CHECKLIST)
    return "; ".join(str(labels[code]) for code in codes)


def do_escalate(ticket: Ticket, *, actor, checklist: dict, note, team=None) -> Ticket:
    """Tier 1 passes the ticket to tier 2 once every checklist item is ticked."""
    checklist = checklist or {}
    missing = [code for code in ESCALATION_CHECKLIST_CODES if not checklist.get(code)]
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "escalate")
        if missing:
            raise ValidationError(
                _("Escalation needs every checklist item. Missing: %(items)s.")
                % {"items": _checklist_labels(missing)},
                code="checklist_incomplete",
            )
        if team is None:
            team = Team.objects.filter(tier=Tier.TIER2, is_active=True).order_by("name").first()
        data = {
            "checklist": {code: True for code in ESCALATION_CHECKLIST_CODES},
            "from_team": locked.team_id,
            "from_assignee": locked.assignee_id,
            "team": getattr(team, "pk", None),
            "team_name": str(team) if team else "",
        }
        locked.tier = Tier.TIER2
        locked.team = team
        locked.assignee = None
        locked.escalated_at = timezone.now()
        _finish(locked, "escalate", EventKind.ESCALATED, actor, before, note, data=data)
        if team is not None:
            recipients = [*team.members.filter(is_active=True), team.leader]
            _tell(
                "tickets.escalated",
                recipients,
                locked,
                _("escalated to %(team)s: %(title)s") % {"team": team, "title": locked.title},
                note or "",
                actor,
            )
    _sync(ticket, locked)
    return ticket


def do_return_incomplete(ticket: Ticket, *, actor, missing, note) -> Ticket:
    """Tier 2 sends an escalated ticket back to tier 1, naming what is missing."""
    missing = list(missing or [])
    unknown = [code for code in missing if code not in ESCALATION_CHECKLIST_CODES]
    if unknown:
        raise ValidationError(
            {"missing": _("Unknown checklist items: %(items)s.") % {"items": ", ".join(unknown)}}
        )
    if not missing:
        raise ValidationError({"missing": _("Name at least one missing item.")})
    from yunwei.core.models import User

    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "return_incomplete")
        escalation = (
            locked.events.filter(kind=EventKind.ESCALATED).order_by("-created_at", "-id").first()
        )
        previous = escalation.data if escalation else {}
        locked.tier = Tier.TIER1
        locked.team = Team.objects.filter(pk=previous.get("from_team")).first()
        locked.assignee = User.objects.filter(pk=previous.get("from_assignee")).first()
        locked.escalated_at = None
        body = _("Missing: %(items)s.") % {"items": _checklist_labels(missing)}
        if note:
            body = f"{body}\n{note}"
        _finish(
            locked,
            "return_incomplete",
            EventKind.RETURNED,
            actor,
            before,
            body,
            public=False,
            data={"missing": missing},
        )
        recipients = [*_handlers(locked), escalation.actor if escalation else None]
        _tell(
            "tickets.returned",
            recipients,
            locked,
            _("sent back as incomplete: %(title)s") % {"title": locked.title},
            body,
            actor,
        )
    _sync(ticket, locked)
    return ticket


def do_forward(ticket: Ticket, *, actor, to, target, promised_date, note) -> Ticket:
    """Pass the ticket to developers, a vendor or the State Taxation Administration, with the
    date they promised."""
    if to not in FORWARD_TIERS:
        raise ValidationError(
            {"to": _("A ticket can be forwarded to developers, a vendor or the STA only.")}
        )
    target = _required(target, "target")
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "forward")
        locked.forwarded_to = to
        locked.tier = to
        locked.forward_target = target
        locked.forwarded_at = timezone.now()
        locked.promised_date = promised_date
        body = _("Forwarded to %(target)s (%(tier)s).") % {
            "target": target,
            "tier": locked.get_forwarded_to_display(),
        }
        if promised_date:
            body += " " + _("Promised date: %(date)s.") % {"date": promised_date}
        if note:
            body = f"{body}\n{note}"
        _finish(
            locked,
            "forward",
            EventKind.FORWARDED,
            actor,
            before,
            body,
            data={"to": to, "target": target, "promised_date": promised_date},
        )
        _tell("tickets.reply", [locked.reporter], locked, _("forwarded"), body, actor)
    _sync(ticket, locked)
    return ticket


def do_set_promised_date(ticket: Ticket, *, actor, promised_date, note) -> Ticket:
    if promised_date is None:
        raise ValidationError({"promised_date": _("This field is required.")})
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "set_promised_date")
        old = locked.promised_date
        locked.promised_date = promised_date
        body = _("Promised date changed from %(old)s to %(new)s.") % {
            "old": old or "-",
            "new": promised_date,
        }
        if note:
            body = f"{body}\n{note}"
        _finish(
            locked,
            "set_promised_date",
            EventKind.PROMISED_DATE_CHANGED,
            actor,
            before,
            body,
            data={"old": old, "new": promised_date},
        )
        _tell("tickets.reply", [locked.reporter], locked, _("new promised date"), body, actor)
    _sync(ticket, locked)
    return ticket


# --- Duplicates -------------------------------------------------------------------------------


def do_mark_duplicate(ticket: Ticket, *, actor, master: Ticket) -> Ticket:
    """Link ``ticket`` to ``master`` as a duplicate: it gets a duplicate number, takes the
    master's status and solution and follows it from now on."""
    if master is None:
        raise ValidationError({"master": _("This field is required.")})
    if master.pk == ticket.pk:
        raise ValidationError(_("A ticket cannot be a duplicate of itself."))
    with transaction.atomic():
        # Lock both in id order so that two people linking the same pair cannot deadlock.
        locked_pair = {
            t.pk: t
            for t in Ticket.objects.select_for_update()
            .filter(pk__in=[ticket.pk, master.pk])
            .order_by("pk")
        }
        locked, locked_master = locked_pair[ticket.pk], locked_pair[master.pk]
        before = _state(locked)
        workflow.check(locked, "mark_duplicate")
        if locked_master.master_id == locked.pk:
            raise ValidationError(
                _("%(master)s is already a duplicate of %(number)s; links cannot go in a circle.")
                % {"master": locked_master.number, "number": locked.number}
            )
        if locked_master.master_id:
            raise ValidationError(
                _("%(master)s is itself a duplicate of %(root)s; link to %(root)s instead.")
                % {"master": locked_master.number, "root": locked_master.master.number}
            )
        own = Ticket.objects.filter(master=locked).count()
        if own:
            raise ValidationError(
                _(
                    "%(number)s has %(count)s duplicates of its own; remove those links first "
                    "or mark them against %(master)s."
                )
                % {"number": locked.number, "count": own, "master": locked_master.number}
            )
        if locked_master.status == TicketStatus.CLOSED:
            raise ValidationError(
                _("%(master)s is closed; a ticket cannot be linked to a closed master.")
                % {"master": locked_master.number}
            )
        sequence = (
            TicketEvent.objects.filter(
                ticket=locked_master, kind=EventKind.DUPLICATE_LINKED
            ).count()
            + 1
        )
        locked.master = locked_master
        locked.duplicate_number = f"{locked_master.number}-R{sequence}"
        for name in FOLLOWED_FIELDS:
            setattr(locked, name, getattr(locked_master, name))
        body = _("Duplicate of %(master)s (duplicate number %(dup)s).") % {
            "master": locked_master.number,
            "dup": locked.duplicate_number,
        }
        data = {"master": locked_master.number, "duplicate_number": locked.duplicate_number}
        # the duplicate's own change: no following (it has no duplicates)
        locked.save()
        _event(locked, EventKind.DUPLICATE_LINKED, actor, body, data=data)
        audit.record(
            "tickets.ticket.mark_duplicate",
            actor=actor,
            obj=locked,
            before=before,
            after=_state(locked),
        )
        _sla(locked, EventKind.DUPLICATE_LINKED)
        _event(
            locked_master,
            EventKind.DUPLICATE_LINKED,
            actor,
            _("%(number)s linked as duplicate %(dup)s.")
            % {"number": locked.number, "dup": locked.duplicate_number},
            public=False,
            data={"duplicate": locked.number, "duplicate_number": locked.duplicate_number},
        )
        _tell(
            "tickets.duplicate_linked",
            [locked.reporter],
            locked,
            _("is a duplicate of %(master)s") % {"master": locked_master.number},
            _("Your ticket will be handled together with %(master)s: %(title)s")
            % {"master": locked_master.number, "title": locked_master.title},
            actor,
        )
    _sync(ticket, locked)
    return ticket


def do_unmark_duplicate(ticket: Ticket, *, actor) -> Ticket:
    """Remove the duplicate link: the ticket keeps its current state and no longer follows."""
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        workflow.check(locked, "unmark_duplicate")
        master = locked.master
        body = _("No longer a duplicate of %(master)s.") % {"master": master.number}
        data = {"master": master.number, "duplicate_number": locked.duplicate_number}
        locked.master = None
        locked.duplicate_number = ""
        locked.save()
        _event(locked, EventKind.DUPLICATE_UNLINKED, actor, body, data=data)
        _event(
            master,
            EventKind.DUPLICATE_UNLINKED,
            actor,
            _("%(number)s is no longer a duplicate.") % {"number": locked.number},
            public=False,
            data={"duplicate": locked.number},
        )
        audit.record(
            "tickets.ticket.unmark_duplicate",
            actor=actor,
            obj=locked,
            before=before,
            after=_state(locked),
        )
        _sla(locked, EventKind.DUPLICATE_UNLINKED)
    _sync(ticket, locked)
    return ticket


# --- Resolving and closing --------------------------------------------------------------------


def do_resolve(
    ticket: Ticket,
    *,
    actor,
    solution,
    cause_category,
    fixed_in_version="",
    fix_release_date=None,
) -> Ticket:
    solution = _required(solution, "solution")
    if cause_category not in CauseCategory.values:
        raise ValidationError({"cause_category": _("Choose the cause of the problem.")})
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "resolve")
        now = timezone.now()
        locked.solution = solution
        locked.cause_category = cause_category
        locked.fixed_in_version = fixed_in_version or ""
        locked.fix_release_date = fix_release_date
        locked.resolved_at = now
        locked.first_response_at = locked.first_response_at or now
        _finish(locked, "resolve", EventKind.RESOLVED, actor, before, solution)
        _tell(
            "tickets.resolved",
            [locked.reporter],
            locked,
            _("resolved: %(title)s") % {"title": locked.title},
            solution,
            actor,
        )
    _sync(ticket, locked)
    return ticket


def do_confirm(ticket: Ticket, *, actor) -> Ticket:
    """The reporter (or staff on their behalf) accepts the solution: closed."""
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "confirm")
        locked.closed_at = timezone.now()
        _finish(locked, "confirm", EventKind.CONFIRMED, actor, before)
    _sync(ticket, locked)
    return ticket


def do_close(ticket: Ticket, *, actor, reason="") -> Ticket:
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "close")
        locked.closed_at = timezone.now()
        _finish(locked, "close", EventKind.CLOSED, actor, before, reason or "")
        _tell(
            "tickets.resolved",
            [locked.reporter],
            locked,
            _("closed: %(title)s") % {"title": locked.title},
            reason or "",
            actor,
        )
    _sync(ticket, locked)
    return ticket


def auto_close_workdays() -> int:
    return int(getattr(settings, "TICKET_AUTO_CLOSE_WORKDAYS", 3))


def do_auto_close_resolved(*, now=None) -> int:
    """Close tickets resolved at least N workdays ago (end of office hours of the N-th workday
    after the day they were resolved; settings.TICKET_AUTO_CLOSE_WORKDAYS, default 3) that the
    reporter neither confirmed nor reopened. Duplicates close with their master. Returns how
    many tickets were closed (duplicates not counted)."""
    now = now or timezone.now()
    workdays = auto_close_workdays()
    candidates = Ticket.objects.filter(
        status=TicketStatus.RESOLVED, master__isnull=True, resolved_at__isnull=False
    )
    if workdays > 0:
        # The N-th workday after the day of resolving is at least N calendar days later.
        candidates = candidates.filter(resolved_at__lt=now - timedelta(days=workdays - 1))
    closed = 0
    for ticket_id, resolved_at, organisation_id in candidates.values_list(
        "pk", "resolved_at", "organisation_id"
    ).iterator():
        if workcalendar.deadline(resolved_at, workdays, org=organisation_id) > now:
            continue
        with transaction.atomic():
            locked = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
            if locked is None or workflow.refusal(locked, "auto_close"):
                continue
            before = _state(locked)
            locked.status = workflow.target_status(locked, "auto_close")
            locked.closed_at = now
            body = _("Closed automatically: no objection %(n)s workdays after it was resolved.") % {
                "n": workdays
            }
            _finish(locked, "auto_close", EventKind.AUTO_CLOSED, None, before, body)
            _tell(
                "tickets.resolved",
                [locked.reporter],
                locked,
                _("closed automatically: %(title)s") % {"title": locked.title},
                body,
            )
        closed += 1
    return closed


def do_reopen(ticket: Ticket, *, actor, reason) -> Ticket:
    reason = _required(reason, "reason")
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "reopen")
        locked.reopened_count += 1
        locked.resolved_at = None
        locked.closed_at = None
        _finish(locked, "reopen", EventKind.REOPENED, actor, before, reason)
        _tell(
            "tickets.reply",
            [*_handlers(locked), locked.reporter],
            locked,
            _("reopened: %(title)s") % {"title": locked.title},
            reason,
            actor,
        )
    _sync(ticket, locked)
    return ticket


# --- After closing: satisfaction and complaints ------------------------------------------------


def do_record_satisfaction(ticket: Ticket, *, actor, score, comment="") -> Ticket:
    """The reporter's score (1–5) on a closed ticket, given directly or at the call-back."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("The score must be a whole number from 1 to 5.")})
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "satisfaction")
        locked.satisfaction = score
        locked.satisfaction_comment = comment or ""
        locked.callback_at = timezone.now()
        _finish(
            locked,
            "satisfaction",
            EventKind.SATISFACTION,
            actor,
            before,
            comment or "",
            data={"score": score},
        )
    _sync(ticket, locked)
    return ticket


def do_flag_complaint(ticket: Ticket, *, actor, note) -> Ticket:
    """Record a complaint about the handling; it must be answered within 24 hours."""
    from yunwei.core.choices import RoleCode
    from yunwei.core.models import User

    note = _required(note, "note")
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "complaint")
        now = timezone.now()
        locked.is_complaint = True
        locked.complaint_at = now
        locked.complaint_due_at = now + timedelta(hours=COMPLAINT_ANSWER_HOURS)
        locked.complaint_answered_at = None
        _finish(
            locked,
            "complaint",
            EventKind.COMPLAINT,
            actor,
            before,
            note,
            data={"due": locked.complaint_due_at},
        )
        owners = User.objects.filter(is_active=True, roles__code=RoleCode.OM_OWNER).distinct()
        leader = locked.team.leader if locked.team_id else None
        _tell(
            "tickets.complaint",
            [locked.assignee, leader, *owners],
            locked,
            _("complaint: %(title)s") % {"title": locked.title},
            note,
            actor,
        )
    _sync(ticket, locked)
    return ticket


def do_answer_complaint(ticket: Ticket, *, actor, answer) -> Ticket:
    answer = _required(answer, "answer")
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        locked.status = workflow.check(locked, "answer_complaint")
        locked.complaint_answered_at = timezone.now()
        _finish(locked, "answer_complaint", EventKind.COMPLAINT_ANSWERED, actor, before, answer)
        _tell(
            "tickets.reply",
            [locked.reporter],
            locked,
            _("answer to your complaint"),
            answer,
            actor,
        )
    _sync(ticket, locked)
    return ticket


# --- Editing ----------------------------------------------------------------------------------


def do_update_ticket(ticket: Ticket, *, actor, **fields) -> Ticket:
    """Change the details: title, description, kind, channel, priority, system, module,
    reporter details, tags and related CIs (hosts, databases, middleware)."""
    unknown = sorted(set(fields) - UPDATABLE_FIELDS - UPDATABLE_M2M)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    with transaction.atomic():
        locked = _lock(ticket)
        before = _state(locked)
        workflow.check(locked, "update")
        changed = []
        for name in sorted(UPDATABLE_FIELDS & set(fields)):
            value = fields[name]
            attname = Ticket._meta.get_field(name).attname
            old = getattr(locked, attname)
            setattr(locked, name, value)
            if getattr(locked, attname) != old:
                changed.append(name)
        locked.full_clean(validate_unique=False, validate_constraints=False)
        for name in sorted(UPDATABLE_M2M & set(fields)):
            manager = getattr(locked, name)
            old_ids = set(manager.values_list("pk", flat=True))
            new = list(fields[name] or [])
            if {item.pk for item in new} != old_ids:
                manager.set(new)
                changed.append(name)
        if not changed:
            return ticket
        labels = ", ".join(str(Ticket._meta.get_field(name).verbose_name) for name in changed)
        if "priority" in changed:
            kind = EventKind.PRIORITY_CHANGED
            body = _("Priority %(old)s → %(new)s.") % {
                "old": Priority(before["priority"]).label,
                "new": locked.get_priority_display(),
            }
        else:
            kind = EventKind.UPDATED
            body = _("Changed: %(fields)s.") % {"fields": labels}
        _finish(locked, "update", kind, actor, before, body, public=False, data={"fields": changed})
    _sync(ticket, locked)
    return ticket
