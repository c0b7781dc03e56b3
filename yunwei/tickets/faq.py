"""FAQ extraction: the problems that came up most in a period, grouped by system, kind and
cause, with their solutions, written as 常见问题解决手册 (.docx, python-docx).

A "problem" is a master ticket together with its duplicates, and tickets with the same
normalised title (digits, spaces and punctuation ignored) count as the same problem. Its
frequency is the number of tickets; its solution is that of the most recently resolved one.
"""

import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yunwei.tickets.choices import CauseCategory, TicketKind, TicketStatus

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CJK_FONT = "宋体"
_NOISE = re.compile(r"[\d\s]+")


def normalise_title(title: str) -> str:
    kept = [
        ch
        for ch in unicodedata.normalize("NFKC", title or "").casefold()
        if not unicodedata.category(ch).startswith(("P", "S"))
    ]
    return _NOISE.sub("", "".join(kept))


@dataclass
class Problem:
    title: str
    system: str
    kind: str
    cause: str
    count: int = 0
    numbers: list[str] = field(default_factory=list)
    solution: str = ""
    fixed_in_version: str = ""
    resolved_at: datetime | None = None


@dataclass
class FaqReport:
    start: date
    end: date
    total: int
    by_kind: list[tuple[str, int]]
    by_cause: list[tuple[str, int]]
    by_system: list[tuple[str, int]]
    groups: list[tuple[str, list[Problem]]]  # (system, its top problems)

    @property
    def problems(self) -> list[Problem]:
        return [p for _system, problems in self.groups for p in problems]


def _bounds(start: date, end: date):
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def frequent_problems(queryset, *, start: date, end: date, top: int = 10) -> FaqReport:
    """The top problems per system among the tickets of ``queryset`` raised in the period."""
    low, high = _bounds(start, end)
    tickets = list(
        queryset.filter(created_at__gte=low, created_at__lt=high)
        .select_related("system", "master")
        .order_by("created_at", "id")
    )
    no_system = _("(no system)")
    kinds = Counter(t.get_kind_display() for t in tickets)
    causes = Counter(t.get_cause_category_display() for t in tickets if t.cause_category)
    systems = Counter(t.system.display_short if t.system_id else no_system for t in tickets)
    problems: dict[tuple, Problem] = {}
    by_title: dict[tuple, tuple] = {}
    for ticket in tickets:
        root = ticket.master if ticket.master_id else ticket
        system = root.system.display_short if root.system_id else no_system
        key = ("master", root.pk)
        title_key = (system, normalise_title(root.title))
        if title_key in by_title and key not in problems:
            key = by_title[title_key]
        by_title.setdefault(title_key, key)
        problem = problems.get(key)
        if problem is None:
            problem = problems[key] = Problem(
                title=root.title,
                system=system,
                kind=str(TicketKind(root.kind).label),
                cause=str(CauseCategory(root.cause_category).label) if root.cause_category else "",
            )
        problem.count += 1
        problem.numbers.append(ticket.number)
        for source in (root, ticket):
            if source.solution and source.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
                if problem.resolved_at is None or (
                    source.resolved_at and source.resolved_at >= problem.resolved_at
                ):
                    problem.solution = source.solution
                    problem.fixed_in_version = source.fixed_in_version
                    problem.resolved_at = source.resolved_at or problem.resolved_at
                    if source.cause_category:
                        problem.cause = str(CauseCategory(source.cause_category).label)
    grouped = defaultdict(list)
    for problem in problems.values():
        grouped[problem.system].append(problem)
    groups = []
    for system, _n in systems.most_common():
        ranked = sorted(grouped[system], key=lambda p: (-p.count, p.title))[:top]
        if ranked:
            groups.append((system, ranked))
    return FaqReport(
        start=start,
        end=end,
        total=len(tickets),
        by_kind=kinds.most_common(),
        by_cause=causes.most_common(),
        by_system=systems.most_common(),
        groups=groups,
    )


def _font(run, size=None, bold=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = CJK_FONT
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), CJK_FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def _table(document, headers, rows):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(str(header)), bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(value)))
    return table


def build_docx(report: FaqReport) -> bytes:
    """常见问题解决手册 as .docx bytes, in Chinese whatever the request language."""
    from docx import Document

    with translation.override("zh-hans"):
        document = Document()
        heading = document.add_heading(level=0)
        _font(heading.add_run(_("FAQ manual")), size=22)
        intro = document.add_paragraph()
        _font(
            intro.add_run(
                _(
                    "Period %(start)s to %(end)s: %(total)s tickets. The problems below are "
                    "those raised most often, with the solution that worked."
                )
                % {"start": report.start, "end": report.end, "total": report.total}
            )
        )
        for title, rows in (
            (_("Tickets by kind"), report.by_kind),
            (_("Tickets by cause"), report.by_cause),
            (_("Tickets by system"), report.by_system),
        ):
            if not rows:
                continue
            _font(document.add_heading(level=2).add_run(title))
            _table(document, [_("group"), _("tickets")], rows)
        number = 0
        for system, problems in report.groups:
            _font(document.add_heading(level=1).add_run(system))
            for problem in problems:
                number += 1
                _font(
                    document.add_heading(level=3).add_run(f"{number}. {problem.title}"),
                )
                facts = document.add_paragraph()
                _font(
                    facts.add_run(
                        _("Kind: %(kind)s; cause: %(cause)s; raised %(count)s times (%(numbers)s).")
                        % {
                            "kind": problem.kind,
                            "cause": problem.cause or "-",
                            "count": problem.count,
                            "numbers": "、".join(problem.numbers[:5])
                            + ("…" if len(problem.numbers) > 5 else ""),
                        }
                    )
                )
                answer = document.add_paragraph()
                _font(answer.add_run(_("Solution: ")), bold=True)
                _font(answer.add_run(problem.solution or _("(not resolved yet)")))
                if problem.fixed_in_version:
                    fixed = document.add_paragraph()
                    _font(
                        fixed.add_run(
                            _("Fixed in version %(version)s.")
                            % {"version": problem.fixed_in_version}
                        )
                    )
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()
