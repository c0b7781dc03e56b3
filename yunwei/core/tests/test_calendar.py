"""The working calendar, office hours, deadlines, filing periods, CLI, import and pages."""

import logging
import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from yunwei.core import workcalendar
from yunwei.core.actions import calendar as actions_calendar
from yunwei.core.models import AuditEntry, CalendarDay, CalendarYear, FilingPeriod, OfficeHours
from yunwei.core.models.calendar import DayKind
from yunwei.core.workcalendar import (
    add_office_hours,
    day_info,
    deadline,
    filing_period,
    is_in_filing_period,
    is_workday,
    missing_year_warnings,
    next_workday,
    office_intervals,
    office_seconds_between,
    workdays_between,
    year_has_data,
)

SH = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[3]
# A year that neither chinese-calendar nor the database knows.
NO_DATA_YEAR = 2031


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    workcalendar.clear_cache()
    yield
    workcalendar.clear_cache()


@pytest.fixture
def om_owner(make_user):
    return make_user("om_owner", username="owner1")


@pytest.fixture
def tier1(make_user):
    return make_user("tier1", org="county_a1", username="tier1a")


# --- Days from the package -------------------------------------------------------------------


@pytest.mark.django_db
def test_national_day_2026_and_its_make_up_workdays():
    for day in range(1, 8):
        info = day_info(date(2026, 10, day))
        assert not info.is_workday, day
        assert info.kind == workcalendar.KIND_HOLIDAY
        assert info.holiday_name  # 国庆节 / National Day
        assert info.source == workcalendar.SOURCE_PACKAGE
        assert info.year_has_data
    assert is_workday(date(2026, 10, 8))
    # Make-up workdays: Sunday 20 September and Saturday 10 October.
    for makeup in (date(2026, 9, 20), date(2026, 10, 10)):
        info = day_info(makeup)
        assert makeup.weekday() >= 5
        assert info.is_workday and info.is_makeup_workday
        assert info.holiday_name == "" and info.name
    assert not is_workday(date(2026, 10, 11))  # an ordinary Sunday
    assert day_info(date(2026, 10, 11)).kind == workcalendar.KIND_REST


@pytest.mark.django_db
def test_spring_festival_2026_and_its_make_up_workdays():
    for offset in range(9):  # 15–23 February
        assert not is_workday(date(2026, 2, 15) + timedelta(days=offset))
    assert is_workday(date(2026, 2, 24))
    assert day_info(date(2026, 2, 14)).is_makeup_workday
    assert day_info(date(2026, 2, 28)).is_makeup_workday


@pytest.mark.django_db
def test_next_workday_and_counting_workdays():
    assert next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    assert next_workday(date(2026, 10, 9)) == date(2026, 10, 10)  # the make-up Saturday
    assert next_workday(at("2026-09-30T23:00")) == date(2026, 10, 8)
    assert workdays_between(date(2026, 10, 1), date(2026, 10, 11)) == 3
    assert workdays_between(date(2026, 9, 28), date(2026, 9, 30)) == 3
    assert workdays_between(date(2026, 10, 2), date(2026, 10, 1)) == 0


@pytest.mark.django_db
def test_datetimes_in_other_zones_are_taken_in_shanghai():
    # 16:30 UTC on 30 September is 00:30 on 1 October in Shanghai: a holiday.
    assert not is_workday(datetime(2026, 9, 30, 16, 30, tzinfo=ZoneInfo("UTC")))
    assert is_workday(datetime(2026, 9, 30, 15, 30, tzinfo=ZoneInfo("UTC")))


# --- Deadlines and office hours --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-09-30T17:00", 2, "2026-10-09T17:30"),
        ("2026-09-30T17:00", 1, "2026-10-08T17:30"),
        ("2026-09-30T09:00", 0, "2026-09-30T17:30"),  # n=0 on a workday: that day
        ("2026-09-30T20:00", 0, "2026-09-30T17:30"),  # … even after office hours
        ("2026-10-03T10:00", 0, "2026-10-08T17:30"),  # n=0 on a holiday: the next workday
        ("2026-10-03T10:00", 1, "2026-10-08T17:30"),  # starting on a rest day
        ("2026-10-17T10:00", 1, "2026-10-19T17:30"),  # an ordinary Saturday
        ("2026-10-09T10:00", 1, "2026-10-10T17:30"),  # the make-up Saturday counts
        ("2026-02-13T10:00", 1, "2026-02-14T17:30"),
        ("2026-02-14T10:00", 1, "2026-02-24T17:30"),
    ],
)
def test_deadline(start, n, expected):
    result = deadline(at(start), n)
    assert result == at(expected)
    assert result.utcoffset() == timedelta(hours=8)


@pytest.mark.django_db
def test_deadline_accepts_dates_naive_and_foreign_times():
    assert deadline(date(2026, 9, 30), 2) == at("2026-10-09T17:30")
    assert deadline(datetime(2026, 9, 30, 17, 0), 2) == at("2026-10-09T17:30")  # noqa: DTZ001
    assert deadline(datetime(2026, 9, 30, 9, 0, tzinfo=ZoneInfo("UTC")), 2) == at(
        "2026-10-09T17:30"
    )
    with pytest.raises(ValueError):
        deadline(at("2026-09-30T09:00"), -1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        ("2026-09-29T11:00", 2, "2026-09-29T15:30"),  # across lunch
        ("2026-09-29T11:00", 1, "2026-09-29T12:00"),  # ends exactly at the end of a period
        ("2026-09-29T17:00", 1, "2026-09-30T09:00"),  # across a night
        ("2026-09-30T16:00", 4, "2026-10-08T11:00"),  # across the National Day holiday
        ("2026-09-29T07:00", 1, "2026-09-29T09:30"),  # before office hours
        ("2026-09-29T12:30", 0.5, "2026-09-29T15:00"),  # in the lunch break
        ("2026-09-29T20:00", 0, "2026-09-30T08:30"),  # zero hours: the next office moment
        ("2026-10-01T09:00", 0.5, "2026-10-08T09:00"),  # starting on a holiday
        ("2026-10-09T17:00", 1, "2026-10-10T09:00"),  # into the make-up Saturday
    ],
)
def test_add_office_hours(start, hours, expected):
    assert add_office_hours(at(start), hours) == at(expected)


@pytest.mark.django_db
def test_add_office_hours_accepts_timedelta_and_rejects_negative():
    assert add_office_hours(at("2026-09-29T11:00"), timedelta(minutes=90)) == at("2026-09-29T15:00")
    with pytest.raises(ValueError):
        add_office_hours(at("2026-09-29T11:00"), -1)


@pytest.mark.django_db
def test_office_seconds_between():
    assert office_seconds_between(at("2026-09-29T08:00"), at("2026-09-29T18:00")) == 6.5 * 3600
    assert office_seconds_between(at("2026-09-30T17:00"), at("2026-10-08T09:00")) == 3600
    assert office_seconds_between(at("2026-10-08T09:00"), at("2026-09-30T17:00")) == -3600
    assert office_seconds_between(at("2026-10-01T00:00"), at("2026-10-07T23:59")) == 0
    # Consistent with add_office_hours.
    start = at("2026-09-30T16:00")
    assert office_seconds_between(start, add_office_hours(start, 4)) == 4 * 3600


@pytest.mark.django_db
def test_office_hours_per_organisation_with_inheritance(org_tree, admin_user):
    assert office_intervals(org_tree["office_a1"]) == [
        (time(8, 30), time(12, 0)),
        (time(14, 30), time(17, 30)),
    ]
    actions_calendar.do_save_office_hours(
        OfficeHours(intervals=[["09:00", "12:00"], ["13:30", "17:00"]]), actor=admin_user
    )
    actions_calendar.do_save_office_hours(
        OfficeHours(
            organisation=org_tree["city_a"], intervals=[["08:00", "12:00"], ["14:00", "18:00"]]
        ),
        actor=admin_user,
    )
    # The sub-office and the county under city A inherit city A's; city B gets the default.
    assert deadline(at("2026-09-29T10:00"), 0, org=org_tree["office_a1"]) == at("2026-09-29T18:00")
    assert deadline(at("2026-09-29T10:00"), 0, org=org_tree["county_a2"].pk) == at(
        "2026-09-29T18:00"
    )
    assert deadline(at("2026-09-29T10:00"), 0, org=org_tree["city_b"]) == at("2026-09-29T17:00")
    assert deadline(at("2026-09-29T10:00"), 0) == at("2026-09-29T17:00")
    assert add_office_hours(at("2026-09-29T11:00"), 2, org=org_tree["county_a1"]) == at(
        "2026-09-29T15:00"
    )
    # A nearer organisation's own hours win over its ancestor's.
    actions_calendar.do_save_office_hours(
        OfficeHours(organisation=org_tree["county_a1"], intervals=[["08:00", "16:00"]]),
        actor=admin_user,
    )
    assert deadline(at("2026-09-29T10:00"), 0, org=org_tree["office_a1"]) == at("2026-09-29T16:00")
    assert AuditEntry.objects.filter(action="core.officehours.create").count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "intervals",
    [
        [],
        [["08:30", "12:00"], ["11:00", "17:30"]],  # overlapping
        [["14:30", "17:30"], ["08:30", "12:00"]],  # not in order
        [["12:00", "08:30"]],  # ends before it starts
        [["8:30", "12:00"]],  # not HH:MM
        [["08:30", "24:00"]],
        [["08:30"]],
    ],
)
def test_office_hours_validation(intervals):
    with pytest.raises(ValidationError):
        OfficeHours(intervals=intervals).full_clean()


@pytest.mark.django_db
def test_only_one_default_office_hours(admin_user):
    actions_calendar.do_save_office_hours(OfficeHours(), actor=admin_user)
    with pytest.raises(ValidationError):
        actions_calendar.do_save_office_hours(OfficeHours(), actor=admin_user)
    assert OfficeHours.objects.count() == 1


# --- Years without data and manual years -----------------------------------------------------


@pytest.mark.django_db
def test_year_without_data_falls_back_to_weekdays_and_warns(caplog):
    assert not workcalendar.package_covers(NO_DATA_YEAR)
    assert not year_has_data(NO_DATA_YEAR)
    with caplog.at_level(logging.WARNING, logger="yunwei.core.workcalendar"):
        info = day_info(date(NO_DATA_YEAR, 10, 1))  # a Wednesday
    assert info.is_workday and info.source == workcalendar.SOURCE_WEEKDAYS
    assert not info.year_has_data
    assert str(NO_DATA_YEAR) in caplog.text
    assert not is_workday(date(NO_DATA_YEAR, 10, 4))  # Saturday
    assert deadline(at(f"{NO_DATA_YEAR}-10-03T10:00"), 1) == at(f"{NO_DATA_YEAR}-10-06T17:30")
    assert add_office_hours(at(f"{NO_DATA_YEAR}-10-04T10:00"), 1) == at(
        f"{NO_DATA_YEAR}-10-06T09:30"
    )
    assert filing_period(NO_DATA_YEAR, 10) == (
        date(NO_DATA_YEAR, 10, 1),
        date(NO_DATA_YEAR, 10, 15),
        "computed",
    )
    warnings = missing_year_warnings(date(NO_DATA_YEAR, 3, 1))
    assert len(warnings) == 1 and str(NO_DATA_YEAR) in warnings[0]


@pytest.mark.django_db
def test_manual_year_with_overrides(admin_user):
    actions_calendar.do_add_calendar_year(NO_DATA_YEAR, actor=admin_user, note="国办发明电")
    assert CalendarYear.objects.get(year=NO_DATA_YEAR).source == "manual"
    assert year_has_data(NO_DATA_YEAR)
    assert missing_year_warnings(date(NO_DATA_YEAR, 3, 1)) == []
    for day in range(1, 8):
        actions_calendar.do_set_calendar_day(
            actor=admin_user, date=date(NO_DATA_YEAR, 10, day), kind=DayKind.HOLIDAY, name="国庆节"
        )
    actions_calendar.do_set_calendar_day(
        actor=admin_user, date=date(NO_DATA_YEAR, 9, 28), kind=DayKind.WORKDAY, name="国庆节"
    )
    info = day_info(date(NO_DATA_YEAR, 10, 1))
    assert not info.is_workday and info.holiday_name == "国庆节" and info.source == "override"
    assert info.year_has_data
    assert day_info(date(NO_DATA_YEAR, 9, 28)).is_makeup_workday  # a Sunday
    assert deadline(at(f"{NO_DATA_YEAR}-09-30T17:00"), 1) == at(f"{NO_DATA_YEAR}-10-08T17:30")
    assert filing_period(NO_DATA_YEAR, 10) == (
        date(NO_DATA_YEAR, 10, 1),
        date(NO_DATA_YEAR, 10, 22),
        "computed",
    )
    assert AuditEntry.objects.filter(action="core.calendaryear.create").count() == 1
    assert AuditEntry.objects.filter(action="core.calendarday.create").count() == 8


@pytest.mark.django_db
def test_missing_next_year_warning_from_november():
    assert missing_year_warnings(date(2026, 10, 31)) == []
    expected = 0 if workcalendar.package_covers(2027) else 1
    assert len(missing_year_warnings(date(2026, 11, 1))) == expected


@pytest.mark.django_db
def test_calendar_warnings_for_the_base_template(admin_user, tier1, rf):
    request = rf.get("/")
    request.user = admin_user
    assert workcalendar.calendar_warnings(request) == missing_year_warnings()
    request.user = tier1  # may not see the calendar
    assert workcalendar.calendar_warnings(request) == []


# --- Overrides -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_override_changes_results_and_notifies_after_commit(
    admin_user, django_capture_on_commit_callbacks
):
    seen = []
    callback = workcalendar.on_calendar_changed(seen.append)
    try:
        assert deadline(at("2026-09-30T17:00"), 2) == at("2026-10-09T17:30")
        with django_capture_on_commit_callbacks(execute=True):
            day = actions_calendar.do_set_calendar_day(
                actor=admin_user, date=date(2026, 10, 9), kind=DayKind.HOLIDAY, name="停电"
            )
        assert not is_workday(date(2026, 10, 9))
        assert day_info(date(2026, 10, 9)).source == "override"
        assert deadline(at("2026-09-30T17:00"), 2) == at("2026-10-10T17:30")
        assert seen and seen[-1].kind == "day" and date(2026, 10, 9) in seen[-1].dates
        # A workday override on a holiday.
        actions_calendar.do_set_calendar_day(
            actor=admin_user, date=date(2026, 10, 7), kind=DayKind.WORKDAY
        )
        assert day_info(date(2026, 10, 7)).is_makeup_workday
        with django_capture_on_commit_callbacks(execute=True):
            actions_calendar.do_delete_calendar_day(day, actor=admin_user)
        assert is_workday(date(2026, 10, 9))
        assert len(seen) == 2
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert {"core.calendarday.create", "core.calendarday.delete"} <= actions
    finally:
        workcalendar.calendar_changed_callbacks.remove(callback)


@pytest.mark.django_db
def test_a_failing_callback_does_not_break_the_others():
    seen = []

    def broken(change):
        raise RuntimeError("boom")

    workcalendar.calendar_changed_callbacks.extend([broken, seen.append])
    try:
        workcalendar.notify_calendar_changed(workcalendar.CalendarChange("year", years=(2027,)))
    finally:
        workcalendar.calendar_changed_callbacks.remove(broken)
        workcalendar.calendar_changed_callbacks.remove(seen.append)
    assert len(seen) == 1


# --- Filing periods --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("month", "first", "last"),
    [
        (10, date(2026, 10, 1), date(2026, 10, 22)),  # 7-day National Day: +7
        (5, date(2026, 5, 1), date(2026, 5, 20)),  # 5-day Labour Day: +5
        (2, date(2026, 2, 1), date(2026, 2, 24)),  # 9-day Spring Festival: +9
        (4, date(2026, 4, 1), date(2026, 4, 20)),  # 3-day Qingming: 18th is a Saturday → 20th
        (3, date(2026, 3, 1), date(2026, 3, 16)),  # the 15th is a Sunday
        (8, date(2026, 8, 1), date(2026, 8, 17)),  # the 15th is a Saturday
        (7, date(2026, 7, 1), date(2026, 7, 15)),  # nothing to extend
    ],
)
def test_computed_filing_period(month, first, last):
    assert filing_period(2026, month) == (first, last, "computed")


@pytest.mark.django_db
def test_manual_filing_period_wins_and_can_be_reset(admin_user):
    actions_calendar.do_set_filing_period(
        actor=admin_user,
        year=2026,
        month=10,
        start_date=date(2026, 10, 1),
        end_date=date(2026, 10, 23),
        note="税务总局通知",
    )
    assert filing_period(2026, 10) == (date(2026, 10, 1), date(2026, 10, 23), "manual")
    assert is_in_filing_period(date(2026, 10, 23))
    assert workcalendar.computed_filing_period(2026, 10) == (date(2026, 10, 1), date(2026, 10, 22))
    assert actions_calendar.do_reset_filing_period(actor=admin_user, year=2026, month=10)
    assert filing_period(2026, 10).source == "computed"
    assert not is_in_filing_period(date(2026, 10, 23))
    assert is_in_filing_period(at("2026-10-22T23:00"))
    assert not actions_calendar.do_reset_filing_period(actor=admin_user, year=2026, month=10)
    assert AuditEntry.objects.filter(action="core.filingperiod.create").exists()
    assert AuditEntry.objects.filter(action="core.filingperiod.delete").exists()


@pytest.mark.django_db
def test_manual_filing_period_outside_its_month_is_refused(admin_user):
    with pytest.raises(ValidationError):
        actions_calendar.do_set_filing_period(
            actor=admin_user,
            year=2026,
            month=10,
            start_date=date(2026, 10, 1),
            end_date=date(2026, 11, 2),
        )
    with pytest.raises(ValidationError):
        actions_calendar.do_set_filing_period(
            actor=admin_user,
            year=2026,
            month=10,
            start_date=date(2026, 10, 10),
            end_date=date(2026, 10, 5),
        )
    assert not FilingPeriod.objects.exists()


@pytest.mark.django_db
def test_filing_period_bad_month():
    with pytest.raises(ValueError):
        filing_period(2026, 13)


# --- CLI -------------------------------------------------------------------------------------


def run_cli(*args):
    out, err = StringIO(), StringIO()
    call_command("calendar", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


@pytest.mark.django_db
def test_cli_answers():
    assert run_cli("is-workday", "2026-10-10") == ("true", "")
    assert run_cli("is-workday", "2026-10-01")[0] == "false"
    assert run_cli("deadline", "2026-09-30T17:00", "2")[0] == "2026-10-09T17:30:00+08:00"
    assert run_cli("deadline", "2026-09-30T09:00Z", "2")[0] == "2026-10-09T17:30:00+08:00"
    assert run_cli("add-hours", "2026-09-30T16:00", "4")[0] == "2026-10-08T11:00:00+08:00"
    assert run_cli("add-hours", "2026-09-29 11:00", "0.5")[0] == "2026-09-29T11:30:00+08:00"
    assert run_cli("filing-period", "2026-10")[0] == "2026-10-01 2026-10-22"


@pytest.mark.django_db
def test_cli_office_hours_of_an_organisation(org_tree, admin_user):
    actions_calendar.do_save_office_hours(
        OfficeHours(
            organisation=org_tree["city_a"], intervals=[["08:00", "12:00"], ["14:00", "18:00"]]
        ),
        actor=admin_user,
    )
    code = org_tree["office_a1"].code
    assert run_cli("deadline", "2026-09-30T17:00", "2", "--org", code)[0] == (
        "2026-10-09T18:00:00+08:00"
    )


@pytest.mark.django_db
def test_cli_missing_year_warns_on_stderr_but_answers():
    out, err = run_cli("is-workday", f"{NO_DATA_YEAR}-10-01")
    assert out == "true"
    assert str(NO_DATA_YEAR) in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ("is-workday", "2026-13-01"),
        ("is-workday", "tomorrow"),
        ("deadline", "2026-09-30T25:00", "2"),
        ("deadline", "2026-09-30T17:00", "two"),
        ("add-hours", "2026-09-30T16:00", "-1"),
        ("add-hours", "2026-09-30T16:00", "NaN"),
        ("filing-period", "2026-13"),
        ("filing-period", "October"),
        ("add-year", "27"),
        ("deadline", "2026-09-30T17:00", "2", "--org", "no-such-org"),
        ("import", "/nonexistent/days.xlsx"),
    ],
)
def test_cli_bad_arguments_exit_with_2(args):
    with pytest.raises(CommandError) as caught:
        run_cli(*args)
    assert caught.value.returncode == 2
    assert str(caught.value)


@pytest.mark.django_db
def test_cli_add_year(admin_user):
    out, _err = run_cli("add-year", str(NO_DATA_YEAR), "--user", admin_user.username)
    assert str(NO_DATA_YEAR) in out
    assert year_has_data(NO_DATA_YEAR)
    entry = AuditEntry.objects.get(action="core.calendaryear.create")
    assert entry.actor_id == admin_user.pk
    with pytest.raises(CommandError) as caught:
        run_cli("add-year", str(NO_DATA_YEAR))
    assert caught.value.returncode == 1


def _yunwei(*args, env=None):
    env = {**(env if env is not None else os.environ), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "yunwei"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("calendar", "is-workday", "not-a-date"),
        ("calendar", "deadline", "2026-09-30T17:00", "many"),
        ("calendar", "filing-period", "2026-00"),
        ("calendar", "frobnicate"),
        ("calendar", "deadline", "2026-09-30T17:00"),
    ],
)
def test_console_script_bad_arguments_exit_with_2(args):
    result = _yunwei(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip()
    assert result.stdout == ""


CORE_HAS_MIGRATIONS = any((ROOT / "yunwei" / "core" / "migrations").glob("0*.py"))


@pytest.mark.skipif(not CORE_HAS_MIGRATIONS, reason="core has no migrations yet")
def test_console_script_answers_on_a_fresh_database(tmp_path):
    env = {**os.environ, "YUNWEI_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    migrate = _yunwei("migrate", "--verbosity", "0", env=env)
    assert migrate.returncode == 0, migrate.stderr
    result = _yunwei("calendar", "deadline", "2026-09-30T17:00", "2", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026-10-09T17:30:00+08:00"
    result = _yunwei("calendar", "is-workday", f"{NO_DATA_YEAR}-10-04", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "false"
    assert str(NO_DATA_YEAR) in result.stderr


# --- Import ----------------------------------------------------------------------------------


def write_sheet(path: Path, rows, headers=("日期", "类型", "名称", "备注")) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


@pytest.mark.django_db
def test_import_good_file(tmp_path, admin_user):
    CalendarDay.objects.create(date=date(NO_DATA_YEAR, 10, 1), kind=DayKind.WORKDAY)
    path = write_sheet(
        tmp_path / "days.xlsx",
        [
            (datetime(NO_DATA_YEAR, 10, 1), "休息日", "国庆节", ""),  # noqa: DTZ001 - Excel cell
            (f"{NO_DATA_YEAR}-10-02", "节假日", "国庆节", "国办发明电"),
            (f"{NO_DATA_YEAR}/09/28", "调休上班", "国庆节", None),
            (f"{NO_DATA_YEAR}-10-11", "工作日", "", ""),
        ],
    )
    out, _err = run_cli("import", str(path), "--user", admin_user.username)
    assert "3" in out and "1" in out
    assert CalendarDay.objects.count() == 4
    assert CalendarDay.objects.get(date=date(NO_DATA_YEAR, 10, 1)).kind == DayKind.HOLIDAY
    assert CalendarDay.objects.get(date=date(NO_DATA_YEAR, 10, 2)).note == "国办发明电"
    assert not is_workday(date(NO_DATA_YEAR, 10, 2))
    assert is_workday(date(NO_DATA_YEAR, 9, 28))  # a Sunday, now a make-up workday
    assert AuditEntry.objects.filter(action="core.calendarday.import").count() == 1


@pytest.mark.django_db
def test_import_bad_file_writes_nothing(tmp_path, admin_user):
    from yunwei.core.forms.calendar import CalendarDayImporter

    path = write_sheet(
        tmp_path / "bad.xlsx",
        [
            ("2031-10-01", "休息日", "国庆节", ""),  # fine, but must not be written
            ("2031-10-02", "放一天", "国庆节", ""),
            ("2031-02-30", "休息日", "", ""),
            ("2031-10-01", "工作日", "", ""),
            ("", "休息日", "", ""),
        ],
    )
    audit_before = AuditEntry.objects.count()
    with path.open("rb") as upload:
        result = CalendarDayImporter(actor=admin_user).run(upload)
    assert not result.ok
    messages = [str(error) for error in result.errors]
    by_row = {(error.row, error.column) for error in result.errors}
    assert (3, "类型") in by_row
    assert (4, "日期") in by_row
    assert (5, "日期") in by_row  # the date is already in row 2
    assert (6, "日期") in by_row  # required
    assert all(message for message in messages)
    assert CalendarDay.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before
    with pytest.raises(CommandError) as caught:
        run_cli("import", str(path))
    assert caught.value.returncode == 1
    assert CalendarDay.objects.count() == 0


@pytest.mark.django_db
def test_import_missing_column_and_not_a_workbook(tmp_path, admin_user):
    from yunwei.core.forms.calendar import CalendarDayImporter

    path = write_sheet(tmp_path / "cols.xlsx", [("2031-10-01", "国庆节")], headers=("日期", "名称"))
    with path.open("rb") as upload:
        result = CalendarDayImporter(actor=admin_user).run(upload)
    assert not result.ok and "类型" in str(result.errors[0])
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    with junk.open("rb") as upload:
        assert not CalendarDayImporter(actor=admin_user).run(upload).ok


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_open_for_admin(client, admin_user):
    client.force_login(admin_user)
    for url in [
        reverse("core:calendar"),
        reverse("core:calendar") + "?year=2026",
        reverse("core:calendar") + f"?year={NO_DATA_YEAR}",
        reverse("core:calendaryear_add") + f"?year={NO_DATA_YEAR}",
        reverse("core:calendarday_add") + "?date=2026-10-09",
        reverse("core:calendarday_import"),
        reverse("core:officehours_list"),
        reverse("core:officehours_add"),
        reverse("core:filingperiod_list"),
        reverse("core:filingperiod_list") + "?year=2026",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get(reverse("core:calendar") + f"?year={NO_DATA_YEAR}")
    assert b"no-data-warning" in response.content
    response = client.get(reverse("core:calendar") + "?year=2026")
    assert b"no-data-warning" not in response.content
    assert response.content.count(b'class="day rest') >= 7
    assert b'class="day makeup' in response.content
    assert client.get(reverse("core:calendar") + "?year=abc").status_code == 404
    sample = client.get(reverse("core:calendarday_import") + "?template=1")
    assert sample.status_code == 200 and sample["Content-Type"].startswith("application/vnd")


@pytest.mark.django_db
def test_pages_need_login(client):
    response = client.get(reverse("core:calendar"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_tier1_may_not_view_or_edit(client, tier1):
    client.force_login(tier1)
    assert client.get(reverse("core:calendar")).status_code == 403
    response = client.post(
        reverse("core:calendarday_add"), {"date": "2026-10-09", "kind": "holiday", "name": "x"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("core:filingperiod_list"),
        {
            "year": "2026",
            "month": "10",
            "action": "set",
            "m10-start_date": "2026-10-01",
            "m10-end_date": "2026-10-25",
        },
    )
    assert response.status_code == 403
    assert client.post(reverse("core:calendaryear_add"), {"year": "2031"}).status_code == 403
    assert not CalendarDay.objects.exists() and not FilingPeriod.objects.exists()
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_om_owner_adds_edits_and_deletes_an_override(client, om_owner):
    client.force_login(om_owner)
    assert client.get(reverse("core:calendar")).status_code == 200
    response = client.post(
        reverse("core:calendarday_add"),
        {"date": "2026-10-09", "kind": "holiday", "name": "停电检修", "note": ""},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=date(2026, 10, 9))
    entry = AuditEntry.objects.get(action="core.calendarday.create")
    assert entry.actor_id == om_owner.pk and entry.object_id == str(day.pk)
    assert not is_workday(date(2026, 10, 9))
    response = client.post(
        reverse("core:calendarday_edit", args=[day.pk]),
        {"date": "2026-10-09", "kind": "workday", "name": "", "note": "取消"},
    )
    assert response.status_code == 302
    assert is_workday(date(2026, 10, 9))
    assert AuditEntry.objects.filter(action="core.calendarday.update").exists()
    response = client.post(reverse("core:calendarday_delete", args=[day.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    # A bad date is refused with the form, nothing written.
    response = client.post(
        reverse("core:calendarday_add"), {"date": "2026-02-30", "kind": "holiday"}
    )
    assert response.status_code == 200 and not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_admin_adds_a_year_through_the_page(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("core:calendaryear_add"), {"year": str(NO_DATA_YEAR), "note": ""}
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=NO_DATA_YEAR).source == "manual"
    response = client.get(reverse("core:calendar") + f"?year={NO_DATA_YEAR}")
    assert b"no-data-warning" not in response.content


@pytest.mark.django_db
def test_filing_period_page_sets_and_resets_a_month(client, om_owner):
    client.force_login(om_owner)
    url = reverse("core:filingperiod_list")
    response = client.post(
        url,
        {
            "year": "2026",
            "month": "10",
            "action": "set",
            "m10-start_date": "2026-10-01",
            "m10-end_date": "2026-10-26",
            "m10-note": "税总通知",
        },
    )
    assert response.status_code == 302
    assert filing_period(2026, 10) == (date(2026, 10, 1), date(2026, 10, 26), "manual")
    page = client.get(url + "?year=2026")
    assert page.status_code == 200 and "税总通知" in page.content.decode()
    # Outside the month: refused, shown again with the error.
    response = client.post(
        url,
        {
            "year": "2026",
            "month": "11",
            "action": "set",
            "m11-start_date": "2026-11-01",
            "m11-end_date": "2026-12-02",
        },
    )
    assert response.status_code == 200
    assert not FilingPeriod.objects.filter(month=11).exists()
    response = client.post(url, {"year": "2026", "month": "10", "action": "reset"})
    assert response.status_code == 302
    assert filing_period(2026, 10).source == "computed"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"core.filingperiod.create", "core.filingperiod.delete"} <= actions


@pytest.mark.django_db
def test_office_hours_page(client, admin_user, om_owner, org_tree):
    client.force_login(admin_user)
    response = client.post(
        reverse("core:officehours_add"),
        {"organisation": "", "periods": "09:00-12:00，13:30～17:00", "note": ""},
    )
    assert response.status_code == 302
    default = OfficeHours.objects.get(organisation__isnull=True)
    assert default.intervals == [["09:00", "12:00"], ["13:30", "17:00"]]
    response = client.post(
        reverse("core:officehours_add"),
        {"organisation": "", "periods": "09:00-12:00, 11:00-17:00", "note": ""},
    )
    assert response.status_code == 200  # overlapping periods
    assert OfficeHours.objects.count() == 1
    assert client.get(reverse("core:officehours_edit", args=[default.pk])).status_code == 200
    # An owner of a subtree may not change the default.
    client.force_login(make_owner := om_owner)
    response = client.post(
        reverse("core:officehours_edit", args=[default.pk]),
        {"organisation": "", "periods": "08:00-12:00", "note": ""},
    )
    assert response.status_code == 200 and make_owner
    assert OfficeHours.objects.get(pk=default.pk).intervals[0] == ["09:00", "12:00"]
    response = client.post(
        reverse("core:officehours_add"),
        {"organisation": str(org_tree["city_a"].pk), "periods": "08:00-12:00, 14:00-18:00"},
    )
    assert response.status_code == 302
    assert deadline(at("2026-09-29T10:00"), 0, org=org_tree["office_a1"]) == at("2026-09-29T18:00")


@pytest.mark.django_db
def test_import_page(client, admin_user, tmp_path):
    client.force_login(admin_user)
    bad = write_sheet(
        tmp_path / "bad.xlsx", [("2031-10-01", "休息日", "", ""), ("x", "休息日", "", "")]
    )
    with bad.open("rb") as upload:
        response = client.post(reverse("core:calendarday_import"), {"file": upload})
    assert response.status_code == 200
    assert "import-errors" in response.content.decode()
    assert not CalendarDay.objects.exists()
    good = write_sheet(tmp_path / "good.xlsx", [("2031-10-01", "休息日", "国庆节", "")])
    with good.open("rb") as upload:
        response = client.post(reverse("core:calendarday_import"), {"file": upload})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=date(2031, 10, 1)).exists()


def test_python_runs_this_file():
    # Guard: the subprocess tests need the project's console script.
    assert (ROOT / ".venv" / "bin" / "yunwei").exists(), sys.executable
