"""The working calendar (工作日历) and filing periods (征期).

The ``chinese-calendar`` package is the first source of statutory holidays and make-up
workdays (调休). Administrators add what it does not know: a ``CalendarYear`` marks a year the
State Council has published (source "manual"), ``CalendarDay`` rows override single days and
always win over the package, ``OfficeHours`` gives each organisation its office periods, and a
``FilingPeriod`` row fixes one month's filing period by hand, winning over the computed rule.
All the questions ("is this a workday?", "when is the deadline?") are answered by
``yunwei.core.workcalendar``; all changes go through ``yunwei.core.actions.calendar``.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yunwei.core.querysets import RestrictedQuerySet
from yunwei.utilities.choices import ChoiceSet, with_colors

__all__ = ["CalendarDay", "CalendarYear", "FilingPeriod", "OfficeHours"]

MIN_YEAR = 2000
MAX_YEAR = 2100

DEFAULT_OFFICE_INTERVALS = [["08:30", "12:00"], ["14:30", "17:30"]]

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@with_colors({"package": "info", "manual": "primary"})
class CalendarSource(ChoiceSet):
    PACKAGE = "package", _("chinese-calendar package")
    MANUAL = "manual", _("Entered by an administrator")


@with_colors({"holiday": "danger", "workday": "warning"})
class DayKind(ChoiceSet):
    HOLIDAY = "holiday", _("Rest day (holiday)")
    WORKDAY = "workday", _("Workday (make-up workday)")


def _year_validators():
    return [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class CalendarYear(models.Model):
    """A year whose holidays are known: from the package, or entered by an administrator."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=_year_validators())
    source = models.CharField(
        _("source"), max_length=10, choices=CalendarSource.choices, default=CalendarSource.MANUAL
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)

    def get_absolute_url(self):
        return f"{reverse('core:calendar')}?year={self.year}"


class CalendarDay(models.Model):
    """One day whose kind differs from what the package (or Mon–Fri) says; it always wins."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(
        _("name"), max_length=40, blank=True, help_text=_("The holiday, e.g. 国庆节.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        label = DayKind(self.kind).label if self.kind in DayKind.values else self.kind
        return f"{self.date.isoformat()} {self.name or label}"

    def get_absolute_url(self):
        return f"{reverse('core:calendar')}?year={self.date.year}"

    @property
    def is_workday(self) -> bool:
        return self.kind == DayKind.WORKDAY


def parse_hhmm(value: str) -> tuple[int, int]:
    """``"08:30"`` → ``(8, 30)``; raises ValueError with a message for anything else."""
    match = _HHMM.match(str(value).strip())
    if not match:
        raise ValueError(_("“%(value)s” is not a time in the form HH:MM.") % {"value": value})
    return int(match.group(1)), int(match.group(2))


def validate_intervals(value) -> None:
    """Office periods: a non-empty list of [start, end] HH:MM pairs, ordered, not overlapping."""
    if not isinstance(value, list | tuple) or not value:
        raise ValidationError(_("Give at least one office period."), code="empty")
    previous_end = None
    for pair in value:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValidationError(_("Each office period needs a start and an end."), code="pair")
        try:
            start = parse_hhmm(pair[0])
            end = parse_hhmm(pair[1])
        except ValueError as exc:
            raise ValidationError(str(exc), code="time") from exc
        if start >= end:
            raise ValidationError(
                _("The office period %(start)s–%(end)s ends before it starts.")
                % {"start": pair[0], "end": pair[1]},
                code="order",
            )
        if previous_end is not None and start < previous_end:
            raise ValidationError(
                _("Office periods must be in order and must not overlap (%(start)s).")
                % {"start": pair[0]},
                code="overlap",
            )
        previous_end = end


def default_intervals() -> list[list[str]]:
    return [list(pair) for pair in DEFAULT_OFFICE_INTERVALS]


class OfficeHours(models.Model):
    """Office periods of a workday; no organisation means the default for everybody.

    An organisation without its own row uses its nearest ancestor's, else the default.
    """

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="office_hours",
        help_text=_("Leave empty for the default of all organisations."),
    )
    intervals = models.JSONField(
        _("office periods"), default=default_intervals, validators=[validate_intervals]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__path"]
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        constraints = [
            models.UniqueConstraint(
                Coalesce("organisation", models.Value(0)),
                name="core_officehours_one_per_organisation",
                violation_error_message=_("This organisation already has office hours."),
            )
        ]

    def __str__(self):
        who = self.organisation.name if self.organisation_id else _("Default")
        return f"{who} {self.intervals_display}"

    def get_absolute_url(self):
        return reverse("core:officehours_list")

    @property
    def intervals_display(self) -> str:
        return ", ".join(f"{start}–{end}" for start, end in self.intervals or [])


class FilingPeriod(models.Model):
    """The filing period of one month, set by hand; it wins over the computed rule."""

    year = models.PositiveSmallIntegerField(_("year"), validators=_year_validators())
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("E.g. the notice that set it.")
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "month"]
        verbose_name = _("filing period")
        verbose_name_plural = _("filing periods")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month"], name="core_filingperiod_one_per_month"
            )
        ]

    def __str__(self):
        return f"{self.year}-{self.month:02d}"

    def get_absolute_url(self):
        return f"{reverse('core:filingperiod_list')}?year={self.year}"

    def clean(self):
        if not (self.year and self.month and self.start_date and self.end_date):
            return
        if not 1 <= self.month <= 12:
            return
        month_start = date(self.year, self.month, 1)
        if (self.start_date.year, self.start_date.month) != (self.year, self.month):
            raise ValidationError(
                {"start_date": _("The first day must lie in %(month)s.") % {"month": self}}
            )
        if (self.end_date.year, self.end_date.month) != (self.year, self.month):
            raise ValidationError(
                {"end_date": _("The last day must lie in %(month)s.") % {"month": self}}
            )
        if self.end_date < self.start_date or self.start_date < month_start:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
