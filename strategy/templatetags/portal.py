"""Template helpers shared by all pages: Markdown, dates at quarter precision, status."""

import re

import nh3
from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

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


# CommonMark with tables. markdown-it parses in linear time and stops nesting at 20
# levels: no text an editor saves (or sends to the admin's preview) can hold up a page.
MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")


def render_markdown(text: str, below: int | None = None) -> str:
    """Editors' Markdown as sanitized HTML. With `below`, the level of the heading the
    text stands under, its headings move so the highest is one level below that one: a
    page's text under its h1 starts at h2, and no level is skipped."""
    html = MARKDOWN.render(text or "")
    tags = ALLOWED_TAGS
    if below is not None:
        html = _headings_below(html, below)
        tags = ALLOWED_TAGS | {f"h{level}" for level in range(below + 1, 7)}
    return nh3.clean(
        html,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
    )


HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def _headings_below(html: str, level: int) -> str:
    found = [int(number) for _, number in HEADING_TAG.findall(html)]
    if not found:
        return html
    shift = level + 1 - min(found)
    return HEADING_TAG.sub(lambda match: f"<{match[1]}h{min(6, int(match[2]) + shift)}", html)


@register.filter
def markdown(text, below=None):
    """`{{ text|markdown }}`, or `{{ text|markdown:1 }}` for a text right below the h1."""
    return mark_safe(render_markdown(text, below))  # safe: sanitized by nh3 above


@register.filter
def quarter(day):
    """A date at quarter precision: "Q3 2026"."""
    return quarter_label(day)


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*items):
    """Breadcrumbs after "Startseite": pairs of URL and label, then the current page's label."""
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


# Units that only say "counted": a number of them reads as German without the unit
# ("5", not "5 Anzahl"); what is counted is in the indicator's name.
COUNT_UNITS = {"anzahl", "stück", "stk.", "stk"}


@register.filter
def with_unit(value, unit):
    """A Kennzahl's value with its unit as German prose: "38 %", "120 MWh/Jahr", "5"."""
    if value is None or value == "":
        return ""
    number = floatformat(value, "-2g")
    unit = (unit or "").strip()
    if not unit or unit.lower() in COUNT_UNITS:
        return number
    return f"{number}\N{NO-BREAK SPACE}{unit}"


# Units that are a share or a measure, not things counted: read "45 % (Ziel 80 %)".
SHARE_UNITS = {"%", "prozent"}
_DATIVE_PLURAL = re.compile(r"^[A-ZÄÖÜ]\w*(e|el|er)$")


def _dative(unit: str) -> str:
    """The plural as it stands after "von": "60 Gebäuden", "60 Schulen", "60 Euro"."""
    words = unit.split(" ")
    if _DATIVE_PLURAL.match(words[-1]):
        words[-1] += "n"
    return " ".join(words)


@register.filter
def reading(indicator):
    """A Kennzahl's current value as a citizen reads it: "5 von 60 Anlagen" (things
    counted towards a target), "45 % (Ziel 80 %)" (a share, or a value to bring down),
    without a current value "Ziel: 60 Anlagen"."""
    unit = (indicator.unit or "").strip()
    target = with_unit(indicator.target, unit)
    if indicator.current is None:
        return f"Ziel: {target}"
    current = with_unit(indicator.current, unit)
    counted = unit.lower() not in SHARE_UNITS and indicator.target > indicator.baseline
    if not counted:
        return f"{current} (Ziel {target})"
    of = floatformat(indicator.target, "-2g")
    if unit and unit.lower() not in COUNT_UNITS:
        of += f"\N{NO-BREAK SPACE}{_dative(unit)}"
    return f"{floatformat(indicator.current, '-2g')} von {of}"


@register.filter
def clause(text):
    """A sentence as a clause of a list joined with "; ": without its final full stop."""
    text = str(text).rstrip()
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


_COMPOUND = re.compile(r"\w+(?:-\w+)+")


@register.filter
def keep_compounds(text):
    """Escaped text whose hyphenated compounds ("E-Akte", "3D-Stadtmodell") never break at
    their hyphen: the embedded font has no non-breaking hyphen, so each is kept whole."""
    escaped = str(conditional_escape(text))
    return mark_safe(  # safe: escaped above; only our own spans are added
        _COMPOUND.sub(lambda match: f'<span class="nobr">{match.group(0)}</span>', escaped)
    )


_QUARTER = re.compile(r"\b(Q[1-4]) (\d{4})\b")


@register.filter
def unbroken_quarters(text):
    """A period such as "Q1 2021 – Q4 2026" that wraps only after the dash, never inside
    a quarter (narrow table columns)."""
    return _QUARTER.sub("\\1\N{NO-BREAK SPACE}\\2", str(text))
