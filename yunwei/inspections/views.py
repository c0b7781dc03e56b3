"""Inspection pages: plans (run now), runs with their results, the history of one check on
one target with a trend chart, alerts with acknowledgement, checks and endpoints."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yunwei.inspections import actions, filtersets, forms, tables
from yunwei.inspections.models import (
    Alert,
    CheckDefinition,
    CheckResult,
    Endpoint,
    InspectionPlan,
    InspectionRun,
    PlanItem,
)
from yunwei.utilities.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- checks and endpoints ---------------------------------------------------------------------


class CheckDefinitionListView(ObjectListView):
    queryset = CheckDefinition.objects.all()
    filterset = filtersets.CheckDefinitionFilterSet
    table = tables.CheckDefinitionTable
    title = gettext_lazy("Checks")


class CheckDefinitionView(ObjectDetailView):
    queryset = CheckDefinition.objects.all()

    def get_extra_context(self, request, instance):
        check = instance.type
        rows = []
        if check is not None:
            effective = check.effective_thresholds(instance.thresholds)
            for metric in check.metrics:
                pair = effective.get(metric.code, {})
                rows.append(
                    {
                        "metric": metric,
                        "warning": pair.get("warning"),
                        "critical": pair.get("critical"),
                    }
                )
        return {"check": check, "metric_rows": rows}


class CheckDefinitionEditView(ObjectEditView):
    queryset = CheckDefinition.objects.all()
    form = forms.CheckDefinitionForm


class CheckDefinitionDeleteView(ObjectDeleteView):
    queryset = CheckDefinition.objects.all()


class EndpointListView(ObjectListView):
    queryset = Endpoint.objects.select_related("system")
    filterset = filtersets.EndpointFilterSet
    table = tables.EndpointTable
    title = gettext_lazy("Endpoints")


class EndpointView(ObjectDetailView):
    queryset = Endpoint.objects.select_related("system")


class EndpointEditView(ObjectEditView):
    queryset = Endpoint.objects.all()
    form = forms.EndpointForm


class EndpointDeleteView(ObjectDeleteView):
    queryset = Endpoint.objects.all()


# --- plans ------------------------------------------------------------------------------------


class InspectionPlanListView(ObjectListView):
    queryset = InspectionPlan.objects.select_related("system")
    filterset = filtersets.InspectionPlanFilterSet
    table = tables.InspectionPlanTable
    title = gettext_lazy("Inspection plans")


class InspectionPlanView(ObjectDetailView):
    queryset = InspectionPlan.objects.select_related("system")

    def get_extra_context(self, request, instance):
        user = request.user
        items = (
            PlanItem.objects.restrict(user, "view")
            .filter(plan=instance)
            .select_related("check_definition", "host", "database", "middleware", "endpoint")
        )
        runs = InspectionRun.objects.restrict(user, "view").filter(plan=instance)[:10]
        return {
            "items": items,
            "runs": tables.InspectionRunTable(runs, orderable=False),
            "can_run": user.has_perm("inspections.add_inspectionrun"),
            "can_edit_items": user.has_perm("inspections.change_planitem"),
        }


class InspectionPlanEditView(ObjectEditView):
    queryset = InspectionPlan.objects.all()
    form = forms.InspectionPlanForm


class InspectionPlanDeleteView(ObjectDeleteView):
    queryset = InspectionPlan.objects.all()


class PlanRunView(LoginRequiredMixin, View):
    """Run a plan now (POST); the page waits for the run, which is bounded by timeouts."""

    def post(self, request, pk):
        if not request.user.has_perm("inspections.add_inspectionrun"):
            raise PermissionDenied
        plan = get_object_or_404(InspectionPlan.objects.restrict(request.user, "view"), pk=pk)
        try:
            run = actions.do_run_plan(plan, actor=request.user)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect(plan.get_absolute_url())
        messages.success(request, _("The inspection has finished."))
        return redirect(run.get_absolute_url())


class PlanItemEditView(ObjectEditView):
    queryset = PlanItem.objects.all()
    form = forms.PlanItemForm


class PlanItemDeleteView(ObjectDeleteView):
    queryset = PlanItem.objects.all()

    def post(self, request, pk):
        from yunwei.core.actions import do_delete_object

        item = self.get_object(request, pk)
        plan = item.plan
        do_delete_object(item, actor=request.user)
        messages.success(request, _("Deleted “%(obj)s”.") % {"obj": item})
        return redirect(plan.get_absolute_url())


# --- runs and results -------------------------------------------------------------------------


class InspectionRunListView(ObjectListView):
    queryset = InspectionRun.objects.select_related("plan")
    filterset = filtersets.InspectionRunFilterSet
    table = tables.InspectionRunTable
    title = gettext_lazy("Inspection runs")


class InspectionRunView(ObjectDetailView):
    queryset = InspectionRun.objects.select_related("plan", "started_by")

    def get_extra_context(self, request, instance):
        results = (
            CheckResult.objects.restrict(request.user, "view")
            .filter(run=instance)
            .select_related("check_definition")
            .order_by("target_label", "check_definition__name")
        )
        manual = [
            r
            for r in results
            if r.check_definition.type and r.check_definition.type.manual and not r.confirmed_by_id
        ]
        return {
            "results": tables.CheckResultTable(results, orderable=False),
            "manual": manual,
            "confirm_form": forms.ManualConfirmForm(),
            "can_confirm": request.user.has_perm("inspections.change_checkresult"),
        }


class ResultConfirmView(LoginRequiredMixin, View):
    def post(self, request, pk):
        result = get_object_or_404(CheckResult.objects.restrict(request.user, "change"), pk=pk)
        form = forms.ManualConfirmForm(request.POST)
        if form.is_valid():
            try:
                actions.do_confirm_manual_result(result, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Saved “%(obj)s”.") % {"obj": result})
            except ValidationError as exc:
                messages.error(request, _errors(exc))
        else:
            messages.error(request, _("Please correct the errors below."))
        return redirect(result.run.get_absolute_url())


class HistoryView(LoginRequiredMixin, View):
    """Results of one check on one target, newest first, with a trend of numeric metrics."""

    def get(self, request, check_id, target_key):
        if not request.user.has_perm("inspections.view_checkresult"):
            raise PermissionDenied
        definition = get_object_or_404(CheckDefinition, pk=check_id)
        results = list(
            CheckResult.objects.restrict(request.user, "view")
            .filter(check_definition=definition, target_key=target_key)
            .order_by("-checked_at", "-pk")[:200]
        )
        check = definition.type
        series = {}
        for result in reversed(results):
            at = timezone.localtime(result.checked_at).strftime("%Y-%m-%d %H:%M")
            for code, value in (result.values or {}).items():
                items = value.items() if isinstance(value, dict) else [("", value)]
                for sub, number in items:
                    if isinstance(number, int | float) and not isinstance(number, bool):
                        metric = check.metric(code) if check else None
                        label = str(metric.label) if metric else code
                        if sub:
                            label = f"{label} {sub}"
                        series.setdefault(label, []).append([at, number])
        return render(
            request,
            "inspections/history.html",
            {
                "definition": definition,
                "target_label": results[0].target_label if results else target_key,
                "table": tables.CheckResultTable(results, orderable=False),
                "series_json": json.dumps(series, ensure_ascii=False),
            },
        )


# --- alerts -----------------------------------------------------------------------------------


class AlertListView(ObjectListView):
    queryset = Alert.objects.select_related("check_definition", "acknowledged_by", "ticket")
    filterset = filtersets.AlertFilterSet
    table = tables.AlertTable
    title = gettext_lazy("Alerts")


class AlertView(ObjectDetailView):
    queryset = Alert.objects.select_related(
        "check_definition", "acknowledged_by", "ticket", "system", "last_result"
    )

    def get_extra_context(self, request, instance):
        can_change = Alert.objects.restrict(request.user, "change").filter(pk=instance.pk).exists()
        return {
            "ack_form": forms.AcknowledgeForm(),
            "can_handle": can_change,
            "can_open_ticket": can_change and request.user.has_perm("tickets.add_ticket"),
        }


class AlertAcknowledgeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        alert = get_object_or_404(Alert.objects.restrict(request.user, "change"), pk=pk)
        form = forms.AcknowledgeForm(request.POST)
        note = form.data.get("note", "")
        try:
            actions.do_acknowledge_alert(alert, actor=request.user, note=note)
            messages.success(request, _("The alert is acknowledged."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect(alert.get_absolute_url())


class AlertTicketView(LoginRequiredMixin, View):
    def post(self, request, pk):
        alert = get_object_or_404(Alert.objects.restrict(request.user, "change"), pk=pk)
        if not request.user.has_perm("tickets.add_ticket"):
            raise PermissionDenied
        try:
            alert = actions.do_open_ticket_for_alert(alert, actor=request.user)
            messages.success(
                request, _("Ticket %(number)s was opened.") % {"number": alert.ticket.number}
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect(alert.get_absolute_url())
