from rest_framework import serializers

from yunwei.cmdb.models import System
from yunwei.core.api.serializers import RestrictedModelSerializer, RestrictedPrimaryKeyRelatedField
from yunwei.core.models import Organisation
from yunwei.tickets.choices import Channel, Priority, TicketKind
from yunwei.tickets.models import Tag, Ticket, TicketEvent


class TicketSerializer(RestrictedModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    master_number = serializers.CharField(source="master.number", read_only=True, default=None)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "display",
            "number",
            "url",
            "title",
            "description",
            "kind",
            "channel",
            "priority",
            "tier",
            "status",
            "status_label",
            "system",
            "module",
            "organisation",
            "reporter",
            "reporter_name",
            "reporter_phone",
            "reporter_org_text",
            "team",
            "assignee",
            "tags",
            "master",
            "master_number",
            "duplicate_number",
            "forwarded_to",
            "forward_target",
            "promised_date",
            "solution",
            "cause_category",
            "fixed_in_version",
            "fix_release_date",
            "first_response_at",
            "escalated_at",
            "resolved_at",
            "closed_at",
            "reopened_count",
            "in_filing_period",
            "satisfaction",
            "is_complaint",
            "complaint_due_at",
            "source_message_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TicketCreateSerializer(serializers.Serializer):
    """What a client sends to register a problem (the same rules as the forms)."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=TicketKind.choices, default=TicketKind.CONSULTATION)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.P3)
    organisation = RestrictedPrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    system = RestrictedPrimaryKeyRelatedField(
        queryset=System.objects.all(), required=False, allow_null=True
    )
    module = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reporter_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    reporter_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )
    tags = serializers.PrimaryKeyRelatedField(
        queryset=Tag.objects.all(), many=True, required=False, default=list
    )


class TicketEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "actor",
            "actor_name",
            "is_public",
            "body",
            "data",
            "created_at",
        ]
        read_only_fields = fields

    def get_actor_name(self, obj) -> str:
        return str(obj.actor) if obj.actor_id else ""


class InboundSerializer(serializers.Serializer):
    """The inbound webhook's payload; ``organisation`` and ``system`` are codes."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=TicketKind.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    channel = serializers.CharField(required=False, allow_blank=True)
    organisation = serializers.CharField(required=False, allow_blank=True)
    system = serializers.CharField(required=False, allow_blank=True)
    module = serializers.CharField(required=False, allow_blank=True)
    reporter_name = serializers.CharField(required=False, allow_blank=True)
    reporter_phone = serializers.CharField(required=False, allow_blank=True)


class InboundEmailSerializer(serializers.Serializer):
    """A message parsed by the mail gateway."""

    sender = serializers.CharField(source="from", help_text="From: header, e.g. 张三 <a@b.cn>")
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="")
    message_id = serializers.CharField(max_length=255)
    system = serializers.CharField(required=False, allow_blank=True)

    def to_internal_value(self, data):
        data = dict(data)
        if "from" in data and "sender" not in data:
            data["sender"] = data["from"]
        return super().to_internal_value(data)


class IntakeResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    created = serializers.BooleanField()
    url = serializers.CharField()
