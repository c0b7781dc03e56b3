"""The home page, "what needs me today": each app contributes sections.

An app lists its sections in ``<app>/home.py`` as ``def sections(user) -> list[HomeSection]``.
A section with no items says so in its ``empty`` text rather than disappearing, so a user sees
that nothing is waiting.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass
class HomeItem:
    text: str
    url: str = ""
    badge: str = ""
    color: str = "secondary"


@dataclass
class HomeSection:
    title: str
    empty: str
    items: list[HomeItem] = field(default_factory=list)
    more_url: str = ""
    order: int = 100


def collect_sections(user) -> list[HomeSection]:
    result = []
    for config in apps.get_app_configs():
        if not config.name.startswith("yunwei."):
            continue
        try:
            module = import_module(f"{config.name}.home")
        except ModuleNotFoundError:
            continue
        builder = getattr(module, "sections", None)
        if builder is not None:
            result.extend(builder(user))
    return sorted(result, key=lambda section: section.order)


def _local(moment, fmt="%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt)


def sections(user) -> list[HomeSection]:
    from django_q.models import Failure

    from yunwei.core.models import AuditEntry, Delivery, DeliveryStatus, Notification, User

    found = [
        HomeSection(
            _("Unread messages"),
            _("No unread messages."),
            [
                HomeItem(n.title, n.get_absolute_url(), _local(n.created_at))
                for n in Notification.objects.for_user(user).unread().order_by("-created_at")[:8]
            ],
            more_url=reverse("core:inbox"),
            order=10,
        )
    ]
    if user.is_system_admin:
        locked = User.objects.restrict(user).filter(locked_until__gt=timezone.now())
        found.append(
            HomeSection(
                _("Locked accounts"),
                _("No account is locked."),
                [
                    HomeItem(str(u), u.get_absolute_url(), _("locked"), "danger")
                    for u in locked[:10]
                ],
                order=80,
            )
        )
    if user.has_perm("core.view_delivery"):
        failed = Delivery.objects.restrict(user).filter(status=DeliveryStatus.FAILED)
        found.append(
            HomeSection(
                _("Failed notification deliveries"),
                _("Every notification was delivered."),
                [
                    HomeItem(
                        d.subject or str(d), d.get_absolute_url(), _local(d.created_at), "danger"
                    )
                    for d in failed.order_by("-created_at")[:8]
                ],
                more_url=reverse("core:delivery_list") + "?status=failed",
                order=85,
            )
        )
    if user.has_perm("django_q.view_schedule"):
        since = timezone.now() - timezone.timedelta(days=1)
        failures = Failure.objects.filter(stopped__gte=since).order_by("-stopped")[:8]
        found.append(
            HomeSection(
                _("Background tasks that failed in the last 24 hours"),
                _("No background task failed in the last 24 hours."),
                [
                    HomeItem(
                        f.name or f.func, reverse("core:task_list"), _local(f.stopped), "danger"
                    )
                    for f in failures
                ],
                more_url=reverse("core:task_list"),
                order=90,
            )
        )
    if user.has_perm("core.view_auditentry") and not user.is_system_admin:
        today = AuditEntry.objects.restrict(user).filter(created_at__date=timezone.localdate())
        found.append(
            HomeSection(
                _("Audit entries today"),
                _("No audit entries today."),
                [
                    HomeItem(
                        f"{e.actor_name} · {e.action} · {e.object_repr}",
                        badge=_local(e.created_at, "%H:%M"),
                    )
                    for e in today[:10]
                ],
                more_url=reverse("core:audit_list"),
                order=20,
            )
        )
    return found
