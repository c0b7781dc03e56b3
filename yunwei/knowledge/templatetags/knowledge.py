from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from yunwei.knowledge.choices import ArticleKind, ArticleStatus

register = template.Library()


@register.filter
def article_body(text: str):
    """Plain article text as HTML: lines starting with "- " become a list, other lines
    paragraphs; everything escaped."""
    out, items = [], []

    def flush():
        if items:
            out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in (text or "").splitlines():
        stripped = line.strip()
        if stripped.startswith(("- ", "* ", "• ")):
            items.append(stripped[2:])
            continue
        flush()
        if stripped:
            out.append(f"<p>{escape(stripped)}</p>")
    flush()
    return mark_safe("".join(out))


@register.simple_tag
def kind_badge(value):
    if not value:
        return ""
    try:
        label = ArticleKind(value).label
    except ValueError:
        return ""
    return format_html('<span class="badge text-bg-{}">{}</span>', ArticleKind.color(value), label)


@register.simple_tag
def status_badge(value):
    try:
        label = ArticleStatus(value).label
    except ValueError:
        return ""
    return format_html(
        '<span class="badge text-bg-{}">{}</span>', ArticleStatus.color(value), label
    )
