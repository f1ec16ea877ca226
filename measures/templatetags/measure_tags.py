"""What pages show of the measures: the Handlungsfelder of a Teilstrategie as pillars
with their first measures, the symbol of a Handlungsfeld, the measures serving a goal,
the words a search found, and the code that embeds a measure's status card."""

import re
from dataclasses import dataclass
from functools import cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from measures import series
from measures.charts import PILLAR_LIMIT, indicator_chart
from measures.models import FieldOfAction, Measure, Status
from measures.search import contains_any, excerpt
from measures.search import highlight as highlight_terms
from strategy.models import Goal, code_order, goal_tree
from strategy.templatetags.portal import SHARE_UNITS, reading, with_unit

register = template.Library()


@register.simple_tag(takes_context=True)
def highlighted(context, text):
    """`text` with the words the page's search found marked (`highlight_terms` of the
    context, from `Query.highlight_terms`); on other pages just `text`, escaped."""
    return highlight_terms(text, context.get("highlight_terms") or ())


MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKDOWN_MARKS = re.compile(r"[*_`#>|]+")


@register.simple_tag(takes_context=True)
def found_in_description(context, measure):
    """Why a measure was found when its title and summary don't show it: the passage of
    its description with the words found marked ("… Fach<mark>hochschule</mark> …")."""
    terms = context.get("highlight_terms") or ()
    if not terms or any(contains_any(text, terms) for text in (measure.title, measure.summary)):
        return ""
    # The description is Markdown; the passage shows its words without the markup.
    plain = MARKDOWN_LINK.sub(r"\1", measure.description)
    return excerpt(MARKDOWN_MARKS.sub("", plain), terms)


@dataclass
class Pillars:
    fields: list
    limit: int = PILLAR_LIMIT


@register.simple_tag(takes_context=True)
def pillars_of(context, substrategy):
    """The Handlungsfelder of a Teilstrategie the visitor may see, each with its first
    measures (`first_measures`) and how many there are in all (`measure_count`)."""
    user = context["request"].user
    measures = Measure.objects.visible_to(user).order_by("code")
    fields = (
        FieldOfAction.objects.visible_to(user)
        .in_substrategy(substrategy)
        .with_measure_count(measures)
        .prefetch_related(Prefetch("measures", measures[:PILLAR_LIMIT], to_attr="first_measures"))
    )
    return Pillars(list(fields))


@cache
def _icon_svg(icon):
    path = finders.find(f"icons/handlungsfelder/{icon}.svg")
    with open(path, encoding="utf-8") as svg:
        markup = svg.read().strip()
    return markup.replace("<svg ", '<svg class="icon" aria-hidden="true" focusable="false" ', 1)


@register.simple_tag
def field_icon(field):
    """The symbol of a Handlungsfeld as inline SVG in the colour of the text beside it
    (one request fewer per symbol, and no inline style for the CSP to refuse). It is
    decoration: the name beside it says everything, so screen readers skip it. An unknown
    value (a choice removed from the set) shows the general symbol."""
    icon = field.icon if field.icon in FieldOfAction.Icon.values else FieldOfAction.Icon.GENERAL
    return mark_safe(_icon_svg(icon))  # safe: our own files from static/, not user input


@register.simple_tag
def status_legend():
    """The statuses a measure can have, value and label, for the Architektur's legend."""
    return Status.choices


@dataclass
class GoalMeasures:
    measures: list
    fields: list
    progress: int | None
    by_subgoal: list


@register.simple_tag(takes_context=True)
def measures_of(context, goal):
    """The measures serving a goal and its Handlungsfelder, as far as the visitor may see
    them; for an übergeordnetes Ziel also those of each of its strategische Ziele
    (`by_subgoal`: pairs of sub-goal and measures), counted once in the mean `progress`."""
    user = context["request"].user
    visible = Measure.objects.visible_to(user)
    subgoals = sorted(goal.children.all(), key=code_order)
    rolled_up = visible.filter(Q(goals=goal) | Q(goals__in=subgoals))
    measures = list(
        visible.filter(pk__in=rolled_up.values("pk"))
        .select_related("field_of_action", "lead_unit")
        .prefetch_related(
            Prefetch("goals", Goal.objects.filter(pk__in=[goal.pk, *(g.pk for g in subgoals)]))
        )
        .order_by("code")
    )
    fields = FieldOfAction.objects.visible_to(user).filter(goals=goal)
    return GoalMeasures(
        measures=[m for m in measures if goal in m.goals.all()],
        fields=list(fields),
        progress=visible.filter(pk__in=rolled_up.values("pk")).figures()["progress"],
        by_subgoal=[
            (subgoal, [m for m in measures if subgoal in m.goals.all()]) for subgoal in subgoals
        ],
    )


@register.simple_tag(takes_context=True)
def leitbild_of(context, principles, goals):
    """The Leitsätze, each with its goals nested in code order (`goal_tree`), each Leitsatz
    and goal with the `progress` of the measures the visitor may see that serve it or one of
    its sub-goals (rounded as the headline figures)."""
    measures = Measure.objects.visible_to(context["request"].user).counted()
    goals = list(goals.with_progress(measures).prefetch_related("principles"))
    principles = list(principles.with_progress(measures))
    for item in [*goals, *principles]:
        item.progress = None if item.progress is None else round(item.progress)
    for principle in principles:
        principle.goal_tree = goal_tree(goals, principle)
    return principles


@register.simple_tag
def embed_code(measure):
    """The HTML another site copies to show the measure's status card in a frame, at the
    portal's public address (SITE_URL); escaped, as the page shows it as text."""
    code = format_html(
        '<iframe src="{}" title="{}" width="360" height="340" loading="lazy" '
        'style="border: 0; max-width: 100%;"></iframe>',
        settings.SITE_URL + reverse("measures:measure-embed", args=[measure.code]),
        f"Stand der Maßnahme {measure.code} – Iserlohn digital",
    )
    return escape(code)


@register.simple_tag
def indicator_over_time(indicator):
    """A Kennzahl's course for its Steckbrief: the summary in words ("31 von 60 Anlagen,
    Ziel 2026: 40 — hinter dem Plan"), the chart and the rows of its table; without any
    dated value only the summary."""
    path = series.path_of(indicator)
    summary = reading(indicator)
    upcoming = series.next_target(indicator)
    if upcoming is not None:
        # Things counted read "31 von 60 Anlagen, Ziel 2026: 40": the unit is said once.
        unit = (indicator.unit or "").strip()
        counted = unit.lower() not in SHARE_UNITS and indicator.target > indicator.baseline
        value = with_unit(upcoming.value, "" if counted else unit)
        summary += f", Ziel {upcoming.date.year}: {value}"
    standing = series.standing(indicator)
    if standing:
        summary += f" — {standing}"
    rows = series.table_rows(indicator)
    chart = None
    if rows:
        chart = indicator_chart(
            indicator, path, unit_text=lambda value: with_unit(value, indicator.unit)
        )
    return {"summary": summary, "standing": standing, "chart": chart, "rows": rows}
