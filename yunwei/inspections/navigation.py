from django.utils.translation import gettext_lazy as _

from yunwei.core.navigation import MenuGroup, MenuItem

MENU = [
    MenuGroup(
        _("Inspections"),
        "clipboard-pulse",
        [
            MenuItem(_("Alerts"), "inspections:alert_list", "inspections.view_alert"),
            MenuItem(
                _("Inspection runs"),
                "inspections:inspectionrun_list",
                "inspections.view_inspectionrun",
            ),
            MenuItem(
                _("Inspection plans"),
                "inspections:inspectionplan_list",
                "inspections.view_inspectionplan",
            ),
            MenuItem(
                _("Checks"), "inspections:checkdefinition_list", "inspections.view_checkdefinition"
            ),
            MenuItem(_("Endpoints"), "inspections:endpoint_list", "inspections.view_endpoint"),
        ],
        order=150,
    )
]
