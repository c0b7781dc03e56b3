"""The CMDB's part of the home page: the systems a user looks after."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from yunwei.cmdb.models import System
from yunwei.core.home import HomeItem, HomeSection


def sections(user) -> list[HomeSection]:
    if not user.has_perm("cmdb.view_system") or not (
        user.vendor_id or user.has_perm("cmdb.change_system")
    ):
        return []
    systems = (
        System.objects.restrict(user)
        .annotate(host_count=Count("hosts", distinct=True))
        .order_by("code")[:12]
    )
    title = _("Systems my vendor serves") if user.vendor_id else _("Systems under care")
    return [
        HomeSection(
            title,
            _("No systems."),
            [
                HomeItem(
                    system.name,
                    system.get_absolute_url(),
                    _("%(n)s hosts") % {"n": system.host_count},
                    "info",
                )
                for system in systems
            ],
            more_url=reverse("cmdb:system_list"),
            order=30,
        )
    ]
