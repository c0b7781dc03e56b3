"""The navigation menu. Each app adds its groups in ``<app>/navigation.py`` as ``MENU``.

A group is ``MenuGroup(label, icon, items)``; an item is ``MenuItem(label, url_name,
permission)``; items the user lacks permission for are hidden, and so are empty groups.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None
    staff_only: bool = False

    @property
    def url(self):
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


@dataclass
class MenuGroup:
    label: str
    icon: str
    items: list[MenuItem] = field(default_factory=list)
    order: int = 100


CORE_MENU = [
    MenuGroup(
        _("Administration"),
        "gear",
        [
            MenuItem(_("Organisations"), "core:organisation_list", "core.view_organisation"),
            MenuItem(_("Users"), "core:user_list", "core.view_user"),
            MenuItem(_("Roles"), "core:role_list", "core.view_role"),
            MenuItem(_("Vendors"), "core:vendor_list", "core.view_vendor"),
            MenuItem(_("Working calendar"), "core:calendar", "core.view_calendarday"),
            MenuItem(_("Filing periods"), "core:filingperiod_list", "core.view_filingperiod"),
            MenuItem(_("Scheduled tasks"), "core:schedule_list", "django_q.view_schedule"),
            MenuItem(
                _("Notification channels"), "core:channel_list", "core.view_notificationchannel"
            ),
        ],
        order=900,
    ),
    MenuGroup(
        _("Audit"),
        "shield-check",
        [MenuItem(_("Audit log"), "core:audit_list", "core.view_auditentry")],
        order=950,
    ),
]


def menu_for(user) -> list[dict]:
    groups: list[MenuGroup] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("yunwei.") or config.name == "yunwei.core":
            continue
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError:
            continue
        groups.extend(getattr(module, "MENU", []))
    groups.extend(CORE_MENU)
    visible = []
    for group in sorted(groups, key=lambda g: g.order):
        items = [
            {"label": item.label, "url": item.url}
            for item in group.items
            if item.url and (item.permission is None or user.has_perm(item.permission))
        ]
        if items:
            visible.append({"label": group.label, "icon": group.icon, "items": items})
    return visible
