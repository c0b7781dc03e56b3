"""Excel export and all-or-nothing Excel import.

An import reads every row, parses and validates each cell and each resulting object, and
reports every problem by row number and column header. Nothing is written unless the whole
file is clean; then all rows are written in one transaction.
"""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_ROWS = 50_000


def _cell(value):
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if value is None or isinstance(value, int | float | date):
        return value
    return str(value)


def build_workbook(headers: list[str], rows: Iterable[Iterable], title: str = "Sheet1") -> Workbook:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        for index, value in enumerate(values):
            widths[index] = min(60, max(widths[index], len(str(value or "")) + 2))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return workbook


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@dataclass
class ImportColumn:
    header: str  # as written in the sheet's first row (Chinese)
    field: str  # the name handed to the builder
    required: bool = False
    parse: Callable[[object], object] | None = None  # raises ValueError with a message


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        where = _("row %(row)s") % {"row": self.row}
        if self.column:
            where += f"「{self.column}」"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    pass


def read_sheet(upload) -> list[tuple[int, dict[str, object]]]:
    """Rows of the first sheet as (row number, {header: value}); blank rows are skipped."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ImportFileError(_("The file is not a readable .xlsx workbook.")) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration as exc:
        raise ImportFileError(_("The workbook is empty.")) from exc
    result = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(result) >= MAX_IMPORT_ROWS:
            raise ImportFileError(_("Too many rows (at most %(n)s).") % {"n": MAX_IMPORT_ROWS})
        record = {}
        for header, value in zip(headers, values, strict=False):
            if header:
                record[header] = value.strip() if isinstance(value, str) else value
        result.append((number, record))
    workbook.close()
    return result


class Importer:
    """Subclass with ``columns`` and ``build(values, row)`` returning an unsaved instance.

    ``build`` may raise ValueError (whole-row message) or ValidationError.
    """

    columns: list[ImportColumn] = []
    # model field name → column header, for errors on fields the sheet names differently
    error_columns: dict[str, str] = {}

    def __init__(self, *, actor):
        self.actor = actor

    def build(self, values: dict, row: int):
        raise NotImplementedError

    def save(self, instances: list) -> None:
        """Write all instances; runs inside one transaction. Override to audit differently."""
        from yunwei.core.actions import do_save_object

        for instance in instances:
            do_save_object(instance, actor=self.actor)

    def run(self, upload) -> ImportResult:
        result = ImportResult()
        try:
            rows = read_sheet(upload)
        except ImportFileError as exc:
            result.errors.append(RowError(1, "", str(exc)))
            return result
        if not rows:
            result.errors.append(RowError(2, "", _("The sheet has no data rows.")))
            return result
        present = set(rows[0][1].keys())
        missing = [c.header for c in self.columns if c.required and c.header not in present]
        if missing:
            result.errors.append(
                RowError(1, "", _("Missing columns: %(cols)s") % {"cols": "、".join(missing)})
            )
            return result
        instances = []
        for number, record in rows:
            values, row_ok = {}, True
            for column in self.columns:
                raw = record.get(column.header)
                if raw is None or (isinstance(raw, str) and raw == ""):
                    if column.required:
                        result.errors.append(RowError(number, column.header, _("is required")))
                        row_ok = False
                    values[column.field] = None
                    continue
                try:
                    values[column.field] = column.parse(raw) if column.parse else raw
                except (ValueError, ValidationError) as exc:
                    message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                    result.errors.append(RowError(number, column.header, message))
                    row_ok = False
            if not row_ok:
                continue
            try:
                instance = self.build(values, number)
                instance.full_clean()
            except ValueError as exc:
                result.errors.append(RowError(number, "", str(exc)))
                continue
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    header = self.error_columns.get(name) or next(
                        (c.header for c in self.columns if c.field == name), name
                    )
                    for message in messages:
                        result.errors.append(RowError(number, header, message))
                continue
            if instance.pk:
                result.updated += 1
            else:
                result.created += 1
            instances.append(instance)
        if result.errors:
            result.created = result.updated = 0
            return result
        with transaction.atomic():
            self.save(instances)
        return result
