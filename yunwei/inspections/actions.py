"""State changes of inspections. Views, the API, the CLI, tasks and tests all call these.

Each ``do_…`` writes in ``transaction.atomic`` with its audit entry. A run's checks are
collected outside any transaction (they talk to other systems); each finished result is then
written, with its alert update, in its own short transaction.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yunwei.core import audit, workcalendar
from yunwei.inspections import runner
from yunwei.inspections.checks import Target
from yunwei.inspections.choices import (
    BREACH_STATUSES,
    AlertSeverity,
    AlertStatus,
    ResultStatus,
    RunStatus,
    RunTrigger,
)
from yunwei.inspections.models import (
    Alert,
    AlertState,
    CheckResult,
    InspectionPlan,
    InspectionRun,
    PlanItem,
)

__all__ = [
    "do_acknowledge_alert",
    "do_confirm_manual_result",
    "do_open_ticket_for_alert",
    "do_run_due_plans",
    "do_run_items",
    "do_run_plan",
]

# A scheduled time is still due this long after it passed (the scheduler ticks every 5 min).
CATCH_UP = timedelta(minutes=30)


# --- Targets ----------------------------------------------------------------------------------


def resolve_target(item: PlanItem) -> Target:
    """Plain connection values of the item's target (the password decrypted here, in the
    calling thread; it never leaves the runner)."""
    kind = item.target_kind
    obj = item.target
    if kind == "host":
        return Target(kind, obj.hostname, obj.ip_address)
    if kind == "database":
        return Target(
            kind,
            obj.name,
            obj.connect_address,
            obj.port,
            obj.service_name,
            obj.username,
            obj.reveal_password(),
            engine=obj.engine,
        )
    if kind == "middleware":
        address = obj.host.ip_address if obj.host_id else ""
        return Target(kind, obj.name, address, obj.port, url=obj.admin_url)
    return Target(kind, obj.name, obj.address, obj.port, url=obj.url)


def _previous_values(item: PlanItem) -> dict | None:
    last = (
        CheckResult.objects.filter(
            check_definition_id=item.check_definition_id, target_key=item.target_key
        )
        .exclude(status__in=[ResultStatus.ERROR, ResultStatus.UNKNOWN])
        .order_by("-checked_at", "-pk")
        .values_list("values", flat=True)
        .first()
    )
    return last


# --- Runs -------------------------------------------------------------------------------------


def do_run_plan(
    plan: InspectionPlan, *, actor, trigger=RunTrigger.MANUAL, scheduled_for=None
) -> InspectionRun:
    """Run every enabled item of ``plan`` now; returns the finished run. A disabled plan
    does not run (the demo plans of fictional hosts are disabled so that nothing connects
    to their addresses)."""
    if not plan.enabled:
        raise ValidationError(_("The plan “%(plan)s” is disabled.") % {"plan": plan.name})
    items = list(
        plan.items.filter(enabled=True).select_related(
            "check_definition",
            "host",
            "database",
            "database__host",
            "middleware",
            "middleware__host",
            "endpoint",
        )
    )
    title = _("%(plan)s at %(time)s") % {
        "plan": plan.name,
        "time": timezone.localtime(scheduled_for or timezone.now()).strftime("%Y-%m-%d %H:%M"),
    }
    return do_run_items(
        items,
        actor=actor,
        title=title,
        plan=plan,
        trigger=trigger,
        scheduled_for=scheduled_for,
        concurrency=plan.concurrency,
    )


def do_run_items(
    items,
    *,
    actor,
    title,
    plan=None,
    trigger=RunTrigger.MANUAL,
    scheduled_for=None,
    concurrency=8,
) -> InspectionRun:
    """Run the given plan items as one run (also used for ``inspect run --target``)."""
    with transaction.atomic():
        run = InspectionRun.objects.create(
            plan=plan,
            title=title[:200],
            trigger=trigger,
            started_by=actor if getattr(actor, "pk", None) else None,
            scheduled_for=scheduled_for,
            started_at=timezone.now(),
        )
        audit.record("inspections.run.start", actor=actor, obj=run)
    jobs, manual = [], []
    by_key = {}
    for item in items:
        by_key[item.pk] = item
        definition = item.check_definition
        check = definition.type
        thresholds = check.effective_thresholds(definition.thresholds, item.thresholds)
        if check.manual:
            manual.append((item, thresholds))
            continue
        jobs.append(
            runner.Job(
                key=item.pk,
                check=check,
                target=resolve_target(item),
                params=definition.params,
                thresholds=thresholds,
                timeout=definition.timeout_seconds,
                previous=_previous_values(item),
            )
        )
    for item, thresholds in manual:
        _record(
            run,
            item,
            runner.Finished(
                None,
                ResultStatus.UNKNOWN,
                message=_("Waiting for a person: %(what)s")
                % {"what": item.check_definition.params.get("instructions", "")},
            ),
            thresholds,
        )
    for finished in runner.execute(jobs, concurrency):
        _record(run, by_key[finished.job.key], finished, finished.job.thresholds)
    with transaction.atomic():
        run.finished_at = timezone.now()
        run.status = RunStatus.FINISHED
        run.counts = _counts(run)
        run.save(update_fields=["finished_at", "status", "counts"])
        audit.record("inspections.run.finish", actor=actor, obj=run, after=run.counts)
    return run


def _counts(run) -> dict:
    counts = {status: 0 for status in ResultStatus.values}
    for status in run.results.values_list("status", flat=True):
        counts[status] += 1
    return counts


def _record(run, item: PlanItem, finished: runner.Finished, thresholds) -> CheckResult:
    with transaction.atomic():
        result = CheckResult.objects.create(
            run=run,
            plan_item=item,
            check_definition=item.check_definition,
            target_key=item.target_key,
            target_label=item.target_label[:255],
            system=item.target_system,
            status=finished.status,
            values=audit.to_jsonable(finished.values) or {},
            thresholds=thresholds,
            message=finished.message,
            details=audit.to_jsonable(finished.details) or {},
            duration_ms=finished.duration_ms,
            checked_at=timezone.now(),
        )
        _update_alert(result, actor=None)
    return result


def do_run_due_plans(*, now: datetime | None = None) -> list[InspectionRun]:
    """Run each enabled plan whose fixed time has come (within ``CATCH_UP``) and that has no
    run for that time yet; plans marked "workdays only" skip rest days and holidays."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    started = []
    for plan in InspectionPlan.objects.filter(enabled=True).exclude(times=""):
        if plan.workdays_only and not workcalendar.is_workday(today):
            continue
        for at in plan.time_list:
            slot = timezone.make_aware(datetime.combine(today, at), now.tzinfo)
            if not slot <= now < slot + CATCH_UP:
                continue
            if InspectionRun.objects.filter(plan=plan, scheduled_for=slot).exists():
                continue
            try:
                started.append(
                    do_run_plan(plan, actor=None, trigger=RunTrigger.SCHEDULE, scheduled_for=slot)
                )
            except IntegrityError:
                continue  # another worker took this slot
    return started


# --- Alerts -----------------------------------------------------------------------------------


def _severity(status) -> str:
    return AlertSeverity.WARNING if status == ResultStatus.WARNING else AlertSeverity.CRITICAL


def _update_alert(result: CheckResult, *, actor) -> Alert | None:
    """Count the streak, then open, update or close the one open alert of this check and
    target. Unknown results change nothing."""
    if result.status == ResultStatus.UNKNOWN:
        return None
    definition = result.check_definition
    state, _created = AlertState.objects.get_or_create(
        check_definition=definition, target_key=result.target_key
    )
    state = AlertState.objects.select_for_update().get(pk=state.pk)
    breach = result.status in BREACH_STATUSES
    if breach:
        state.breach_streak += 1
        state.ok_streak = 0
    else:
        state.ok_streak += 1
        state.breach_streak = 0
    state.save(update_fields=["breach_streak", "ok_streak"])
    alert = (
        Alert.objects.select_for_update()
        .filter(check_definition=definition, target_key=result.target_key, status=AlertStatus.OPEN)
        .first()
    )
    now = result.checked_at
    if breach and alert is not None:
        severity = _severity(result.status)
        escalated = severity == AlertSeverity.CRITICAL and alert.severity != severity
        if escalated:
            alert.severity = severity
        alert.message = result.message
        alert.last_seen_at = now
        alert.last_result = result
        alert.occurrences += 1
        alert.save()
        if escalated:
            audit.record("inspections.alert.escalate", actor=actor, obj=alert)
            _maybe_open_ticket(alert)
        return alert
    if breach and state.breach_streak >= definition.open_after:
        alert = Alert.objects.create(
            check_definition=definition,
            target_key=result.target_key,
            target_label=result.target_label,
            system=result.system,
            severity=_severity(result.status),
            message=result.message,
            opened_at=now,
            last_seen_at=now,
            first_result=result,
            last_result=result,
            occurrences=state.breach_streak,
        )
        audit.record(
            "inspections.alert.open",
            actor=actor,
            obj=alert,
            after={"severity": alert.severity, "message": alert.message},
        )
        _maybe_open_ticket(alert)
        return alert
    if not breach and alert is not None and state.ok_streak >= definition.close_after:
        alert.status = AlertStatus.CLOSED
        alert.closed_at = now
        alert.last_result = result
        alert.save()
        audit.record("inspections.alert.recover", actor=actor, obj=alert)
        return alert
    return alert


def _maybe_open_ticket(alert: Alert) -> None:
    definition = alert.check_definition
    if (
        alert.severity == AlertSeverity.CRITICAL
        and definition.open_ticket_on_critical
        and alert.ticket_id is None
        and alert.system_id
    ):
        do_open_ticket_for_alert(alert, actor=None)


def do_acknowledge_alert(alert: Alert, *, actor, note: str) -> Alert:
    """Someone has seen the alert and says what is being done; it stays open until the
    check recovers."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what is being done about the alert.")})
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.is_acknowledged:
            raise ValidationError(_("The alert has already been acknowledged."))
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = actor
        alert.acknowledge_note = note
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledge_note"])
        audit.record("inspections.alert.acknowledge", actor=actor, obj=alert, after={"note": note})
    return alert


def do_open_ticket_for_alert(alert: Alert, *, actor) -> Alert:
    """Register a fault ticket for the alert through the tickets app, linked both ways."""
    from yunwei.tickets.actions import do_create_ticket
    from yunwei.tickets.choices import Channel, Priority, TicketKind

    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.ticket_id:
            raise ValidationError(_("A ticket is already linked to this alert."))
        organisation = (
            alert.system.owner_organisation
            if alert.system_id
            else getattr(actor, "organisation", None)
        )
        ticket = do_create_ticket(
            actor=actor,
            title=_("Inspection alert: %(target)s %(check)s")
            % {"target": alert.target_label, "check": alert.check_definition.name},
            description=alert.message,
            kind=TicketKind.FAULT,
            channel=Channel.ALERT,
            organisation=organisation,
            system=alert.system,
            priority=Priority.P2 if alert.severity == AlertSeverity.CRITICAL else Priority.P3,
            idempotency_key=f"inspection-alert-{alert.pk}",
        )
        alert.ticket = ticket
        alert.save(update_fields=["ticket"])
        audit.record(
            "inspections.alert.open_ticket", actor=actor, obj=alert, after={"ticket": ticket.number}
        )
    return alert


# --- Manual items -----------------------------------------------------------------------------


def do_confirm_manual_result(result: CheckResult, *, actor, status: str, note: str) -> CheckResult:
    """A person ticks a manual checklist item: normal, warning or critical, with a note."""
    errors = {}
    if not result.check_definition.type or not result.check_definition.type.manual:
        raise ValidationError(_("Only manual checklist items are confirmed by a person."))
    if status not in (ResultStatus.OK, ResultStatus.WARNING, ResultStatus.CRITICAL):
        errors["status"] = _("Choose normal, warning or critical.")
    if status != ResultStatus.OK and not (note or "").strip():
        errors["note"] = _("Describe the problem found.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        result = CheckResult.objects.select_for_update().get(pk=result.pk)
        if result.confirmed_by_id:
            raise ValidationError(_("This item has already been confirmed."))
        result.status = status
        result.note = (note or "").strip()
        result.message = result.note or _("Checked by %(user)s") % {"user": actor}
        result.confirmed_by = actor
        result.checked_at = timezone.now()
        result.save()
        audit.record(
            "inspections.result.confirm", actor=actor, obj=result, after={"status": status}
        )
        _update_alert(result, actor=actor)
        run = result.run
        run.counts = _counts(run)
        run.save(update_fields=["counts"])
    return result
