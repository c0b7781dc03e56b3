"""What the built-in roles may do with tickets (merged by ``yunwei.core.roles.sync_roles``)."""

_HANDLER = [
    "tickets.view_ticket",
    "tickets.add_ticket",
    "tickets.change_ticket",
    "tickets.view_ticketevent",
    "tickets.add_ticketevent",
    "tickets.change_ticketevent",
    "tickets.view_team",
    "tickets.view_tag",
    "tickets.view_slapolicy",
    "tickets.view_slatarget",
    "tickets.view_slaclock",
]
_REPORTER = [
    "tickets.view_ticket",
    "tickets.add_ticket",
    "tickets.view_ticketevent",  # the public part of the timeline (see TicketEventQuerySet)
]

ROLE_PERMISSIONS = {
    "admin": ["tickets.*"],
    "om_owner": ["tickets.*"],
    "tier1": _HANDLER,
    "tier2": _HANDLER,
    "developer": _HANDLER,
    "vendor_pm": _HANDLER,
    "grassroots_staff": _REPORTER,
    "business_staff": _REPORTER,
}
