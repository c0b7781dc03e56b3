"""Forms and the Excel importer of the working calendar and filing periods."""

import re
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunwei.core.models import CalendarDay, CalendarYear, OfficeHours
from yunwei.core.models.calendar import DayKind, validate_intervals
from yunwei.utilities.excel import ImportColumn, Importer
from yunwei.utilities.forms import BootstrapForm, RestrictedModelForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CalendarYearForm(RestrictedModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "note"]
        help_texts = {
            "year": gettext_lazy(
                "A year published by the State Council that the calendar package does not know "
                "yet. Then add its holidays and make-up workdays as day overrides or import them."
            )
        }


class CalendarDayForm(RestrictedModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "note"]
        widgets = {"date": DateInput()}


_INTERVAL_SPLIT = re.compile(r"[,，;；、\n]+")
_INTERVAL_PAIR = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–—~～至到]\s*(\d{1,2}:\d{2})\s*$")


def parse_intervals_text(text: str) -> list[list[str]]:
    """``"08:30-12:00, 14:30-17:30"`` → ``[["08:30", "12:00"], ["14:30", "17:30"]]``."""
    result = []
    for part in _INTERVAL_SPLIT.split(text or ""):
        if not part.strip():
            continue
        match = _INTERVAL_PAIR.match(part)
        if not match:
            raise ValidationError(
                _("“%(part)s” is not an office period like 08:30-12:00.") % {"part": part.strip()}
            )
        start, end = (value.zfill(5) for value in match.groups())
        result.append([start, end])
    validate_intervals(result)
    return result


class OfficeHoursForm(RestrictedModelForm):
    periods = forms.CharField(
        label=gettext_lazy("Office periods"),
        help_text=gettext_lazy("In order, separated by commas, e.g. 08:30-12:00, 14:30-17:30."),
    )

    class Meta:
        model = OfficeHours
        fields = ["organisation", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["periods"] = ", ".join(
                f"{start}-{end}" for start, end in (self.instance.intervals or [])
            )
        self.fields["organisation"].empty_label = _("(default for all organisations)")

    def clean_periods(self):
        return parse_intervals_text(self.cleaned_data["periods"])

    def clean_organisation(self):
        organisation = self.cleaned_data.get("organisation")
        user = self.user
        if organisation is None and user is not None:
            if not (user.is_superuser or user.has_full_data_scope):
                raise ValidationError(
                    _("Only a province-wide administrator may set the default office hours.")
                )
        return organisation

    def clean(self):
        cleaned = super().clean()
        if "periods" in cleaned:
            self.instance.intervals = cleaned["periods"]
        return cleaned


class FilingPeriodForm(BootstrapForm):
    start_date = forms.DateField(
        label=gettext_lazy("First day"),
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
    )
    end_date = forms.DateField(
        label=gettext_lazy("Last day"),
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": gettext_lazy("Note")}
        ),
    )


# --- Excel import ----------------------------------------------------------------------------

_KIND_WORDS = {
    "休息日": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "holiday": DayKind.HOLIDAY,
    "rest": DayKind.HOLIDAY,
    "工作日": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "workday": DayKind.WORKDAY,
    "makeup": DayKind.WORKDAY,
}

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def parse_date_cell(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date like 2026-10-01.") % {"value": text})


def parse_kind_cell(value) -> str:
    kind = _KIND_WORDS.get(str(value).strip().lower())
    if kind is None:
        raise ValueError(
            _("Unknown kind “%(value)s”: use 休息日/节假日 or 工作日/调休上班.") % {"value": value}
        )
    return kind


class CalendarDayImporter(Importer):
    """日期, 类型 (休息日/工作日 or 节假日/调休上班), 名称, 备注 — all or nothing."""

    columns = [
        ImportColumn("日期", "date", required=True, parse=parse_date_cell),
        ImportColumn("类型", "kind", required=True, parse=parse_kind_cell),
        ImportColumn("名称", "name"),
        ImportColumn("备注", "note"),
    ]

    def __init__(self, *, actor):
        super().__init__(actor=actor)
        self._seen: dict[date, int] = {}

    def build(self, values: dict, row: int):
        when = values["date"]
        if when in self._seen:
            raise ValidationError(
                {
                    "date": _("The date %(date)s is already in row %(row)s.")
                    % {"date": when.isoformat(), "row": self._seen[when]}
                }
            )
        self._seen[when] = row
        day = CalendarDay.objects.filter(date=when).first() or CalendarDay(date=when)
        day.kind = values["kind"]
        day.name = str(values.get("name") or "")
        day.note = str(values.get("note") or "")
        return day

    def save(self, instances: list) -> None:
        from yunwei.core.actions.calendar import do_import_calendar_days

        do_import_calendar_days(instances, actor=self.actor)
