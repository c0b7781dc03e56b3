"""Background tasks of the core app (run by Django-Q2's cluster: ``manage.py qcluster``).

Task functions take and return plain values. Apps declare the functions administrators may
schedule from the UI with ``register_task(path, label)``; the schedule form offers only those.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)


# --- Registry of schedulable functions --------------------------------------------------------


@dataclass(frozen=True)
class TaskFunction:
    path: str
    label: object


TASK_FUNCTIONS: dict[str, TaskFunction] = {}


def register_task(path: str, label) -> TaskFunction:
    """Allow ``path`` (dotted path of a task function) to be chosen in the schedule form."""
    entry = TaskFunction(path, label)
    TASK_FUNCTIONS[path] = entry
    return entry


def autodiscover() -> None:
    """Import every Yunwei app's ``tasks`` and ``events`` modules, so that their
    ``register_task`` and ``register_event`` calls have run (cheap after the first call)."""
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("yunwei."):
            continue
        for module in ("tasks", "events"):
            try:
                import_module(f"{config.name}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.{module}":
                    raise


def task_label(path: str) -> str:
    entry = TASK_FUNCTIONS.get(path)
    return str(entry.label) if entry else path


# --- Notification delivery --------------------------------------------------------------------


def deliver(delivery_id: int) -> str:
    """Send one notification delivery (a try; failures are rescheduled with backoff)."""
    from yunwei.core.actions.notify import do_attempt_delivery

    return do_attempt_delivery(int(delivery_id))


def retry_pending_deliveries() -> str:
    """Send deliveries that are due but whose queued task was lost; free stuck ones."""
    from yunwei.core.actions.notify import do_sweep_deliveries

    return do_sweep_deliveries()


def enqueue_delivery(delivery_id: int, broker=None) -> str:
    from django_q.tasks import async_task

    options = {"group": "notify", "task_name": f"deliver-{delivery_id}-{timezone.now():%H%M%S%f}"}
    if broker is not None:
        options["broker"] = broker
    return async_task("yunwei.core.tasks.deliver", int(delivery_id), q_options=options)


# --- Checks -----------------------------------------------------------------------------------


def health_check() -> dict:
    """A no-op that proves a worker is alive and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "at": timezone.now().isoformat()}


def check_calendar_years() -> str:
    """Warn administrators when next year's working calendar has not been entered yet."""
    from django.urls import reverse

    from yunwei.core import workcalendar
    from yunwei.core.choices import RoleCode
    from yunwei.core.models import User
    from yunwei.core.notify import notify

    warnings = [str(warning) for warning in workcalendar.missing_year_warnings()]
    if not warnings:
        return "calendar complete"
    admins = list(User.objects.filter(is_active=True, roles__code=RoleCode.ADMIN).distinct())
    notify(
        "core.calendar_year_missing",
        recipients=admins,
        title=_("The working calendar needs next year's data"),
        body="\n".join(warnings),
        url=reverse("core:calendar"),
    )
    return f"warned {len(admins)} administrators: {'; '.join(warnings)}"


register_task(
    "yunwei.core.tasks.check_calendar_years", gettext_lazy("Check next year's calendar data")
)
register_task(
    "yunwei.core.tasks.retry_pending_deliveries",
    gettext_lazy("Retry pending notification deliveries"),
)
register_task("yunwei.core.tasks.health_check", gettext_lazy("Queue health check"))
register_task("yunwei.core.tasks.deliver", gettext_lazy("Send one notification delivery"))


# --- Default schedules ------------------------------------------------------------------------

CALENDAR_SCHEDULE = "core.check_calendar_years"
DELIVERY_SCHEDULE = "core.retry_pending_deliveries"


def ensure_default_schedules() -> list[str]:
    """Create the core schedules that do not exist yet (by name); never changes existing ones,
    so an administrator's edits survive. Returns the names created."""
    from django_q.models import Schedule

    from yunwei.core import audit

    created = []
    with transaction.atomic():
        if not Schedule.objects.filter(name=CALENDAR_SCHEDULE).exists():
            schedule = Schedule.objects.create(
                name=CALENDAR_SCHEDULE,
                func="yunwei.core.tasks.check_calendar_years",
                schedule_type=Schedule.CRON,
                cron="0 8 * * *",
                repeats=-1,
            )
            audit.record("django_q.schedule.create", obj=schedule, object_repr=CALENDAR_SCHEDULE)
            created.append(CALENDAR_SCHEDULE)
        if not Schedule.objects.filter(name=DELIVERY_SCHEDULE).exists():
            schedule = Schedule.objects.create(
                name=DELIVERY_SCHEDULE,
                func="yunwei.core.tasks.retry_pending_deliveries",
                schedule_type=Schedule.MINUTES,
                minutes=5,
                repeats=-1,
                next_run=timezone.now() + timedelta(minutes=5),
            )
            audit.record("django_q.schedule.create", obj=schedule, object_repr=DELIVERY_SCHEDULE)
            created.append(DELIVERY_SCHEDULE)
    return created
