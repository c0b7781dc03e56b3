"""Read-only working-calendar API: other systems ask for workdays, deadlines and filing periods."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from yunwei.core import calendar_input, workcalendar
from yunwei.core.models import Organisation


def _param(request, name: str, parser):
    text = request.query_params.get(name)
    if text is None or text.strip() == "":
        raise serializers.ValidationError({name: [_("This parameter is required.")]})
    try:
        return parser(text)
    except ValueError as exc:
        raise serializers.ValidationError({name: [str(exc)]}) from None


def _organisation(request):
    code = request.query_params.get("org")
    if not code:
        return None
    found = Organisation.objects.restrict(request.user).filter(code=code).first()
    if found is None:
        raise serializers.ValidationError(
            {"org": [_("Organisation %(code)s not found.") % {"code": code}]}
        )
    return found


class CalendarAPIView(APIView):
    permission_classes = [IsAuthenticated]


DAY_SCHEMA = inline_serializer(
    "CalendarDay",
    {
        "date": serializers.DateField(),
        "is_workday": serializers.BooleanField(),
        "kind": serializers.CharField(),
        "holiday_name": serializers.CharField(),
        "source": serializers.CharField(),
        "year_has_data": serializers.BooleanField(),
    },
)


class DayView(CalendarAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=True)],
        responses=DAY_SCHEMA,
        summary="Is this date a workday?",
    )
    def get(self, request):
        info = workcalendar.day_info(_param(request, "date", calendar_input.parse_date))
        return Response(
            {
                "date": info.date,
                "is_workday": info.is_workday,
                "kind": info.kind,
                "holiday_name": info.holiday_name,
                "source": info.source,
                "year_has_data": info.year_has_data,
            }
        )


class DeadlineView(CalendarAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("workdays", OpenApiTypes.INT, required=True),
            OpenApiParameter("org", OpenApiTypes.STR, description="organisation code"),
        ],
        responses=inline_serializer("Deadline", {"deadline": serializers.DateTimeField()}),
        summary="End of office hours on the N-th workday after start",
    )
    def get(self, request):
        start = _param(request, "start", calendar_input.parse_datetime)
        count = _param(request, "workdays", calendar_input.parse_count)
        result = workcalendar.deadline(start, count, org=_organisation(request))
        return Response({"deadline": result.isoformat()})


class AddHoursView(CalendarAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("hours", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter("org", OpenApiTypes.STR, description="organisation code"),
        ],
        responses=inline_serializer("OfficeHoursLater", {"end": serializers.DateTimeField()}),
        summary="Start plus a number of office hours on workdays",
    )
    def get(self, request):
        start = _param(request, "start", calendar_input.parse_datetime)
        hours = _param(request, "hours", calendar_input.parse_hours)
        result = workcalendar.add_office_hours(start, hours, org=_organisation(request))
        return Response({"end": result.isoformat()})


class FilingPeriodView(CalendarAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, required=True, description="YYYY-MM")
        ],
        responses=inline_serializer(
            "FilingPeriod",
            {
                "first": serializers.DateField(),
                "last": serializers.DateField(),
                "source": serializers.CharField(),
            },
        ),
        summary="First and last day of a month's filing period",
    )
    def get(self, request):
        year, month = _param(request, "month", calendar_input.parse_month)
        period = workcalendar.filing_period(year, month)
        return Response({"first": period.first, "last": period.last, "source": period.source})
