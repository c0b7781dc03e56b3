from rest_framework import serializers

from yunwei.core.api.serializers import RestrictedModelSerializer
from yunwei.inspections.models import Alert, CheckResult, InspectionPlan, InspectionRun


class InspectionPlanSerializer(RestrictedModelSerializer):
    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "display",
            "name",
            "system",
            "enabled",
            "workdays_only",
            "times",
            "concurrency",
            "description",
        ]


class InspectionRunSerializer(RestrictedModelSerializer):
    class Meta:
        model = InspectionRun
        fields = [
            "id",
            "display",
            "plan",
            "title",
            "trigger",
            "scheduled_for",
            "started_at",
            "finished_at",
            "status",
            "counts",
        ]


class CheckResultSerializer(RestrictedModelSerializer):
    check_name = serializers.CharField(source="check_definition.name", read_only=True)

    class Meta:
        model = CheckResult
        fields = [
            "id",
            "display",
            "run",
            "check_definition",
            "check_name",
            "target_key",
            "target_label",
            "system",
            "status",
            "values",
            "thresholds",
            "message",
            "details",
            "duration_ms",
            "checked_at",
        ]


class AlertSerializer(RestrictedModelSerializer):
    class Meta:
        model = Alert
        fields = [
            "id",
            "display",
            "check_definition",
            "target_key",
            "target_label",
            "system",
            "severity",
            "status",
            "message",
            "opened_at",
            "last_seen_at",
            "closed_at",
            "occurrences",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledge_note",
            "ticket",
        ]
        read_only_fields = fields


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField()
