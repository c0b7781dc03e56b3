"""The ticket workflow in one table: which action is allowed in which status, and the status
it leads to. The actions (``yunwei.tickets.actions``) check it; the UI asks
``allowed_actions(ticket, user)`` which buttons to show.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunwei.tickets.choices import TicketStatus, Tier

NEW = TicketStatus.NEW
IN_PROGRESS = TicketStatus.IN_PROGRESS
WAITING = TicketStatus.WAITING
FORWARDED = TicketStatus.FORWARDED
RESOLVED = TicketStatus.RESOLVED
CLOSED = TicketStatus.CLOSED

SAME = "same"  # the action keeps the status
OPEN = (NEW, IN_PROGRESS, WAITING, FORWARDED)
ALL = (*OPEN, RESOLVED, CLOSED)

# action → {status it may start from: status it leads to}
TRANSITIONS: dict[str, dict[str, str]] = {
    "accept": {NEW: IN_PROGRESS},
    "assign": dict.fromkeys(OPEN, SAME),
    "reply": dict.fromkeys((*OPEN, RESOLVED), SAME),
    "note": dict.fromkeys(ALL, SAME),
    "request_info": {NEW: WAITING, IN_PROGRESS: WAITING, FORWARDED: WAITING},
    "provide_info": {WAITING: IN_PROGRESS},
    "escalate": {NEW: IN_PROGRESS, IN_PROGRESS: IN_PROGRESS},
    "return_incomplete": {NEW: IN_PROGRESS, IN_PROGRESS: IN_PROGRESS},
    "forward": {NEW: FORWARDED, IN_PROGRESS: FORWARDED},
    "set_promised_date": {FORWARDED: FORWARDED},
    "mark_duplicate": dict.fromkeys(OPEN, SAME),  # then the master's status
    "unmark_duplicate": dict.fromkeys((*OPEN, RESOLVED), SAME),
    "resolve": dict.fromkeys(OPEN, RESOLVED),
    "confirm": {RESOLVED: CLOSED},
    "close": dict.fromkeys((*OPEN, RESOLVED), CLOSED),
    "auto_close": {RESOLVED: CLOSED},
    "reopen": {RESOLVED: IN_PROGRESS, CLOSED: IN_PROGRESS},
    "satisfaction": {CLOSED: CLOSED},
    "complaint": dict.fromkeys(ALL, SAME),
    "answer_complaint": dict.fromkeys(ALL, SAME),
    "update": dict.fromkeys((*OPEN, RESOLVED), SAME),
}

# A duplicate follows its master: these actions are refused on it until it is unlinked.
FOLLOWS_MASTER = {
    "accept",
    "request_info",
    "provide_info",
    "escalate",
    "return_incomplete",
    "forward",
    "set_promised_date",
    "mark_duplicate",
    "resolve",
    "confirm",
    "close",
    "auto_close",
    "reopen",
}

# Actions a reporter may take on their own ticket without the right to change tickets.
REPORTER_ACTIONS = {
    "reply",
    "provide_info",
    "confirm",
    "reopen",
    "satisfaction",
    "complaint",
}

ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "assign": gettext_lazy("Assign"),
    "reply": gettext_lazy("Reply"),
    "note": gettext_lazy("Internal note"),
    "request_info": gettext_lazy("Request information"),
    "provide_info": gettext_lazy("Provide information"),
    "escalate": gettext_lazy("Escalate to tier 2"),
    "return_incomplete": gettext_lazy("Return as incomplete"),
    "forward": gettext_lazy("Forward"),
    "set_promised_date": gettext_lazy("Change promised date"),
    "mark_duplicate": gettext_lazy("Mark as duplicate"),
    "unmark_duplicate": gettext_lazy("Remove duplicate link"),
    "resolve": gettext_lazy("Resolve"),
    "confirm": gettext_lazy("Confirm solution"),
    "close": gettext_lazy("Close"),
    "reopen": gettext_lazy("Reopen"),
    "satisfaction": gettext_lazy("Record satisfaction"),
    "complaint": gettext_lazy("Complaint"),
    "answer_complaint": gettext_lazy("Answer complaint"),
    "update": gettext_lazy("Edit"),
}


def target_status(ticket, action: str) -> str:
    """The status ``action`` leads to from the ticket's status (no check)."""
    result = TRANSITIONS[action][ticket.status]
    return ticket.status if result == SAME else result


def refusal(ticket, action: str) -> str | None:
    """Why ``action`` is not possible on ``ticket`` now (a translated message), or None."""
    if action not in TRANSITIONS:
        raise KeyError(action)
    if ticket.status not in TRANSITIONS[action]:
        return _("%(action)s is not possible: ticket %(number)s is %(status)s.") % {
            "action": ACTION_LABELS[action],
            "number": ticket.number,
            "status": ticket.get_status_display(),
        }
    if ticket.master_id and action in FOLLOWS_MASTER:
        return _(
            "Ticket %(number)s is a duplicate of %(master)s and follows it; remove the "
            "duplicate link first."
        ) % {"number": ticket.number, "master": ticket.master.number}
    if action == "escalate" and ticket.tier != Tier.TIER1:
        return _("Only a tier-1 ticket can be escalated; ticket %(number)s is with %(tier)s.") % {
            "number": ticket.number,
            "tier": ticket.get_tier_display(),
        }
    if action == "return_incomplete" and ticket.tier != Tier.TIER2:
        return _(
            "Only a ticket with tier 2 can be sent back; ticket %(number)s is with %(tier)s."
        ) % {"number": ticket.number, "tier": ticket.get_tier_display()}
    if action == "unmark_duplicate" and not ticket.master_id:
        return _("Ticket %(number)s is not marked as a duplicate.") % {"number": ticket.number}
    if action == "answer_complaint" and not ticket.complaint_open:
        return _("Ticket %(number)s has no open complaint.") % {"number": ticket.number}
    if action == "complaint" and ticket.complaint_open:
        return _("Ticket %(number)s already has an open complaint.") % {"number": ticket.number}
    return None


def check(ticket, action: str) -> str:
    """Raise ``ValidationError`` if ``action`` is not allowed; else return the new status."""
    message = refusal(ticket, action)
    if message:
        raise ValidationError(message, code="invalid_transition")
    return target_status(ticket, action)


def allowed_actions(ticket, user) -> list[str]:
    """The actions ``user`` may take on ``ticket`` now, in table order (for the buttons)."""
    if user is None or not user.is_authenticated:
        return []
    may_change = user.has_perm("tickets.change_ticket")
    is_reporter = ticket.reporter_id is not None and ticket.reporter_id == user.pk
    result = []
    for action in TRANSITIONS:
        if action == "auto_close":
            continue
        if not may_change and not (is_reporter and action in REPORTER_ACTIONS):
            continue
        if refusal(ticket, action) is None:
            result.append(action)
    return result
