"""Table helpers shared by every app (django-tables2)."""

import django_tables2 as tables
from django.utils.html import format_html


class ChoiceColumn(tables.Column):
    """Shows a choice value as a coloured badge with its label."""

    def __init__(self, choices, *args, **kwargs):
        self.choice_set = choices
        self.labels = dict(choices.choices)
        super().__init__(*args, **kwargs)

    def render(self, value, record, bound_column):
        raw = getattr(record, bound_column.accessor.split(".")[-1], value)
        color = self.choice_set.color(raw)
        return format_html('<span class="badge text-bg-{}">{}</span>', color, value)

    def badge(self, raw) -> str:
        """The cell for the stored value ``raw`` (what ``render`` shows), without going
        through the model's ``get_…_display``."""
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            self.choice_set.color(raw),
            self.labels.get(raw, raw),
        )


class BooleanBadgeColumn(tables.BooleanColumn):
    pass


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle mb-0"}
        # Bootstrap 5, with the row count ("more than 10,000" past the paginator's limit).
        template_name = "includes/paginated_table.html"
