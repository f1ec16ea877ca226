"""Goals that add up: the Leitbild nests its goals in code order with the progress of their
measures, an übergeordnetes Ziel shows the measures of its strategische Ziele, and a
Teilstrategie lists its goals once; the query count stays the same as goals and measures
grow."""

import re

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import (
    make_field,
    make_goal,
    make_measure,
    make_principle,
    make_substrategy,
)

pytestmark = pytest.mark.django_db


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def with_class(element, name):
    return element.xpath(f".//*[contains(concat(' ', @class, ' '), ' {name} ')]")


def codes_in(element):
    return [span.text for span in with_class(element, "code")]


def text_of(element):
    return " ".join(element.text_content().split())


@pytest.fixture
def city():
    """A Leitsatz served by two übergeordnete Ziele whose codes sort differently as text
    and as numbers, and their strategische Ziele with measures."""
    substrategy = make_substrategy(slug="smart-city", code="SC", name="Smart City")
    principle = make_principle(text="Die Stadt ist vernetzt.")
    field = make_field(substrategy=substrategy)
    z10 = make_goal(code="SC-Z10", substrategy=substrategy, title="Zehntes Ziel", position=1)
    z2 = make_goal(code="SC-Z2", substrategy=substrategy, title="Zweites Ziel", position=2)
    z2_10 = make_goal(code="SC-Z2.10", parent=z2, title="Unterziel zehn", position=1)
    z2_1 = make_goal(code="SC-Z2.1", parent=z2, title="Unterziel eins", position=2)
    for goal in (z10, z2, z2_10, z2_1):
        goal.principles.add(principle)
    measures = {
        "a": make_measure(field_of_action=field, title="Ampelschaltung", progress=20),
        "b": make_measure(field_of_action=field, title="Bürgerkonto", progress=60),
        "c": make_measure(field_of_action=field, title="Car-Sharing", progress=100),
        "dropped": make_measure(
            field_of_action=field, title="Entfallen", progress=0, status="entfallen"
        ),
    }
    measures["a"].goals.add(z2_1)
    measures["b"].goals.add(z2_10, z2_1)  # serving two sub-goals, counted once
    measures["c"].goals.add(z10)
    measures["dropped"].goals.add(z2_1)
    return (
        {"principle": principle, "substrategy": substrategy, "field": field}
        | {
            "z10": z10,
            "z2": z2,
            "z2_10": z2_10,
            "z2_1": z2_1,
        }
        | measures
    )


def test_leitbild_nests_goals_in_code_order_with_their_rolled_up_progress(client, city):
    doc = page(client, "/leitbild/")
    principle = doc.get_element_by_id(city["principle"].slug)
    nest = with_class(principle, "goal-nest")[0]

    top = nest.xpath("./li")
    assert [codes_in(li)[0] for li in top] == ["SC-Z2", "SC-Z10"]
    assert codes_in(top[0].xpath("./ul")[0]) == ["SC-Z2.1", "SC-Z2.10"]
    assert top[1].xpath("./ul") == []

    # SC-Z2: Ampelschaltung 20 % and Bürgerkonto 60 % of its sub-goals, the dropped
    # measure left out: 40 %. The Leitsatz adds Car-Sharing: (20 + 60 + 100) / 3 = 60 %.
    assert "40 % umgesetzt, 2 Maßnahmen" in text_of(with_class(top[0], "goal-nest__item")[0])
    assert "100 % umgesetzt, 1 Maßnahme" in text_of(top[1])
    assert "60 % umgesetzt, 3 Maßnahmen" in text_of(principle.xpath("./p")[0])
    bar = principle.xpath("./p//progress")[0]
    assert bar.get("value") == "60" and bar.get("aria-label")


def test_leitbild_says_when_a_goal_has_no_measures_yet(client, city):
    make_goal(code="SC-Z3", substrategy=city["substrategy"]).principles.add(city["principle"])
    doc = page(client, "/leitbild/")
    item = doc.xpath("//li[.//span[@class='code' and text()='SC-Z3']]")[0]
    assert "Noch keine veröffentlichten Maßnahmen" in text_of(item)


def test_leitbild_shows_a_sub_goal_under_its_parent_when_only_the_sub_goal_serves(client, city):
    other = make_principle(text="Die Verwaltung ist digital.")
    city["z2_10"].principles.add(other)
    doc = page(client, "/leitbild/")
    nest = with_class(doc.get_element_by_id(other.slug), "goal-nest")[0]
    top = nest.xpath("./li")
    assert [codes_in(li) for li in top] == [["SC-Z2", "SC-Z2.10"]]


def test_an_overarching_goal_lists_the_measures_of_its_sub_goals(client, city):
    doc = page(client, city["z2"].get_absolute_url())
    content = text_of(doc)
    assert "Hier gibt es noch keine veröffentlichten Maßnahmen" not in content
    sections = {section.get("aria-labelledby"): section for section in doc.xpath("//main//section")}
    assert "massnahmen" not in sections  # nothing serves SC-Z2 directly
    by_subgoal = [
        (codes_in(s.xpath("./h2")[0]), {m.title for m in titles_in(s, city)})
        for key, s in sections.items()
        if key.startswith("massnahmen-")
    ]
    assert by_subgoal == [
        (["SC-Z2.1"], {"Ampelschaltung", "Bürgerkonto", "Entfallen"}),
        (["SC-Z2.10"], {"Bürgerkonto"}),
    ]
    assert re.search(r"Durchschnittlicher Fortschritt .*? 40 %", content)


def test_a_strategic_goal_lists_its_own_measures(client, city):
    doc = page(client, city["z2_10"].get_absolute_url())
    section = doc.xpath("//section[@aria-labelledby='massnahmen']")[0]
    assert [m.title for m in titles_in(section, city)] == ["Bürgerkonto"]


def test_a_substrategy_page_lists_each_goal_once(client, city):
    doc = page(client, "/smart-city/")
    links = [a.get("href") for a in doc.xpath("//main//a")]
    for goal in ("z10", "z2", "z2_10", "z2_1"):
        assert links.count(city[goal].get_absolute_url()) == 1, goal
    tree = with_class(doc, "goal-tree")[0]
    assert [codes_in(li)[0] for li in tree.xpath("./li")] == ["SC-Z2", "SC-Z10"]
    assert doc.xpath("//*[contains(@class, 'arch__goals')]//a[@href='#ziele']")


def titles_in(element, city):
    """The measures of `city` whose cards `element` shows, found by their code."""
    shown = {code for card in with_class(element, "measure-card__title") for code in codes_in(card)}
    return [city[key] for key in ("a", "b", "c", "dropped") if city[key].code in shown]


def queries_for(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_leitbild_and_goal_pages_run_the_same_queries_however_many_goals_and_measures(client, city):
    paths = ["/leitbild/", city["z2"].get_absolute_url(), city["z2_1"].get_absolute_url()]
    before = [queries_for(client, path) for path in paths]
    for n in range(3, 9):
        parent = make_goal(code=f"SC-Z{n}", substrategy=city["substrategy"])
        parent.principles.add(city["principle"])
        for i in range(1, 4):
            child = make_goal(code=f"SC-Z{n}.{i}", parent=parent)
            child.principles.add(city["principle"])
            make_measure(field_of_action=city["field"]).goals.add(child, city["z2_1"])
    make_goal(code="SC-Z2.5", parent=city["z2"])
    assert [queries_for(client, path) for path in paths] == before
