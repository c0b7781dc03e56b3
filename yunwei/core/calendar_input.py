"""Parsing calendar arguments typed by people (CLI) or sent by machines (API).

Each parser raises ValueError with a message that names the bad value and shows a good one.
Naive times are Asia/Shanghai.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from yunwei.core import workcalendar
from yunwei.core.models.calendar import MAX_YEAR, MIN_YEAR


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date like 2026-10-01.") % {"value": text}
        ) from None


def parse_datetime(text: str) -> datetime:
    value = text.strip()
    try:
        if len(value) == 10:
            parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
        else:
            parsed = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a time like 2026-09-30T17:00.") % {"value": text}
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=workcalendar.SHANGHAI)
    return parsed.astimezone(workcalendar.SHANGHAI)


def parse_month(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(_("“%(value)s” is not a month like 2026-10.") % {"value": text})
    return int(match.group(1)), int(match.group(2))


def parse_year(text: str) -> int:
    if not re.fullmatch(r"\s*\d{4}\s*", text) or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise ValueError(
            _("“%(value)s” is not a year between %(min)s and %(max)s.")
            % {"value": text, "min": MIN_YEAR, "max": MAX_YEAR}
        )
    return int(text)


def parse_count(text: str) -> int:
    if not re.fullmatch(r"\s*\d+\s*", text):
        raise ValueError(
            _("“%(value)s” is not a whole number of workdays (0 or more).") % {"value": text}
        )
    return int(text)


def parse_hours(text: str) -> Decimal:
    try:
        hours = Decimal(text.strip())
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite() or hours < 0:
        raise ValueError(_("“%(value)s” is not a number of hours (0 or more).") % {"value": text})
    return hours
