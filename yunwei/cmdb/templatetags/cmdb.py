from django import template
from django.utils.html import format_html

from yunwei.cmdb import choices

register = template.Library()

CHOICE_SETS = {
    ("system", "criticality"): choices.Criticality,
    ("system", "status"): choices.SystemStatus,
    ("host", "environment"): choices.Environment,
    ("host", "network_zone"): choices.NetworkZone,
    ("host", "status"): choices.InstanceStatus,
    ("databaseinstance", "environment"): choices.Environment,
    ("databaseinstance", "engine"): choices.DatabaseEngine,
    ("databaseinstance", "role"): choices.DatabaseRole,
    ("middleware", "environment"): choices.Environment,
    ("interface", "criticality"): choices.Criticality,
}


@register.simple_tag
def badge(obj, field: str):
    """A coloured badge with the label of ``obj``'s choice ``field``."""
    value = getattr(obj, field)
    if not value:
        return ""
    choice_set = CHOICE_SETS.get((obj._meta.model_name, field))
    color = choice_set.color(value) if choice_set else "secondary"
    label = getattr(obj, f"get_{field}_display")()
    return format_html('<span class="badge text-bg-{}">{}</span>', color, label)
