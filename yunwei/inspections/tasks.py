"""Background tasks of inspections: the scheduler tick that starts due plans."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from yunwei.core.tasks import register_task

TICK_SCHEDULE = "inspections.run_due_plans"


def run_due_plans() -> str:
    """Start the plans whose fixed time has come (see ``do_run_due_plans``)."""
    from yunwei.inspections.actions import do_run_due_plans

    runs = do_run_due_plans()
    return f"started {len(runs)} runs: " + "; ".join(run.title for run in runs)


register_task(
    "yunwei.inspections.tasks.run_due_plans", gettext_lazy("Start the inspection plans due now")
)


def ensure_default_schedules() -> list[str]:
    """Create the every-5-minutes tick if it does not exist; an administrator's edits stay.
    The plans' own times (08:30, 12:00, 17:30 …) are edited on each plan."""
    from django_q.models import Schedule

    from yunwei.core import audit

    with transaction.atomic():
        if Schedule.objects.filter(name=TICK_SCHEDULE).exists():
            return []
        schedule = Schedule.objects.create(
            name=TICK_SCHEDULE,
            func="yunwei.inspections.tasks.run_due_plans",
            schedule_type=Schedule.MINUTES,
            minutes=5,
            repeats=-1,
            next_run=timezone.now(),
        )
        audit.record("django_q.schedule.create", obj=schedule, object_repr=TICK_SCHEDULE)
    return [TICK_SCHEDULE]
