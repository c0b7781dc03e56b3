"""Background tasks of the tickets app (run by the Django-Q2 cluster)."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from yunwei.core.tasks import register_task

AUTO_CLOSE_SCHEDULE = "tickets.auto_close_resolved"


def auto_close_resolved() -> str:
    """Close resolved tickets nobody objected to within the configured workdays."""
    from yunwei.tickets.actions import do_auto_close_resolved

    return f"closed {do_auto_close_resolved()} tickets"


register_task(
    "yunwei.tickets.tasks.auto_close_resolved",
    gettext_lazy("Close resolved tickets automatically"),
)


def ensure_default_schedules() -> list[str]:
    """Create the tickets schedules that do not exist yet (by name); existing ones, maybe
    edited by an administrator, are left alone. Returns the names created."""
    from django_q.models import Schedule

    from yunwei.core import audit

    created = []
    with transaction.atomic():
        if not Schedule.objects.filter(name=AUTO_CLOSE_SCHEDULE).exists():
            schedule = Schedule.objects.create(
                name=AUTO_CLOSE_SCHEDULE,
                func="yunwei.tickets.tasks.auto_close_resolved",
                schedule_type=Schedule.CRON,
                # After office hours: tickets whose last workday ended today close tonight.
                cron="0 19 * * *",
                repeats=-1,
            )
            audit.record("django_q.schedule.create", obj=schedule, object_repr=AUTO_CLOSE_SCHEDULE)
            created.append(AUTO_CLOSE_SCHEDULE)
    return created
