from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "yunwei.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        # Register the notification events, the SLA engine's calendar hook and its task.
        from yunwei.tickets import events, sla  # noqa: F401
