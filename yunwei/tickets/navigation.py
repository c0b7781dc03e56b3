from django.utils.translation import gettext_lazy as _

from yunwei.core.navigation import MenuGroup, MenuItem

HANDLE = "tickets.change_ticket"

MENU = [
    MenuGroup(
        _("Tickets"),
        "ticket-detailed",
        [
            MenuItem(_("My to-do"), "tickets:queue_mine", HANDLE),
            MenuItem(_("My team's tickets"), "tickets:queue_team", HANDLE),
            MenuItem(_("All tickets"), "tickets:ticket_list", "tickets.view_ticket"),
            MenuItem(_("Overdue tickets"), "tickets:queue_overdue", HANDLE),
            MenuItem(_("Problems I reported"), "tickets:queue_reported", "tickets.add_ticket"),
            MenuItem(_("Quick log"), "tickets:quick_log", HANDLE),
            MenuItem(_("Report a problem"), "tickets:submit", "tickets.add_ticket"),
            MenuItem(_("Dashboard"), "tickets:dashboard", "tickets.view_ticket"),
            MenuItem(_("FAQ manual"), "tickets:faq", HANDLE),
            MenuItem(_("Excel import"), "tickets:ticket_import", HANDLE),
            MenuItem(_("SLA policies"), "tickets:slapolicy_list", "tickets.view_slapolicy"),
        ],
        order=100,
    )
]
