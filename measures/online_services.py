"""The page /online-dienste/: every online service a visitor may see, grouped by Lebenslage
or by measure, read in two queries however many services there are."""

import dataclasses

from django import forms

from .models import Measure, OnlineService

BY_LIFE_SITUATION = "lebenslage"
BY_MEASURE = "massnahme"


class GroupingForm(forms.Form):
    """The GET parameter `nach`: the grouping of the page (by Lebenslage without it)."""

    nach = forms.ChoiceField(
        label="Ansicht",
        required=False,
        choices=[(BY_LIFE_SITUATION, "nach Lebenslage"), (BY_MEASURE, "nach Maßnahme")],
        error_messages={
            "invalid_choice": "Diese Ansicht gibt es nicht. Möglich sind „nach=lebenslage“ "
            "und „nach=massnahme“."
        },
    )

    @property
    def grouping(self) -> str:
        return self.cleaned_data["nach"] or BY_LIFE_SITUATION


@dataclasses.dataclass
class Group:
    """A section of the page: its anchor, its heading and its services, by name."""

    anchor: str
    title: str
    services: list
    measure: Measure | None = None


def visible_services(user):
    """The services `user` may see, by name, with their measure and Lebenslagen."""
    return (
        OnlineService.objects.visible_to(user)
        .select_related("measure")
        .prefetch_related("life_situations")
        .order_by("name", "pk")
    )


def by_life_situation(services) -> list[Group]:
    """One group per Lebenslage that has services, in the Redaktion's order; a service of
    several Lebenslagen is in each. Services of none come last ("Weitere Online-Dienste")."""
    groups, situations, others = {}, {}, []
    for service in services:
        own = list(service.life_situations.all())
        for situation in own:
            situations[situation.pk] = situation
            groups.setdefault(situation.pk, []).append(service)
        if not own:
            others.append(service)
    order = sorted(situations.values(), key=lambda s: (s.position, s.name))
    result = [Group(s.slug, s.name, groups[s.pk]) for s in order]
    if others:
        result.append(Group("weitere", "Weitere Online-Dienste", others))
    return result


def by_measure(services) -> list[Group]:
    """One group per measure, by code; services of no measure come last."""
    groups, measures, others = {}, {}, []
    for service in services:
        if service.measure is None:
            others.append(service)
            continue
        measures[service.measure.pk] = service.measure
        groups.setdefault(service.measure.pk, []).append(service)
    order = sorted(measures.values(), key=lambda m: m.code)
    result = [
        Group(f"massnahme-{m.code}", f"{m.code} {m.title}", groups[m.pk], measure=m) for m in order
    ]
    if others:
        result.append(Group("ohne-massnahme", "Ohne Zuordnung zu einer Maßnahme", others))
    return result
