"""``yunwei calendar …``: ask the working calendar, import overrides, add a year.

    yunwei calendar is-workday 2026-10-10            → true
    yunwei calendar deadline 2026-09-30T17:00 2      → 2026-10-09T17:30:00+08:00
    yunwei calendar add-hours 2026-09-30T16:00 4     → 2026-10-08T11:00:00+08:00
    yunwei calendar filing-period 2026-10            → 2026-10-01 2026-10-22
    yunwei calendar import days.xlsx [--user NAME]
    yunwei calendar add-year 2027 [--note …] [--user NAME]

Naive times are Asia/Shanghai; output is ISO 8601 with +08:00. A bad argument exits with
code 2; a year without calendar data prints a warning on stderr and still answers.
"""

from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from yunwei.core import calendar_input, workcalendar

BAD_ARGUMENT = 2


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_ARGUMENT)


def _parsed(parser, text):
    try:
        return parser(text)
    except ValueError as exc:
        raise _bad(str(exc)) from None


def iso(value: datetime) -> str:
    return value.astimezone(workcalendar.SHANGHAI).isoformat()


class Command(BaseCommand):
    help = (
        "Working calendar: is-workday DATE | deadline START N | add-hours START HOURS | "
        "filing-period YYYY-MM | import FILE.xlsx | add-year YEAR"
    )
    # A query tool: the checks only slow it down and do not guard anything it does.
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)

        p = sub.add_parser("is-workday", help="print true or false")
        p.add_argument("date", help="YYYY-MM-DD")

        p = sub.add_parser("deadline", help="end of office hours on the N-th workday after START")
        p.add_argument("start", help="YYYY-MM-DDTHH:MM (Asia/Shanghai unless an offset is given)")
        p.add_argument("n", help="number of workdays (0 = the same or the next workday)")
        p.add_argument("--org", help="organisation code, for its office hours")

        p = sub.add_parser("add-hours", help="START plus HOURS of office time")
        p.add_argument("start", help="YYYY-MM-DDTHH:MM (Asia/Shanghai unless an offset is given)")
        p.add_argument("hours", help="hours of office time, e.g. 4 or 0.5")
        p.add_argument("--org", help="organisation code, for its office hours")

        p = sub.add_parser("filing-period", help="print the first and last day of a month's")
        p.add_argument("month", help="YYYY-MM")

        p = sub.add_parser("import", help="import day overrides from an .xlsx (all or nothing)")
        p.add_argument("file", help="日期, 类型 (休息日/工作日 or 节假日/调休上班), 名称, 备注")
        p.add_argument("--user", help="username recorded in the audit log as the actor")

        p = sub.add_parser("add-year", help="record a year published by the State Council")
        p.add_argument("year", help="YYYY")
        p.add_argument("--note", default="", help="e.g. the notice number")
        p.add_argument("--user", help="username recorded in the audit log as the actor")

    def handle(self, *args, subcommand, **options):
        handler = getattr(self, "do_" + subcommand.replace("-", "_"))
        handler(options)

    # --- helpers -----------------------------------------------------------------------------

    def warn_missing(self, *years: int) -> None:
        for year in sorted(set(years)):
            if not workcalendar.year_has_data(year):
                self.stderr.write(
                    _("Warning: %(message)s") % {"message": workcalendar.missing_year_warning(year)}
                )

    def organisation(self, code):
        if not code:
            return None
        from yunwei.core.models import Organisation

        org = Organisation.objects.filter(code=code).first()
        if org is None:
            raise _bad(_("No organisation with the code “%(code)s”.") % {"code": code})
        return org

    def actor(self, username):
        if not username:
            return None
        from yunwei.core.models import User

        user = User.objects.filter(username=username).first()
        if user is None:
            raise _bad(_("No user named “%(name)s”.") % {"name": username})
        return user

    # --- subcommands -------------------------------------------------------------------------

    def do_is_workday(self, options):
        day = _parsed(calendar_input.parse_date, options["date"])
        answer = workcalendar.is_workday(day)
        self.warn_missing(day.year)
        self.stdout.write("true" if answer else "false")

    def do_deadline(self, options):
        start = _parsed(calendar_input.parse_datetime, options["start"])
        n = _parsed(calendar_input.parse_count, options["n"])
        org = self.organisation(options.get("org"))
        result = workcalendar.deadline(start, n, org=org)
        self.warn_missing(start.year, result.year)
        self.stdout.write(iso(result))

    def do_add_hours(self, options):
        start = _parsed(calendar_input.parse_datetime, options["start"])
        hours = _parsed(calendar_input.parse_hours, options["hours"])
        org = self.organisation(options.get("org"))
        result = workcalendar.add_office_hours(start, hours, org=org)
        self.warn_missing(start.year, result.year)
        self.stdout.write(iso(result))

    def do_filing_period(self, options):
        year, month = _parsed(calendar_input.parse_month, options["month"])
        first, last, _source = workcalendar.filing_period(year, month)
        self.warn_missing(year)
        self.stdout.write(f"{first.isoformat()} {last.isoformat()}")

    def do_import(self, options):
        from yunwei.core.forms.calendar import CalendarDayImporter

        path = Path(options["file"])
        if not path.is_file():
            raise _bad(_("No such file: %(path)s") % {"path": path})
        actor = self.actor(options.get("user"))
        with path.open("rb") as upload:
            result = CalendarDayImporter(actor=actor).run(upload)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Nothing was imported: %(n)s problems.") % {"n": len(result.errors)},
                returncode=1,
            )
        self.stdout.write(
            _("Import finished: %(created)s created, %(updated)s updated.")
            % {"created": result.created, "updated": result.updated}
        )

    def do_add_year(self, options):
        from yunwei.core.actions.calendar import do_add_calendar_year

        year = _parsed(calendar_input.parse_year, options["year"])
        actor = self.actor(options.get("user"))
        try:
            saved = do_add_calendar_year(year, actor=actor, note=options.get("note") or "")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=1) from None
        self.stdout.write(
            _("Added the year %(year)s (%(source)s).")
            % {"year": saved.year, "source": saved.get_source_display()}
        )
