"""Table helpers shared by every app (django-tables2)."""

import django_tables2 as tables
from django.utils.html import format_html


class ChoiceColumn(tables.Column):
    """Shows a choice value as a coloured badge with its label."""

    def __init__(self, choices, *args, **kwargs):
        self.choice_set = choices
        super().__init__(*args, **kwargs)

    def render(self, value, record, bound_column):
        raw = getattr(record, bound_column.accessor.split(".")[-1], value)
        color = self.choice_set.color(raw)
        return format_html('<span class="badge text-bg-{}">{}</span>', color, value)


class BooleanBadgeColumn(tables.BooleanColumn):
    pass


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle mb-0"}
        template_name = "django_tables2/bootstrap5.html"
