"""State changes of background schedules (Django-Q2 ``Schedule`` rows), each audited."""

import ast
import logging

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from yunwei.core import audit

logger = logging.getLogger(__name__)


def _schedule_snapshot(schedule: Schedule) -> dict:
    return audit.snapshot(schedule, exclude=("task",))


def do_save_schedule(schedule: Schedule, *, actor) -> Schedule:
    with transaction.atomic():
        creating = schedule.pk is None
        before = None
        if not creating:
            old = Schedule.objects.get(pk=schedule.pk)
            before = _schedule_snapshot(old)
            if schedule.schedule_type == Schedule.CRON and (
                old.cron != schedule.cron or old.schedule_type != Schedule.CRON
            ):
                schedule.next_run = schedule.calculate_next_run()
        schedule.full_clean()
        schedule.save()
        audit.record(
            f"django_q.schedule.{'create' if creating else 'update'}",
            actor=actor,
            obj=schedule,
            object_repr=schedule.name or schedule.func,
            before=before,
            after=_schedule_snapshot(schedule),
        )
    return schedule


def do_delete_schedule(schedule: Schedule, *, actor) -> None:
    with transaction.atomic():
        audit.record(
            "django_q.schedule.delete",
            actor=actor,
            obj=schedule,
            object_repr=schedule.name or schedule.func,
            before=_schedule_snapshot(schedule),
        )
        schedule.delete()


def _next_future_run(schedule: Schedule):
    now = timezone.now()
    if schedule.schedule_type == Schedule.CRON:
        return schedule.calculate_next_run()
    if schedule.schedule_type == Schedule.ONCE or schedule.next_run is None:
        return max(schedule.next_run or now, now)
    next_run = schedule.next_run
    while next_run <= now:
        next_run = schedule.calculate_next_run(next_run)
    return next_run


def do_set_schedule_enabled(schedule: Schedule, enabled: bool, *, actor) -> Schedule:
    """Django-Q2 runs a schedule while ``repeats`` ≠ 0: disabling sets it to 0, enabling to −1
    (for ever) and moves a next run that lies in the past to the next due time."""
    with transaction.atomic():
        schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
        before = {"repeats": schedule.repeats, "next_run": schedule.next_run}
        if enabled:
            schedule.repeats = -1
            schedule.next_run = _next_future_run(schedule)
        else:
            schedule.repeats = 0
        schedule.save(update_fields=["repeats", "next_run"])
        audit.record(
            "django_q.schedule.enable" if enabled else "django_q.schedule.disable",
            actor=actor,
            obj=schedule,
            object_repr=schedule.name or schedule.func,
            before=before,
            after={"repeats": schedule.repeats, "next_run": schedule.next_run},
        )
    return schedule


def schedule_arguments(schedule: Schedule) -> tuple[tuple, dict]:
    """Parse a schedule's ``args`` and ``kwargs`` text the way Django-Q2's scheduler does."""
    args: tuple = ()
    kwargs: dict = {}
    if schedule.kwargs:
        try:
            kwargs = ast.literal_eval(schedule.kwargs)
        except (SyntaxError, ValueError):
            call = ast.parse(f"f({schedule.kwargs})").body[0].value
            kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
        if not isinstance(kwargs, dict):
            raise ValueError("keyword arguments must be a dict or name=value pairs")
    if schedule.args:
        args = ast.literal_eval(schedule.args)
        if not isinstance(args, tuple):
            args = (args,)
    return args, kwargs


def do_run_schedule_now(schedule: Schedule, *, actor, broker=None) -> str:
    """Queue the schedule's function once, now, without changing its next run."""
    from django_q.tasks import async_task

    args, kwargs = schedule_arguments(schedule)
    q_options = dict(kwargs.pop("q_options", {}) or {})
    q_options.setdefault("group", schedule.name or str(schedule.pk))
    if broker is not None:
        q_options["broker"] = broker
    with transaction.atomic():
        task_id = async_task(schedule.func, *args, q_options=q_options, **kwargs)
        Schedule.objects.filter(pk=schedule.pk).update(task=task_id)
        audit.record(
            "django_q.schedule.run_now",
            actor=actor,
            obj=schedule,
            object_repr=schedule.name or schedule.func,
            after={"task": task_id},
        )
    return task_id


def do_queue_health_check(*, actor, broker=None) -> str:
    """Queue the no-op health-check task; its result shows whether a worker is running."""
    from django_q.tasks import async_task

    q_options = {"group": "health"}
    if broker is not None:
        q_options["broker"] = broker
    with transaction.atomic():
        task_id = async_task("yunwei.core.tasks.health_check", q_options=q_options)
        audit.record(
            "django_q.task.health_check",
            actor=actor,
            object_type="django_q.task",
            object_id=task_id,
            object_repr="health_check",
        )
    return task_id
