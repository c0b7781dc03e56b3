"""Inspections API: plans (CRUD and ``run``), runs, results and alerts (``acknowledge``).
Every queryset goes through ``restrict()``; state changes go through the actions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from yunwei.core.api.base import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from yunwei.inspections import actions, filtersets
from yunwei.inspections.api import serializers as s
from yunwei.inspections.choices import RunTrigger
from yunwei.inspections.models import Alert, CheckResult, InspectionPlan, InspectionRun


def _api_error(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    )


class InspectionPlanViewSet(RestrictedModelViewSet):
    queryset = InspectionPlan.objects.select_related("system")
    serializer_class = s.InspectionPlanSerializer
    filterset_class = filtersets.InspectionPlanFilterSet

    @extend_schema(request=None, responses={201: s.InspectionRunSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """Run the plan now and return the finished run."""
        if not request.user.has_perm("inspections.add_inspectionrun"):
            raise PermissionDenied
        plan = InspectionPlan.objects.restrict(request.user, "view").get(pk=self.get_object().pk)
        try:
            run = actions.do_run_plan(plan, actor=request.user, trigger=RunTrigger.API)
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc
        return Response(s.InspectionRunSerializer(run, context={"request": request}).data, 201)


class InspectionRunViewSet(RestrictedReadOnlyViewSet):
    queryset = InspectionRun.objects.all()
    serializer_class = s.InspectionRunSerializer
    filterset_class = filtersets.InspectionRunFilterSet


class CheckResultViewSet(RestrictedReadOnlyViewSet):
    queryset = CheckResult.objects.select_related("check_definition")
    serializer_class = s.CheckResultSerializer
    filterset_class = filtersets.CheckResultFilterSet


class AlertViewSet(RestrictedReadOnlyViewSet):
    queryset = Alert.objects.all()
    serializer_class = s.AlertSerializer
    filterset_class = filtersets.AlertFilterSet

    @extend_schema(request=s.AcknowledgeSerializer, responses={200: s.AlertSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = self.get_object()
        if not Alert.objects.restrict(request.user, "change").filter(pk=alert.pk).exists():
            raise PermissionDenied
        body = s.AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            alert = actions.do_acknowledge_alert(
                alert, actor=request.user, note=body.validated_data["note"]
            )
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc
        return Response(s.AlertSerializer(alert, context={"request": request}).data)
