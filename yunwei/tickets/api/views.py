"""Tickets API: list/detail/create (through ``do_create_ticket``), the timeline, workflow
transitions (the same actions and rules as the ticket page) and the inbound intake."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from yunwei.core.api.base import RestrictedViewSetMixin
from yunwei.tickets import filtersets, forms, inbound
from yunwei.tickets.api import serializers as s
from yunwei.tickets.models import Ticket, TicketEvent
from yunwei.tickets.workflow import allowed_actions, refusal


def as_api_error(exc: DjangoValidationError) -> serializers.ValidationError:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return serializers.ValidationError(detail)


def _result(ticket, created) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "created": created,
        "url": ticket.get_absolute_url(),
    }


class TicketViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Tickets in the caller's scope. ``POST`` registers a problem (an ``Idempotency-Key``
    header makes resending safe); ``POST …/transition/{action}/`` runs one workflow action."""

    queryset = Ticket.objects.select_related("master").prefetch_related("tags")
    serializer_class = s.TicketSerializer
    filterset_class = filtersets.TicketFilterSet

    def get_serializer_class(self):
        if self.action == "create":
            return s.TicketCreateSerializer
        if self.action == "events":
            return s.TicketEventSerializer
        return s.TicketSerializer

    @extend_schema(
        request=s.TicketCreateSerializer,
        responses={201: s.TicketSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request, *args, **kwargs):
        from yunwei.tickets.actions import do_create_ticket

        key = request.headers.get("Idempotency-Key") or None
        if key and (existing := Ticket.objects.filter(idempotency_key=key).first()):
            return Response(s.TicketSerializer(existing, context={"request": request}).data)
        serializer = s.TicketCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation", None) or request.user.organisation
        if (
            organisation is not None
            and not filtersets.organisation_choices(request.user)
            .filter(pk=organisation.pk)
            .exists()
        ):
            raise serializers.ValidationError(
                {"organisation": [_("You may not register problems for this organisation.")]}
            )
        try:
            ticket = do_create_ticket(
                actor=request.user, organisation=organisation, idempotency_key=key, **data
            )
        except DjangoValidationError as exc:
            raise as_api_error(exc) from exc
        return Response(
            s.TicketSerializer(ticket, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses=s.TicketEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        ticket = self.get_object()
        events = (
            TicketEvent.objects.restrict(request.user, "view")
            .filter(ticket=ticket)
            .select_related("actor")
            .order_by("created_at", "id")
        )
        page = self.paginate_queryset(events)
        serializer = s.TicketEventSerializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        request=None,
        responses=s.TicketSerializer,
        description="Run one workflow action; the body holds that action's fields, e.g. "
        "resolve: solution, cause_category; escalate: checklist {code: true}, note.",
    )
    @action(detail=True, methods=["post"], url_path=r"transition/(?P<name>[a-z_]+)")
    def transition(self, request, pk=None, name=None):
        ticket = get_object_or_404(
            Ticket.objects.restrict(request.user, "view").select_related("master"), pk=pk
        )
        if name not in forms.ACTION_NAMES:
            raise serializers.ValidationError(
                {"action": [_("Unknown action %(name)s.") % {"name": name}]}
            )
        if name not in allowed_actions(ticket, request.user):
            reason = refusal(ticket, name)
            if reason:
                raise serializers.ValidationError({"action": [reason]})
            raise PermissionDenied(_("You may not do this on this ticket."))
        data = request.data.copy() if hasattr(request.data, "copy") else dict(request.data)
        if name == "escalate":
            checklist = data.pop("checklist", None) or {}
            if isinstance(checklist, dict):
                for code, ticked in checklist.items():
                    data[f"check_{code}"] = bool(ticked)
        form = forms.action_form(name, request.user, data, prefixed=False)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        try:
            forms.run_action(name, ticket, request.user, forms.cleaned_for_action(name, form))
        except DjangoValidationError as exc:
            raise as_api_error(exc) from exc
        ticket.refresh_from_db()
        return Response(s.TicketSerializer(ticket, context={"request": request}).data)


class _IntakeView(APIView):
    """Creating needs ``tickets.add_ticket``."""

    queryset = Ticket.objects.all()  # for RestrictedPermission: POST → tickets.add_ticket


class InboundView(_IntakeView):
    """Inbound webhook: monitoring systems and other applications post a problem. Send an
    ``Idempotency-Key`` header; the same key again answers 200 with the same ticket."""

    @extend_schema(
        request=s.InboundSerializer,
        responses={201: s.IntakeResultSerializer, 200: s.IntakeResultSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key")
        if key and (existing := Ticket.objects.filter(idempotency_key=key.strip()).first()):
            return Response(_result(existing, False), status=status.HTTP_200_OK)
        payload = s.InboundSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            intake = inbound.create_from_webhook(
                payload.validated_data, actor=request.user, idempotency_key=key
            )
        except DjangoValidationError as exc:
            raise as_api_error(exc) from exc
        return Response(
            _result(intake.ticket, intake.created),
            status=status.HTTP_201_CREATED if intake.created else status.HTTP_200_OK,
        )


class InboundEmailView(_IntakeView):
    """Inbound e-mail: the mail gateway posts each parsed message (from, subject, text,
    message_id). The Message-ID makes resending safe."""

    @extend_schema(
        request=s.InboundEmailSerializer,
        responses={201: s.IntakeResultSerializer, 200: s.IntakeResultSerializer},
    )
    def post(self, request):
        payload = s.InboundEmailSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            intake = inbound.create_from_email(payload.validated_data, actor=request.user)
        except DjangoValidationError as exc:
            raise as_api_error(exc) from exc
        return Response(
            _result(intake.ticket, intake.created),
            status=status.HTTP_201_CREATED if intake.created else status.HTTP_200_OK,
        )
