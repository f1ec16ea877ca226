"""Template helpers shared by all pages: Markdown, dates at quarter precision, status."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

from iserlohn_digital.quarters import quarter_label

register = template.Library()

# What editors' Markdown may produce; everything else (scripts, event handlers, styles,
# javascript: URLs) is removed.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Editors' Markdown as sanitized HTML."""
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
    )


@register.filter
def markdown(text):
    return mark_safe(render_markdown(text))  # safe: sanitized by nh3 above


@register.filter
def quarter(day):
    """A date at quarter precision: "Q3 2026"."""
    return quarter_label(day)


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*items):
    """Breadcrumbs after "Start": pairs of URL and label, then the current page's label."""
    *pairs, current = items
    crumbs = list(zip(pairs[::2], pairs[1::2], strict=True))
    return {"crumbs": [*crumbs, (None, current)]}


@register.filter
def css_string(text):
    """Text for a quoted CSS string inside <style> (e.g. a PDF's running header)."""
    escaped = (
        str(text)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("<", "\\3c ")
        .replace("\n", " ")
        .replace("\r", " ")
    )
    return mark_safe(escaped)  # safe: quotes, backslashes and "<" are escaped above
