from django.utils.translation import gettext_lazy as _

from yunwei.core.navigation import MenuGroup, MenuItem

MENU = [
    MenuGroup(
        _("CMDB"),
        "diagram-3",
        [
            MenuItem(_("Systems"), "cmdb:system_list", "cmdb.view_system"),
            MenuItem(_("Hosts"), "cmdb:host_list", "cmdb.view_host"),
            MenuItem(_("Databases"), "cmdb:databaseinstance_list", "cmdb.view_databaseinstance"),
            MenuItem(_("Middleware"), "cmdb:middleware_list", "cmdb.view_middleware"),
            MenuItem(_("Interfaces"), "cmdb:interface_list", "cmdb.view_interface"),
            MenuItem(_("Contacts"), "cmdb:contact_list", "cmdb.view_contact"),
        ],
        order=200,
    )
]
