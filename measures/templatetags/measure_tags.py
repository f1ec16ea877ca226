"""What pages of the strategy app show of the measures: the Handlungsfelder of a
Teilstrategie as pillars with their first measures, and the measures serving a goal."""

from dataclasses import dataclass

from django import template
from django.db.models import Prefetch

from measures.charts import PILLAR_LIMIT
from measures.models import FieldOfAction, Measure

register = template.Library()


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


@dataclass
class GoalMeasures:
    measures: list
    fields: list

    @property
    def progress(self):
        """The mean progress of the measures in whole percent, None without measures."""
        if not self.measures:
            return None
        return round(sum(m.progress for m in self.measures) / len(self.measures))


@register.simple_tag(takes_context=True)
def measures_of(context, goal):
    """The measures serving a goal and its Handlungsfelder, as far as the visitor may see
    them."""
    user = context["request"].user
    measures = Measure.objects.visible_to(user).filter(goals=goal)
    fields = FieldOfAction.objects.visible_to(user).filter(goals=goal)
    return GoalMeasures(
        list(measures.select_related("field_of_action", "lead_unit").with_last_update()),
        list(fields),
    )
