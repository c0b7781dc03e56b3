"""Notification events of the tickets app (imported by ``TicketsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from yunwei.core.notify import register_event

register_event("tickets.assigned", _("Ticket assigned to me or my team"))
register_event("tickets.reply", _("Reply on a ticket I follow"))
register_event("tickets.info_requested", _("More information asked on my ticket"))
register_event("tickets.escalated", _("Ticket escalated to my team"))
register_event("tickets.returned", _("Escalated ticket sent back as incomplete"))
register_event("tickets.resolved", _("My ticket resolved or closed"))
register_event("tickets.duplicate_linked", _("My ticket marked as a duplicate"))
register_event("tickets.complaint", _("Complaint about a ticket"))
register_event("tickets.sla_warning", _("Ticket time limit approaching"))
register_event("tickets.sla_breached", _("Ticket time limit exceeded"))
