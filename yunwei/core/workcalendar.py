"""Working days, office hours, deadlines and filing periods (工作日历与征期).

Every question about working time goes through this module:

- ``is_workday(d)``, ``day_info(d)``, ``next_workday(d)``, ``workdays_between(a, b)``;
- ``deadline(start, n, org=None)``, ``add_office_hours(start, hours, org=None)``,
  ``office_seconds_between(a, b, org=None)``, ``office_intervals(org=None)``;
- ``filing_period(year, month)``, ``is_in_filing_period(d)``;
- ``year_has_data(year)``, ``missing_year_warnings(today=None)``, ``calendar_warnings(request)``;
- ``clear_cache()`` and the "calendar changed" hook ``calendar_changed_callbacks``.

Where a day's kind comes from, first match wins:
1. a ``CalendarDay`` override (admins);
2. the ``chinese-calendar`` package, for the years it knows;
3. Monday to Friday are workdays. A year known neither to the package nor as a
   ``CalendarYear`` row "has no data": answers still come (rule 3 plus overrides), and a
   warning is logged and shown — nothing crashes.

Times are aware and in Asia/Shanghai; naive datetimes are taken as Asia/Shanghai and dates
as the start of that day. Results are aware datetimes in Asia/Shanghai.
"""

from __future__ import annotations

import functools
import logging
import threading
import time as monotonic_time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

import chinese_calendar
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")

# How far a search for the next workday or office period may run before giving up.
MAX_SEARCH_DAYS = 3660
# How long the shared, in-process cache of overrides may be used without re-reading.
CACHE_SECONDS = 60.0
# How often the shared version (in Django's cache, e.g. Redis) is compared.
VERSION_CHECK_SECONDS = 2.0
VERSION_CACHE_KEY = "yunwei:workcalendar:version"

# Names the package gives its holidays; listed so that they are translated.
PACKAGE_HOLIDAY_NAMES = {
    "New Year's Day": gettext_noop("New Year's Day"),
    "Spring Festival": gettext_noop("Spring Festival"),
    "Tomb-sweeping Day": gettext_noop("Tomb-sweeping Day"),
    "Labour Day": gettext_noop("Labour Day"),
    "Dragon Boat Festival": gettext_noop("Dragon Boat Festival"),
    "National Day": gettext_noop("National Day"),
    "Mid-autumn Festival": gettext_noop("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": gettext_noop("Anti-Fascist 70th Day"),
}

# Day kinds reported by day_info().
KIND_WORKDAY = "workday"  # an ordinary workday
KIND_MAKEUP = "makeup"  # a workday on a weekend (调休上班)
KIND_REST = "rest"  # an ordinary weekend day
KIND_HOLIDAY = "holiday"  # a statutory holiday day (or a rest day set by an override)

# Where day_info() took its answer from.
SOURCE_OVERRIDE = "override"
SOURCE_PACKAGE = "package"
SOURCE_WEEKDAYS = "weekdays"  # Monday to Friday rule (a manual year, or no data)

FILING_MANUAL = "manual"
FILING_COMPUTED = "computed"


# --- Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_workday: bool
    kind: str  # KIND_*
    holiday_name: str  # the holiday this rest day belongs to; "" on workdays
    name: str  # the holiday's name also on its make-up workdays
    source: str  # SOURCE_*
    year_has_data: bool
    note: str = ""

    @property
    def is_rest_day(self) -> bool:
        return not self.is_workday

    @property
    def is_makeup_workday(self) -> bool:
        return self.kind == KIND_MAKEUP

    @property
    def is_statutory_holiday(self) -> bool:
        return self.kind == KIND_HOLIDAY


class FilingPeriodInfo(NamedTuple):
    first: date
    last: date
    source: str  # FILING_MANUAL or FILING_COMPUTED


@dataclass(frozen=True)
class CalendarChange:
    """What changed, handed to every callback in ``calendar_changed_callbacks``.

    kind: "day" (overrides), "year", "office_hours" or "filing_period".
    """

    kind: str
    dates: tuple[date, ...] = ()
    years: tuple[int, ...] = ()
    organisation_id: int | None = None


# --- The "calendar changed" hook -------------------------------------------------------------

#: Callables taking one ``CalendarChange``; called after the change has committed.
calendar_changed_callbacks: list[Callable[[CalendarChange], None]] = []


def on_calendar_changed(func: Callable[[CalendarChange], None]):
    """Decorator: register ``func`` to be called after every committed calendar change."""
    if func not in calendar_changed_callbacks:
        calendar_changed_callbacks.append(func)
    return func


def notify_calendar_changed(change: CalendarChange) -> None:
    """Drop cached answers and tell every registered callback. Called by the actions on commit.

    A failing callback is logged and does not stop the others.
    """
    clear_cache()
    for callback in list(calendar_changed_callbacks):
        try:
            callback(change)
        except Exception:
            logger.exception("calendar-changed callback %r failed", callback)


# --- The package -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    """Whether the installed ``chinese-calendar`` package knows ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except (NotImplementedError, ValueError, OverflowError):
        return False
    return True


@functools.lru_cache(maxsize=16384)
def _package_day(day: date) -> tuple[bool, str | None] | None:
    """(is workday, English holiday name or None) from the package; None if it does not know."""
    if not package_covers(day.year):
        return None
    try:
        workday = chinese_calendar.is_workday(day)
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return bool(workday), name


def _holiday_label(english_name: str | None) -> str:
    if not english_name:
        return ""
    return _(PACKAGE_HOLIDAY_NAMES.get(english_name, english_name))


# --- Database lookups, cached ----------------------------------------------------------------


class _Snapshot:
    """Overrides, calendar years, office hours and filing-period rows, read lazily and memoised.

    Inside a transaction every public call gets a fresh snapshot (it may see uncommitted
    changes); outside, one snapshot is shared until it expires or ``clear_cache()`` runs.
    """

    def __init__(self, version: str | None = None):
        self.version = version
        self.created = monotonic_time.monotonic()
        self._overrides: dict[int, dict[date, tuple[str, str, str]]] = {}
        self._years: dict[int, str] | None = None
        self._office: dict[int | None, list[tuple[time, time]]] = {}
        self._filing: dict[int, dict[int, tuple[date, date]]] = {}

    def overrides(self, year: int) -> dict[date, tuple[str, str, str]]:
        cached = self._overrides.get(year)
        if cached is None:
            from yunwei.core.models import CalendarDay

            rows = CalendarDay.objects.filter(
                date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
            ).values_list("date", "kind", "name", "note")
            cached = {row[0]: (row[1], row[2], row[3]) for row in rows}
            self._overrides[year] = cached
        return cached

    def calendar_years(self) -> dict[int, str]:
        if self._years is None:
            from yunwei.core.models import CalendarYear

            self._years = dict(CalendarYear.objects.values_list("year", "source"))
        return self._years

    def filing_rows(self, year: int) -> dict[int, tuple[date, date]]:
        cached = self._filing.get(year)
        if cached is None:
            from yunwei.core.models import FilingPeriod

            rows = FilingPeriod.objects.filter(year=year).values_list(
                "month", "start_date", "end_date"
            )
            cached = {row[0]: (row[1], row[2]) for row in rows}
            self._filing[year] = cached
        return cached

    def office_intervals(self, org) -> list[tuple[time, time]]:
        org_id = _org_id(org)
        cached = self._office.get(org_id)
        if cached is None:
            cached = _load_office_intervals(org, org_id)
            self._office[org_id] = cached
        return cached


_lock = threading.Lock()
_shared: _Snapshot | None = None
_version_checked_at = 0.0
_warned_years: set[int] = set()


def _read_shared_version() -> str | None:
    try:
        from django.core.cache import cache

        return cache.get(VERSION_CACHE_KEY)
    except Exception:  # a cache server that is down must not stop the calendar
        logger.warning("could not read the working-calendar cache version", exc_info=True)
        return None


def _snapshot() -> _Snapshot:
    global _shared, _version_checked_at
    if connection.in_atomic_block:
        return _Snapshot()
    now = monotonic_time.monotonic()
    with _lock:
        snap = _shared
        if snap is not None and now - snap.created >= CACHE_SECONDS:
            snap = None
        if snap is not None and now - _version_checked_at >= VERSION_CHECK_SECONDS:
            _version_checked_at = now
            if _read_shared_version() != snap.version:
                snap = None
        if snap is None:
            snap = _Snapshot(_read_shared_version())
            _version_checked_at = now
            _shared = snap
        return snap


def clear_cache() -> None:
    """Forget cached overrides, years, office hours and filing periods, in every process.

    Package lookups stay cached: the installed package does not change while running.
    """
    global _shared
    with _lock:
        _shared = None
    _warned_years.clear()
    try:
        from django.core.cache import cache

        cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, None)
    except Exception:
        logger.warning("could not bump the working-calendar cache version", exc_info=True)


# --- Input handling --------------------------------------------------------------------------


def _to_date(value) -> date:
    if isinstance(value, datetime):
        return _to_aware(value).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def _to_aware(value) -> datetime:
    """An aware datetime in Asia/Shanghai; naive values are taken as Asia/Shanghai."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            return value.replace(tzinfo=SHANGHAI)
        return value.astimezone(SHANGHAI)
    if isinstance(value, date):
        return datetime.combine(value, time.min, tzinfo=SHANGHAI)
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def _org_id(org) -> int | None:
    if org is None:
        return None
    if isinstance(org, int):
        return org
    return org.pk


def _warn_missing(year: int) -> None:
    if year not in _warned_years:
        _warned_years.add(year)
        logger.warning(
            "The working calendar has no data for %s: Monday to Friday are taken as "
            "workdays (plus any day overrides). Add the year when it is published.",
            year,
        )


# --- Days ------------------------------------------------------------------------------------


def _year_has_data(snap: _Snapshot, year: int) -> bool:
    return package_covers(year) or year in snap.calendar_years()


def _resolve(snap: _Snapshot, day: date) -> DayInfo:
    override = snap.overrides(day.year).get(day)
    package = _package_day(day)
    has_data = package is not None or _year_has_data(snap, day.year)
    weekend = day.weekday() >= 5
    if not has_data:
        _warn_missing(day.year)
    package_name = _holiday_label(package[1]) if package is not None else ""
    if override is not None:
        kind_value, name, note = override
        workday = kind_value == "workday"
        name = name or package_name
        if workday:
            normally_rest = (not package[0]) if package is not None else weekend
            kind = KIND_MAKEUP if normally_rest else KIND_WORKDAY
        else:
            kind = KIND_HOLIDAY
        return DayInfo(
            date=day,
            is_workday=workday,
            kind=kind,
            holiday_name="" if workday else name,
            name=name,
            source=SOURCE_OVERRIDE,
            year_has_data=has_data,
            note=note,
        )
    if package is not None:
        workday, _english = package
        if workday:
            kind = KIND_MAKEUP if weekend else KIND_WORKDAY
        else:
            kind = KIND_HOLIDAY if package_name else KIND_REST
        return DayInfo(
            date=day,
            is_workday=workday,
            kind=kind,
            holiday_name="" if workday else package_name,
            name=package_name,
            source=SOURCE_PACKAGE,
            year_has_data=True,
        )
    return DayInfo(
        date=day,
        is_workday=not weekend,
        kind=KIND_REST if weekend else KIND_WORKDAY,
        holiday_name="",
        name="",
        source=SOURCE_WEEKDAYS,
        year_has_data=has_data,
    )


def day_info(d) -> DayInfo:
    """Everything about one day: workday?, kind, holiday name, source, whether the year has data."""
    return _resolve(_snapshot(), _to_date(d))


def is_workday(d) -> bool:
    return _resolve(_snapshot(), _to_date(d)).is_workday


def _next_workday(snap: _Snapshot, day: date) -> date:
    for _step in range(MAX_SEARCH_DAYS):
        day += timedelta(days=1)
        if _resolve(snap, day).is_workday:
            return day
    raise ValueError(_("No workday found within %(n)s days.") % {"n": MAX_SEARCH_DAYS})


def next_workday(d) -> date:
    """The first workday strictly after ``d``'s date."""
    return _next_workday(_snapshot(), _to_date(d))


def workdays_between(start, end) -> int:
    """How many workdays lie from ``start``'s date to ``end``'s date, both included.

    0 when ``end`` is before ``start``.
    """
    snap = _snapshot()
    first, last = _to_date(start), _to_date(end)
    count = 0
    day = first
    while day <= last:
        if _resolve(snap, day).is_workday:
            count += 1
        day += timedelta(days=1)
    return count


def days_of_month(year: int, month: int) -> list[DayInfo]:
    """``day_info`` for every day of one month (one query for the whole year)."""
    snap = _snapshot()
    day = date(year, month, 1)
    result = []
    while day.month == month:
        result.append(_resolve(snap, day))
        day += timedelta(days=1)
    return result


# --- Office hours ----------------------------------------------------------------------------


def _parse_intervals(raw) -> list[tuple[time, time]]:
    result = []
    for start, end in raw:
        start_h, start_m = (int(part) for part in str(start).split(":"))
        end_h, end_m = (int(part) for part in str(end).split(":"))
        result.append((time(start_h, start_m), time(end_h, end_m)))
    return result


def _load_office_intervals(org, org_id: int | None) -> list[tuple[time, time]]:
    from django.db.models import Q

    from yunwei.core.models import OfficeHours, Organisation
    from yunwei.core.models.calendar import DEFAULT_OFFICE_INTERVALS

    chain: list[int] = []
    if org_id is not None:
        path = getattr(org, "path", None) if not isinstance(org, int) else None
        if path is None:
            path = Organisation.objects.filter(pk=org_id).values_list("path", flat=True).first()
        chain = [int(part) for part in (path or "").strip("/").split("/") if part]
        if org_id not in chain:
            chain.append(org_id)
    rows = {
        organisation_id: intervals
        for organisation_id, intervals in OfficeHours.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id__in=chain)
        ).values_list("organisation_id", "intervals")
    }
    for candidate in reversed(chain):  # nearest first
        if candidate in rows:
            return _parse_intervals(rows[candidate])
    if None in rows:
        return _parse_intervals(rows[None])
    return _parse_intervals(DEFAULT_OFFICE_INTERVALS)


def office_intervals(org=None) -> list[tuple[time, time]]:
    """The office periods of a workday for ``org`` (its own, its nearest ancestor's, else the
    default), as (start, end) times."""
    return list(_snapshot().office_intervals(org))


def _periods(snap: _Snapshot, day: date, org) -> list[tuple[datetime, datetime]]:
    return [
        (
            datetime.combine(day, start, tzinfo=SHANGHAI),
            datetime.combine(day, end, tzinfo=SHANGHAI),
        )
        for start, end in snap.office_intervals(org)
    ]


def _end_of_office_day(snap: _Snapshot, day: date, org) -> datetime:
    return _periods(snap, day, org)[-1][1]


def deadline(start, n: int, org=None) -> datetime:
    """The end of office hours on the ``n``-th workday after ``start``'s date.

    ``n == 0``: the end of that day's office hours when ``start``'s date is a workday (even if
    ``start`` is already later that day), else the end of the next workday's office hours.
    """
    n = int(n)
    if n < 0:
        raise ValueError(_("The number of workdays cannot be negative."))
    snap = _snapshot()
    day = _to_aware(start).date()
    if n == 0:
        if not _resolve(snap, day).is_workday:
            day = _next_workday(snap, day)
    else:
        for _step in range(n):
            day = _next_workday(snap, day)
    return _end_of_office_day(snap, day, org)


def _to_seconds(hours) -> float:
    if isinstance(hours, timedelta):
        return hours.total_seconds()
    if isinstance(hours, Decimal):
        return float(hours * 3600)
    return float(hours) * 3600


def add_office_hours(start, hours, org=None) -> datetime:
    """``start`` plus ``hours`` of office time (a number of hours or a timedelta).

    Only office periods of workdays count. A start outside office hours begins at the next
    office period; a result that falls exactly on the end of a period stays there.
    """
    seconds = _to_seconds(hours)
    if seconds < 0:
        raise ValueError(_("The number of hours cannot be negative."))
    remaining = timedelta(seconds=seconds)
    snap = _snapshot()
    cursor = _to_aware(start)
    day = cursor.date()
    for _step in range(MAX_SEARCH_DAYS):
        if _resolve(snap, day).is_workday:
            for period_start, period_end in _periods(snap, day, org):
                if period_end <= cursor:
                    continue
                begin = max(cursor, period_start)
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
                cursor = period_end
        day += timedelta(days=1)
    raise ValueError(_("No office hours found within %(n)s days.") % {"n": MAX_SEARCH_DAYS})


def office_seconds_between(a, b, org=None) -> int:
    """Seconds of office time on workdays between ``a`` and ``b`` (negative if ``b`` < ``a``)."""
    first, last = _to_aware(a), _to_aware(b)
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    snap = _snapshot()
    total = timedelta()
    day = first.date()
    while day <= last.date():
        if _resolve(snap, day).is_workday:
            for period_start, period_end in _periods(snap, day, org):
                overlap = min(period_end, last) - max(period_start, first)
                if overlap > timedelta():
                    total += overlap
        day += timedelta(days=1)
    return sign * int(total.total_seconds())


# --- Filing periods --------------------------------------------------------------------------


def _computed_filing_period(snap: _Snapshot, year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    last = date(year, month, 15)
    # Runs of three or more consecutive rest days inside the period that belong to a
    # statutory holiday extend it by their length.
    extension = 0
    run, run_has_holiday = 0, False
    day = first
    while day <= last:
        info = _resolve(snap, day)
        if info.is_workday:
            if run >= 3 and run_has_holiday:
                extension += run
            run, run_has_holiday = 0, False
        else:
            run += 1
            run_has_holiday = run_has_holiday or info.is_statutory_holiday
        day += timedelta(days=1)
    if run >= 3 and run_has_holiday:
        extension += run
    last += timedelta(days=extension)
    # A period ending on a rest day ends on the first workday after it.
    if not _resolve(snap, last).is_workday:
        last = _next_workday(snap, last)
    return first, last


def computed_filing_period(year: int, month: int) -> tuple[date, date]:
    """The filing period by the statutory rule alone, ignoring a manual setting."""
    _check_month(year, month)
    return _computed_filing_period(_snapshot(), year, month)


def _check_month(year: int, month: int) -> None:
    if not 1 <= int(month) <= 12:
        raise ValueError(_("The month must be between 1 and 12."))
    if not 1 <= int(year) <= 9998:
        raise ValueError(_("The year is out of range."))


def filing_period(year: int, month: int) -> FilingPeriodInfo:
    """(first, last, source) of the filing period of one month.

    A manual ``FilingPeriod`` row wins (source "manual"); otherwise the 1st–15th, extended by
    the statutory rule: a run of three or more consecutive statutory holiday days inside the
    period extends it by that many days; then a last day that is a rest day moves to the first
    workday after it (source "computed").
    """
    year, month = int(year), int(month)
    _check_month(year, month)
    snap = _snapshot()
    manual = snap.filing_rows(year).get(month)
    if manual is not None:
        return FilingPeriodInfo(manual[0], manual[1], FILING_MANUAL)
    first, last = _computed_filing_period(snap, year, month)
    return FilingPeriodInfo(first, last, FILING_COMPUTED)


def is_in_filing_period(d) -> bool:
    day = _to_date(d)
    first, last, _source = filing_period(day.year, day.month)
    return first <= day <= last


# --- Data coverage and warnings --------------------------------------------------------------


def year_has_data(year: int) -> bool:
    """Whether ``year``'s holidays are known: to the package, or as a ``CalendarYear`` row."""
    return _year_has_data(_snapshot(), int(year))


def year_source(year: int) -> str | None:
    """ "package", "manual" or None (no data)."""
    if package_covers(int(year)):
        return "package"
    return _snapshot().calendar_years().get(int(year))


def missing_year_warning(year: int) -> str:
    return _(
        "The working calendar has no holidays for %(year)s: Monday to Friday are counted as "
        "workdays. Add the year and its holidays and make-up workdays."
    ) % {"year": year}


def missing_year_warnings(today=None) -> list[str]:
    """Warnings for the current year and, from November on, the next year, when no data."""
    today = _to_date(today) if today is not None else datetime.now(SHANGHAI).date()
    warnings = []
    snap = _snapshot()
    if not _year_has_data(snap, today.year):
        warnings.append(missing_year_warning(today.year))
    if today.month >= 11 and not _year_has_data(snap, today.year + 1):
        warnings.append(
            _(
                "The holidays of %(year)s are not in the working calendar yet. Add them as soon "
                "as the State Council publishes them."
            )
            % {"year": today.year + 1}
        )
    return warnings


def calendar_warnings(request) -> list[str]:
    """Warnings the base template shows to users who may see the calendar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    if not user.has_perm("core.view_calendarday"):
        return []
    try:
        return missing_year_warnings()
    except Exception:  # a warning banner must never break a page
        logger.exception("could not compute the working-calendar warnings")
        return []
