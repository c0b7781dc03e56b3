"""State changes of the working calendar and filing periods.

Each function is atomic, writes its audit entry (through ``do_save_object`` /
``do_delete_object``), drops the calendar cache at once and, after commit, tells the
"calendar changed" callbacks (``workcalendar.calendar_changed_callbacks``) what changed.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from yunwei.core import audit, workcalendar
from yunwei.core.actions import do_delete_object, do_save_object
from yunwei.core.models import CalendarDay, CalendarYear, FilingPeriod, OfficeHours
from yunwei.core.models.calendar import CalendarSource
from yunwei.core.workcalendar import CalendarChange


def _changed(change: CalendarChange) -> None:
    """Drop cached answers now (this transaction may read again) and notify after commit."""
    workcalendar.clear_cache()
    transaction.on_commit(lambda: workcalendar.notify_calendar_changed(change))


# --- Years -----------------------------------------------------------------------------------


def do_add_calendar_year(year: int, *, actor, note: str = "") -> CalendarYear:
    """Record that ``year``'s holidays are known (source "package" if the package has it)."""
    source = CalendarSource.PACKAGE if workcalendar.package_covers(year) else CalendarSource.MANUAL
    with transaction.atomic():
        saved = do_save_object(CalendarYear(year=year, source=source, note=note), actor=actor)
        _changed(CalendarChange("year", years=(saved.year,)))
    return saved


def do_save_calendar_year(calendar_year: CalendarYear, *, actor) -> CalendarYear:
    """Save a new or edited year (e.g. its note); a new year gets its source set."""
    if calendar_year.pk is None and calendar_year.year:
        calendar_year.source = (
            CalendarSource.PACKAGE
            if workcalendar.package_covers(calendar_year.year)
            else CalendarSource.MANUAL
        )
    with transaction.atomic():
        saved = do_save_object(calendar_year, actor=actor)
        _changed(CalendarChange("year", years=(saved.year,)))
    return saved


def do_delete_calendar_year(calendar_year: CalendarYear, *, actor) -> None:
    with transaction.atomic():
        year = calendar_year.year
        do_delete_object(calendar_year, actor=actor)
        _changed(CalendarChange("year", years=(year,)))


# --- Day overrides ---------------------------------------------------------------------------


def do_save_calendar_day(day: CalendarDay, *, actor) -> CalendarDay:
    """Create or change one day override (validated here)."""
    with transaction.atomic():
        dates = {day.date}
        if day.pk is not None:
            old_date = CalendarDay.objects.filter(pk=day.pk).values_list("date", flat=True).first()
            if old_date:
                dates.add(old_date)
        saved = do_save_object(day, actor=actor)
        _changed(CalendarChange("day", dates=tuple(sorted(dates))))
    return saved


def do_set_calendar_day(
    *, actor, date: date, kind: str, name: str = "", note: str = ""
) -> CalendarDay:
    """Make ``date`` a rest day ("holiday") or a workday ("workday"), whatever it was."""
    day = CalendarDay.objects.filter(date=date).first() or CalendarDay(date=date)
    day.kind, day.name, day.note = kind, name, note
    return do_save_calendar_day(day, actor=actor)


def do_delete_calendar_day(day: CalendarDay, *, actor) -> None:
    """Remove an override: the day goes back to what the package (or Mon–Fri) says."""
    with transaction.atomic():
        when = day.date
        do_delete_object(day, actor=actor)
        _changed(CalendarChange("day", dates=(when,)))


def do_import_calendar_days(days: list[CalendarDay], *, actor) -> None:
    """Write validated overrides from an import, all or nothing, one audit entry each."""
    with transaction.atomic():
        for day in days:
            do_save_object(day, actor=actor)
        audit.record(
            "core.calendarday.import",
            actor=actor,
            object_type="core.calendarday",
            object_repr=_("%(n)s calendar days imported") % {"n": len(days)},
            after={"dates": [day.date.isoformat() for day in days]},
        )
        _changed(CalendarChange("day", dates=tuple(sorted(day.date for day in days))))


# --- Office hours ----------------------------------------------------------------------------


def do_save_office_hours(office_hours: OfficeHours, *, actor) -> OfficeHours:
    with transaction.atomic():
        saved = do_save_object(office_hours, actor=actor)
        _changed(CalendarChange("office_hours", organisation_id=saved.organisation_id))
    return saved


def do_delete_office_hours(office_hours: OfficeHours, *, actor) -> None:
    with transaction.atomic():
        organisation_id = office_hours.organisation_id
        do_delete_object(office_hours, actor=actor)
        _changed(CalendarChange("office_hours", organisation_id=organisation_id))


# --- Filing periods --------------------------------------------------------------------------


def do_set_filing_period(
    *, actor, year: int, month: int, start_date: date, end_date: date, note: str = ""
) -> FilingPeriod:
    """Fix one month's filing period by hand; it wins over the computed rule.

    Raises ValidationError (nothing written) when the dates do not fit the month.
    """
    with transaction.atomic():
        period = FilingPeriod.objects.filter(year=year, month=month).first() or FilingPeriod(
            year=year, month=month
        )
        period.start_date, period.end_date, period.note = start_date, end_date, note
        saved = do_save_object(period, actor=actor)
        _changed(CalendarChange("filing_period", years=(year,)))
    return saved


def do_reset_filing_period(*, actor, year: int, month: int) -> bool:
    """Go back to the computed rule for one month. False when it was not set by hand."""
    with transaction.atomic():
        period = FilingPeriod.objects.filter(year=year, month=month).first()
        if period is None:
            return False
        do_delete_object(period, actor=actor)
        _changed(CalendarChange("filing_period", years=(year,)))
    return True
