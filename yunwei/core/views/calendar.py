"""Pages of the working calendar (工作日历), office hours and filing periods (征期).

Thin views: fetch through ``restrict()``, call a ``do_…`` action from
``yunwei.core.actions.calendar``, render.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View

from yunwei.core import workcalendar
from yunwei.core.actions import calendar as actions_calendar
from yunwei.core.forms.calendar import (
    CalendarDayForm,
    CalendarDayImporter,
    CalendarYearForm,
    FilingPeriodForm,
    OfficeHoursForm,
)
from yunwei.core.models import CalendarDay, CalendarYear, FilingPeriod, OfficeHours
from yunwei.core.models.calendar import MAX_YEAR, MIN_YEAR
from yunwei.core.querysets import permission_name
from yunwei.utilities.excel import build_workbook, xlsx_response
from yunwei.utilities.forms import ImportForm

WEEKDAY_INITIALS = [
    pgettext_lazy("weekday initial", "Mo"),
    pgettext_lazy("weekday initial", "Tu"),
    pgettext_lazy("weekday initial", "We"),
    pgettext_lazy("weekday initial", "Th"),
    pgettext_lazy("weekday initial", "Fr"),
    pgettext_lazy("weekday initial", "Sa"),
    pgettext_lazy("weekday initial", "Su"),
]


def _require(user, model, action: str) -> None:
    if not user.has_perm(permission_name(model, action)):
        raise PermissionDenied


def _year_from(request, default: int | None = None) -> int:
    raw = request.GET.get("year") or request.POST.get("year")
    if not raw:
        return default or timezone.localdate().year
    try:
        year = int(raw)
    except ValueError:
        raise Http404(_("No such year.")) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404(_("No such year."))
    return year


def _calendar_url(year: int) -> str:
    return f"{reverse('core:calendar')}?year={year}"


def _month_grid(year: int, month: int, overrides: dict) -> dict:
    days = workcalendar.days_of_month(year, month)
    first, last, source = workcalendar.filing_period(year, month)
    cells: list[dict | None] = [None] * days[0].date.weekday()
    for info in days:
        classes = []
        if info.is_makeup_workday:
            classes.append("makeup")
        elif not info.is_workday:
            classes.append("rest")
        if first <= info.date <= last:
            classes.append("filing")
        cells.append(
            {
                "info": info,
                "classes": " ".join(classes),
                "override": overrides.get(info.date),
            }
        )
    while len(cells) % 7:
        cells.append(None)
    return {
        "month": month,
        "name": MONTHS[month],
        "cells": cells,
        "filing_first": first,
        "filing_last": last,
        "filing_source": source,
    }


class CalendarView(LoginRequiredMixin, View):
    """One year: twelve month grids with rest days, make-up workdays and filing periods."""

    def get(self, request):
        user = request.user
        _require(user, CalendarDay, "view")
        year = _year_from(request)
        overrides = {
            day.date: day
            for day in CalendarDay.objects.restrict(user, "view").filter(date__year=year)
        }
        context = {
            "year": year,
            "previous_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
            "today": timezone.localdate(),
            "months": [_month_grid(year, month, overrides) for month in range(1, 13)],
            "weekdays": WEEKDAY_INITIALS,
            "overrides": sorted(overrides.values(), key=lambda day: day.date),
            "has_data": workcalendar.year_has_data(year),
            "year_source": workcalendar.year_source(year),
            "package_covers": workcalendar.package_covers(year),
            "calendar_year": CalendarYear.objects.filter(year=year).first(),
            "office_intervals": workcalendar.office_intervals(),
            "can_add_year": user.has_perm("core.add_calendaryear"),
            "can_add_day": user.has_perm("core.add_calendarday"),
            "can_change_day": user.has_perm("core.change_calendarday"),
            "can_delete_day": user.has_perm("core.delete_calendarday"),
            "can_import": user.has_perm("core.add_calendarday")
            and user.has_perm("core.change_calendarday"),
            "can_view_hours": user.has_perm("core.view_officehours"),
            "can_view_filing": user.has_perm("core.view_filingperiod"),
        }
        return render(request, "core/calendar.html", context)


class CalendarFormView(LoginRequiredMixin, View):
    """Shared shape of the small add/edit pages of this area."""

    template_name = "core/calendar_form.html"

    def render_form(self, request, form, title, cancel_url):
        return render(
            request,
            self.template_name,
            {"form": form, "title": title, "cancel_url": cancel_url},
        )


class CalendarYearAddView(CalendarFormView):
    def get(self, request):
        _require(request.user, CalendarYear, "add")
        year = _year_from(request)
        form = CalendarYearForm(initial={"year": year}, user=request.user)
        return self.render_form(request, form, _("Add a calendar year"), _calendar_url(year))

    def post(self, request):
        _require(request.user, CalendarYear, "add")
        form = CalendarYearForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_form(
                request, form, _("Add a calendar year"), reverse("core:calendar")
            )
        saved = actions_calendar.do_save_calendar_year(form.save(commit=False), actor=request.user)
        messages.success(request, _("The year %(year)s was added.") % {"year": saved.year})
        return redirect(_calendar_url(saved.year))


class CalendarDayEditView(CalendarFormView):
    """Add (no pk, optional ?date=) or change (pk) one day override."""

    def get_object(self, request, pk):
        if pk is None:
            _require(request.user, CalendarDay, "add")
            return CalendarDay()
        return get_object_or_404(CalendarDay.objects.restrict(request.user, "change"), pk=pk)

    def title(self, instance):
        if instance.pk:
            return _("Change the day %(date)s") % {"date": instance.date.isoformat()}
        return _("Add a day override")

    def get(self, request, pk=None):
        instance = self.get_object(request, pk)
        initial = {}
        if instance.pk is None and request.GET.get("date"):
            initial["date"] = request.GET["date"]
        form = CalendarDayForm(instance=instance, initial=initial, user=request.user)
        year = instance.date.year if instance.pk else _year_from(request)
        return self.render_form(request, form, self.title(instance), _calendar_url(year))

    def post(self, request, pk=None):
        instance = self.get_object(request, pk)
        form = CalendarDayForm(request.POST, instance=instance, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_form(request, form, self.title(instance), reverse("core:calendar"))
        saved = actions_calendar.do_save_calendar_day(form.save(commit=False), actor=request.user)
        messages.success(request, _("Saved “%(obj)s”.") % {"obj": saved})
        return redirect(_calendar_url(saved.date.year))


class CalendarDayDeleteView(LoginRequiredMixin, View):
    def get_object(self, request, pk):
        return get_object_or_404(CalendarDay.objects.restrict(request.user, "delete"), pk=pk)

    def get(self, request, pk):
        instance = self.get_object(request, pk)
        return render(
            request, "generic/object_delete.html", {"object": instance, "model": CalendarDay}
        )

    def post(self, request, pk):
        instance = self.get_object(request, pk)
        year = instance.date.year
        actions_calendar.do_delete_calendar_day(instance, actor=request.user)
        messages.success(request, _("Deleted “%(obj)s”.") % {"obj": instance})
        return redirect(_calendar_url(year))


class CalendarImportView(LoginRequiredMixin, View):
    """Upload a table of day overrides; every row is checked before anything is written."""

    template_name = "core/calendar_import.html"

    def check(self, request):
        _require(request.user, CalendarDay, "add")
        _require(request.user, CalendarDay, "change")

    def context(self, **extra):
        return {"columns": CalendarDayImporter.columns, **extra}

    def get(self, request):
        self.check(request)
        if request.GET.get("template"):
            workbook = build_workbook(
                [column.header for column in CalendarDayImporter.columns],
                [
                    [date(2026, 10, 1), "休息日", "国庆节", ""],
                    [date(2026, 10, 10), "调休上班", "国庆节", ""],
                ],
                _("Calendar days"),
            )
            return xlsx_response(workbook, "calendar-days.xlsx")
        return render(request, self.template_name, self.context(form=ImportForm()))

    def post(self, request):
        self.check(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form))
        result = CalendarDayImporter(actor=request.user).run(form.cleaned_data["file"])
        if result.ok:
            messages.success(
                request,
                _("Import finished: %(created)s created, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("core:calendar")
        messages.error(request, _("Nothing was imported. Fix these problems and try again."))
        return render(
            request, self.template_name, self.context(form=ImportForm(), errors=result.errors)
        )


# --- Office hours ----------------------------------------------------------------------------


class OfficeHoursListView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        _require(user, OfficeHours, "view")
        rows = (
            OfficeHours.objects.restrict(user, "view")
            .select_related("organisation")
            .order_by(F("organisation__path").asc(nulls_first=True))
        )
        has_default = any(row.organisation_id is None for row in rows)
        context = {
            "rows": rows,
            "has_default": has_default,
            "builtin_default": workcalendar.office_intervals() if not has_default else None,
            "can_add": user.has_perm("core.add_officehours"),
            "can_change": user.has_perm("core.change_officehours"),
            "can_delete": user.has_perm("core.delete_officehours"),
        }
        return render(request, "core/calendar_officehours.html", context)


class OfficeHoursEditView(CalendarFormView):
    def get_object(self, request, pk):
        if pk is None:
            _require(request.user, OfficeHours, "add")
            return OfficeHours()
        return get_object_or_404(OfficeHours.objects.restrict(request.user, "change"), pk=pk)

    def title(self, instance):
        if instance.pk:
            return _("Change office hours")
        return _("Add office hours")

    def get(self, request, pk=None):
        instance = self.get_object(request, pk)
        initial = {}
        if instance.pk is None and request.GET.get("organisation"):
            initial["organisation"] = request.GET["organisation"]
        form = OfficeHoursForm(instance=instance, initial=initial, user=request.user)
        return self.render_form(
            request, form, self.title(instance), reverse("core:officehours_list")
        )

    def post(self, request, pk=None):
        instance = self.get_object(request, pk)
        form = OfficeHoursForm(request.POST, instance=instance, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_form(
                request, form, self.title(instance), reverse("core:officehours_list")
            )
        saved = actions_calendar.do_save_office_hours(form.save(commit=False), actor=request.user)
        messages.success(request, _("Saved “%(obj)s”.") % {"obj": saved})
        return redirect("core:officehours_list")


class OfficeHoursDeleteView(LoginRequiredMixin, View):
    def get_object(self, request, pk):
        return get_object_or_404(OfficeHours.objects.restrict(request.user, "delete"), pk=pk)

    def get(self, request, pk):
        instance = self.get_object(request, pk)
        return render(
            request, "generic/object_delete.html", {"object": instance, "model": OfficeHours}
        )

    def post(self, request, pk):
        instance = self.get_object(request, pk)
        actions_calendar.do_delete_office_hours(instance, actor=request.user)
        messages.success(request, _("Deleted “%(obj)s”.") % {"obj": instance})
        return redirect("core:officehours_list")


# --- Filing periods --------------------------------------------------------------------------


class FilingPeriodListView(LoginRequiredMixin, View):
    """The months of a year: computed and manual periods; set a month by hand or reset it."""

    template_name = "core/filingperiod_list.html"

    def rows(self, request, year, bound_form=None, bound_month=None):
        manual = {
            row.month: row
            for row in FilingPeriod.objects.restrict(request.user, "view").filter(year=year)
        }
        rows = []
        for month in range(1, 13):
            computed = workcalendar.computed_filing_period(year, month)
            effective = workcalendar.filing_period(year, month)
            row = manual.get(month)
            if bound_form is not None and bound_month == month:
                form = bound_form
            else:
                form = FilingPeriodForm(
                    initial={
                        "start_date": (row.start_date if row else computed[0]).isoformat(),
                        "end_date": (row.end_date if row else computed[1]).isoformat(),
                        "note": row.note if row else "",
                    },
                    prefix=f"m{month}",
                )
            rows.append(
                {
                    "month": month,
                    "name": MONTHS[month],
                    "computed": computed,
                    "manual": row,
                    "effective": effective,
                    "form": form,
                }
            )
        return rows

    def render_page(self, request, year, bound_form=None, bound_month=None):
        user = request.user
        context = {
            "year": year,
            "previous_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
            "rows": self.rows(request, year, bound_form, bound_month),
            "has_data": workcalendar.year_has_data(year),
            "can_set": user.has_perm("core.add_filingperiod")
            or user.has_perm("core.change_filingperiod"),
            "can_reset": user.has_perm("core.delete_filingperiod"),
            "can_view_calendar": user.has_perm("core.view_calendarday"),
        }
        return render(request, self.template_name, context)

    def get(self, request):
        _require(request.user, FilingPeriod, "view")
        return self.render_page(request, _year_from(request))

    def post(self, request):
        user = request.user
        _require(user, FilingPeriod, "view")
        try:
            year = int(request.POST.get("year", ""))
            month = int(request.POST.get("month", ""))
        except ValueError:
            raise Http404(_("No such month.")) from None
        if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
            raise Http404(_("No such month."))
        label = f"{year}-{month:02d}"
        if request.POST.get("action") == "reset":
            _require(user, FilingPeriod, "delete")
            if actions_calendar.do_reset_filing_period(actor=user, year=year, month=month):
                messages.success(
                    request,
                    _("The filing period of %(month)s follows the computed rule again.")
                    % {"month": label},
                )
            return redirect(f"{reverse('core:filingperiod_list')}?year={year}")
        exists = FilingPeriod.objects.filter(year=year, month=month).exists()
        _require(user, FilingPeriod, "change" if exists else "add")
        form = FilingPeriodForm(request.POST, prefix=f"m{month}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions_calendar.do_set_filing_period(
                    actor=user,
                    year=year,
                    month=month,
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    note=data["note"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request, _("The filing period of %(month)s was set.") % {"month": label}
                )
                return redirect(f"{reverse('core:filingperiod_list')}?year={year}")
        messages.error(request, _("Please correct the errors below."))
        return self.render_page(request, year, bound_form=form, bound_month=month)


urlpatterns = [
    path("calendar/", CalendarView.as_view(), name="calendar"),
    path("calendar/years/add/", CalendarYearAddView.as_view(), name="calendaryear_add"),
    path("calendar/days/add/", CalendarDayEditView.as_view(), name="calendarday_add"),
    path("calendar/days/<int:pk>/edit/", CalendarDayEditView.as_view(), name="calendarday_edit"),
    path(
        "calendar/days/<int:pk>/delete/",
        CalendarDayDeleteView.as_view(),
        name="calendarday_delete",
    ),
    path("calendar/days/import/", CalendarImportView.as_view(), name="calendarday_import"),
    path("calendar/office-hours/", OfficeHoursListView.as_view(), name="officehours_list"),
    path("calendar/office-hours/add/", OfficeHoursEditView.as_view(), name="officehours_add"),
    path(
        "calendar/office-hours/<int:pk>/edit/",
        OfficeHoursEditView.as_view(),
        name="officehours_edit",
    ),
    path(
        "calendar/office-hours/<int:pk>/delete/",
        OfficeHoursDeleteView.as_view(),
        name="officehours_delete",
    ),
    path("filing-periods/", FilingPeriodListView.as_view(), name="filingperiod_list"),
]
