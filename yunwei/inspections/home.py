"""The inspections' part of the home page: no unacknowledged alert stays out of sight."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yunwei.core.home import HomeItem, HomeSection
from yunwei.inspections.choices import AlertSeverity, AlertStatus

LIMIT = 10


def sections(user) -> list[HomeSection]:
    from yunwei.inspections.models import Alert

    if not user.has_perm("inspections.view_alert"):
        return []
    alerts = (
        Alert.objects.restrict(user, "view")
        .filter(status=AlertStatus.OPEN, acknowledged_at__isnull=True)
        .select_related("check_definition")
        .order_by("severity", "-opened_at")  # "critical" sorts before "warning"
    )
    items = [
        HomeItem(
            f"{alert.target_label} · {alert.check_definition.name}",
            alert.get_absolute_url(),
            f"{alert.get_severity_display()} {timezone.localtime(alert.opened_at):%m-%d %H:%M}",
            AlertSeverity.color(alert.severity),
        )
        for alert in alerts[:LIMIT]
    ]
    return [
        HomeSection(
            _("Unacknowledged inspection alerts"),
            _("Every open alert has been acknowledged."),
            items,
            more_url=reverse("inspections:alert_list") + "?acknowledged=no",
            order=30,
        )
    ]
