"""Scheduled tasks (Django-Q2 ``Schedule`` rows), recent task results and queue health.

Only users holding Django-Q2's model permissions (the admin role has ``django_q.*``) see these
pages; every change goes through an action in ``yunwei.core.actions.notify`` and is audited.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule, Task

from yunwei.core.actions import schedules as actions_schedules
from yunwei.core.forms.notify import SCHEDULE_TYPE_LABELS, ScheduleForm
from yunwei.core.tasks import autodiscover, task_label


def _require(request, *perms):
    if not all(request.user.has_perm(perm) for perm in perms):
        raise PermissionDenied


def _describe(schedule: Schedule) -> str:
    if schedule.schedule_type == Schedule.CRON:
        return schedule.cron or ""
    if schedule.schedule_type == Schedule.MINUTES:
        return _("every %(n)s minutes") % {"n": schedule.minutes or 1}
    return str(SCHEDULE_TYPE_LABELS.get(schedule.schedule_type, schedule.schedule_type))


class ScheduleListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "django_q.view_schedule")
        autodiscover()
        schedules = list(Schedule.objects.order_by("next_run", "name"))
        task_ids = [s.task for s in schedules if s.task]
        tasks = {
            t.id: t for t in Task.objects.filter(id__in=task_ids).only("id", "success", "stopped")
        }
        rows = []
        for schedule in schedules:
            last = tasks.get(schedule.task) if schedule.task else None
            rows.append(
                {
                    "object": schedule,
                    "label": task_label(schedule.func),
                    "type": SCHEDULE_TYPE_LABELS.get(
                        schedule.schedule_type, schedule.schedule_type
                    ),
                    "when": _describe(schedule),
                    "enabled": schedule.repeats != 0,
                    "last": last,
                    "queued": bool(schedule.task) and last is None,
                }
            )
        user = request.user
        return render(
            request,
            "core/schedule_list.html",
            {
                "rows": rows,
                "can_add": user.has_perm("django_q.add_schedule"),
                "can_change": user.has_perm("django_q.change_schedule"),
                "can_delete": user.has_perm("django_q.delete_schedule"),
                "can_view_tasks": user.has_perm("django_q.view_task"),
            },
        )


class ScheduleEditView(LoginRequiredMixin, View):
    template_name = "core/schedule_edit.html"

    def get_object(self, request, pk):
        if pk is None:
            _require(request, "django_q.add_schedule")
            return Schedule(schedule_type=Schedule.DAILY)
        _require(request, "django_q.change_schedule")
        return get_object_or_404(Schedule, pk=pk)

    def get(self, request, pk=None):
        schedule = self.get_object(request, pk)
        form = ScheduleForm(instance=schedule, user=request.user)
        return render(request, self.template_name, {"form": form, "object": schedule})

    def post(self, request, pk=None):
        schedule = self.get_object(request, pk)
        form = ScheduleForm(request.POST, instance=schedule, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return render(request, self.template_name, {"form": form, "object": schedule})
        schedule = form.save(commit=False)
        actions_schedules.do_save_schedule(schedule, actor=request.user)
        messages.success(request, _("Saved the schedule “%(name)s”.") % {"name": schedule.name})
        return redirect("core:schedule_list")


class ScheduleDeleteView(LoginRequiredMixin, View):
    def get(self, request, pk):
        _require(request, "django_q.delete_schedule")
        schedule = get_object_or_404(Schedule, pk=pk)
        return render(request, "core/schedule_delete.html", {"object": schedule})

    def post(self, request, pk):
        _require(request, "django_q.delete_schedule")
        schedule = get_object_or_404(Schedule, pk=pk)
        name = schedule.name or schedule.func
        actions_schedules.do_delete_schedule(schedule, actor=request.user)
        messages.success(request, _("Deleted the schedule “%(name)s”.") % {"name": name})
        return redirect("core:schedule_list")


class ScheduleToggleView(LoginRequiredMixin, View):
    def post(self, request, pk):
        _require(request, "django_q.change_schedule")
        schedule = get_object_or_404(Schedule, pk=pk)
        enable = request.POST.get("enabled") == "1"
        actions_schedules.do_set_schedule_enabled(schedule, enable, actor=request.user)
        if enable:
            messages.success(request, _("Enabled “%(name)s”.") % {"name": schedule.name})
        else:
            messages.success(request, _("Disabled “%(name)s”.") % {"name": schedule.name})
        return redirect("core:schedule_list")


class ScheduleRunView(LoginRequiredMixin, View):
    def post(self, request, pk):
        _require(request, "django_q.change_schedule")
        schedule = get_object_or_404(Schedule, pk=pk)
        try:
            actions_schedules.do_run_schedule_now(schedule, actor=request.user)
        except (ValueError, SyntaxError) as exc:
            messages.error(
                request, _("The schedule's arguments cannot be read: %(error)s") % {"error": exc}
            )
            return redirect("core:schedule_list")
        messages.success(
            request,
            _("“%(name)s” was queued; a worker will run it shortly.") % {"name": schedule.name},
        )
        return redirect("core:schedule_list")


def queue_health() -> dict:
    """What can be known about the queue without a running cluster answering."""
    from django_q.brokers import get_broker
    from django_q.status import Stat

    health = {"broker": "", "queued": None, "locked": None, "clusters": [], "error": ""}
    try:
        broker = get_broker()
        health["broker"] = broker.info()
        health["queued"] = broker.queue_size()
        health["locked"] = broker.lock_size() if Conf.ORM else None
        for stat in Stat.get_all(broker=broker):
            health["clusters"].append(
                {
                    "id": getattr(stat, "cluster_id", ""),
                    "host": getattr(stat, "host", ""),
                    "status": getattr(stat, "status", ""),
                    "workers": len(getattr(stat, "workers", []) or []),
                    "uptime": int(stat.uptime()) if hasattr(stat, "uptime") else None,
                    "tob": getattr(stat, "tob", None),
                }
            )
    except Exception as exc:  # a broker that cannot be reached is exactly what to report
        health["error"] = f"{type(exc).__name__}: {exc}"
    return health


class TaskListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "django_q.view_task")
        outcome = request.GET.get("outcome", "")
        queryset = Task.objects.order_by("-stopped").defer("args", "kwargs")
        if outcome == "success":
            queryset = queryset.filter(success=True)
        elif outcome == "failure":
            queryset = queryset.filter(success=False)
        page = Paginator(queryset, 50).get_page(request.GET.get("page"))
        rows = []
        for task in page.object_list:
            result = task.result
            text = "" if result is None else str(result)
            rows.append(
                {
                    "object": task,
                    "label": task_label(task.func),
                    "seconds": (task.stopped - task.started).total_seconds()
                    if task.stopped and task.started
                    else None,
                    "result": text[:300],
                }
            )
        health = queue_health()
        last_check = (
            Task.objects.filter(func="yunwei.core.tasks.health_check", success=True)
            .order_by("-stopped")
            .values_list("stopped", flat=True)
            .first()
        )
        return render(
            request,
            "core/schedule_tasks.html",
            {
                "page": page,
                "rows": rows,
                "outcome": outcome,
                "health": health,
                "orm_waiting": OrmQ.objects.count() if Conf.ORM else None,
                "last_check": last_check,
                "now": timezone.now(),
                "can_check": request.user.has_perm("django_q.add_schedule"),
            },
        )


class QueueCheckView(LoginRequiredMixin, View):
    """Queue the health-check task: if a worker is alive it appears in the results at once."""

    def post(self, request):
        _require(request, "django_q.add_schedule")
        actions_schedules.do_queue_health_check(actor=request.user)
        messages.success(
            request,
            _(
                "A check task was queued. If no result appears within a minute, "
                "no worker is running."
            ),
        )
        return redirect("core:task_list")


urlpatterns = [
    path("schedules/", ScheduleListView.as_view(), name="schedule_list"),
    path("schedules/add/", ScheduleEditView.as_view(), name="schedule_add"),
    path("schedules/<int:pk>/edit/", ScheduleEditView.as_view(), name="schedule_edit"),
    path("schedules/<int:pk>/delete/", ScheduleDeleteView.as_view(), name="schedule_delete"),
    path("schedules/<int:pk>/toggle/", ScheduleToggleView.as_view(), name="schedule_toggle"),
    path("schedules/<int:pk>/run/", ScheduleRunView.as_view(), name="schedule_run"),
    path("tasks/", TaskListView.as_view(), name="task_list"),
    path("tasks/check/", QueueCheckView.as_view(), name="queue_check"),
]
