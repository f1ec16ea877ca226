"""The aggregates on QuerySets and models that pages, PDFs and the API share."""

import datetime

import pytest

from measures.models import FieldOfAction, Measure, Milestone, StatusUpdate
from measures.models.status import is_overdue, is_stale
from measures.publications import report_context
from strategy.models import SubStrategy
from tests.builders import make_field, make_goal, make_measure, make_update
from tests.clock import frozen_clock

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 24)


def test_count_by_status_lists_every_status_in_workflow_order():
    make_measure(status="umsetzung", progress=10)
    make_measure(status="umsetzung", progress=20)
    make_measure(status="abgeschlossen", progress=100)
    make_measure(status="geplant", is_published=False)
    counts = Measure.objects.published().count_by_status()
    assert list(counts) == list(Measure.Status)
    assert counts[Measure.Status.IN_PROGRESS] == 2
    assert counts[Measure.Status.DONE] == 1
    assert counts[Measure.Status.PLANNED] == 0


def test_figures_give_the_rounded_mean_and_the_size_of_each_subset_in_one_query(
    django_assert_num_queries,
):
    for progress in (10, 15, 20):
        make_measure(status="umsetzung", progress=progress, end_date=datetime.date(2026, 1, 1))
    make_measure(status="umsetzung", progress=100, end_date=datetime.date(2027, 1, 1))
    published = Measure.objects.published()
    with django_assert_num_queries(1):
        figures = published.figures(overdue=published.overdue(DAY))
    # (10 + 15 + 20 + 100) / 4 = 36.25
    assert figures == {"progress": 36, "counted": 4, "done": 0, "dropped": 0, "overdue": 3}
    assert Measure.objects.none().average_progress() is None


def test_headline_figures_leave_out_dropped_measures():
    make_measure(status="abgeschlossen", progress=100)
    make_measure(status="umsetzung", progress=50)
    make_measure(status="entfallen", progress=0)
    figures = Measure.objects.published().figures()
    assert figures == {"progress": 75, "counted": 2, "done": 1, "dropped": 1}


def test_field_progress_counts_only_published_measures():
    field = make_field()
    make_measure(field_of_action=field, progress=20)
    make_measure(field_of_action=field, status="abgeschlossen", progress=100)
    make_measure(field_of_action=field, progress=90, is_published=False)
    make_measure(field_of_action=field, status="entfallen", progress=0)
    annotated = FieldOfAction.objects.with_progress().get(pk=field.pk)
    assert (annotated.measure_count, annotated.progress, annotated.done) == (3, 60, 1)


def test_substrategy_progress_over_the_measures_given():
    field = make_field()
    hidden = make_field(substrategy=field.substrategy, is_published=False)
    make_measure(field_of_action=field, progress=30)
    make_measure(field_of_action=field, progress=50)
    make_measure(field_of_action=hidden, progress=100)
    empty = make_field().substrategy
    rows = {
        s.pk: (s.measure_count, s.progress)
        for s in SubStrategy.objects.with_progress(Measure.objects.published())
    }
    assert rows[field.substrategy.pk] == (2, 40)
    assert rows[empty.pk] == (0, None)


def test_field_count_of_a_substrategy_counts_the_fields_given():
    field = make_field()
    make_field(substrategy=field.substrategy, is_published=False)
    counted = SubStrategy.objects.with_field_count(FieldOfAction.objects.published())
    assert counted.get(pk=field.substrategy.pk).field_count == 1


def test_listing_reads_field_substrategy_unit_and_last_update_in_one_query(
    django_assert_num_queries,
):
    measure = make_measure()
    make_update(measure, date=datetime.date(2026, 3, 1))
    make_update(measure, date=datetime.date(2026, 5, 1))
    with django_assert_num_queries(1):
        [listed] = Measure.objects.listing()
        shown = (listed.field_of_action.substrategy.name, listed.lead_unit.name)
    assert shown == (measure.field_of_action.substrategy.name, measure.lead_unit.name)
    assert listed.last_update == datetime.date(2026, 5, 1)


def test_the_rules_for_overdue_and_stale(settings):
    settings.STALE_AFTER_DAYS = 30
    assert is_overdue("umsetzung", datetime.date(2026, 11, 23), DAY)
    assert not is_overdue("umsetzung", DAY, DAY)
    assert not is_overdue("zurueckgestellt", datetime.date(2020, 1, 1), DAY)
    assert not is_overdue("geplant", None, DAY)
    assert is_stale("vorbereitung", DAY - datetime.timedelta(days=31), DAY)
    assert not is_stale("vorbereitung", DAY - datetime.timedelta(days=30), DAY)
    assert not is_stale("abgeschlossen", datetime.date(2020, 1, 1), DAY)


def test_querysets_properties_and_report_apply_the_same_rule(settings):
    """Dashboard, pages and the Sachstandsbericht agree on what is overdue and stale."""
    settings.STALE_AFTER_DAYS = 30
    with frozen_clock(DAY):  # the report shows what was recorded by its Stichtag
        late = make_measure(status="umsetzung", progress=10, end_date=datetime.date(2026, 11, 1))
        make_update(late, date=datetime.date(2026, 11, 20))
        quiet = make_measure(status="umsetzung", progress=10, end_date=datetime.date(2027, 1, 1))
        make_update(quiet, date=datetime.date(2026, 9, 1))
        fine = make_measure(status="umsetzung", progress=10, end_date=datetime.date(2027, 1, 1))
        make_update(fine, date=datetime.date(2026, 11, 1))
    published = Measure.objects.published()
    report = report_context(DAY, datetime.date(2026, 9, 30))
    assert list(published.overdue(DAY)) == [late]
    assert [line.measure for line in report["overdue"]] == [late]
    assert list(published.stale(DAY)) == [quiet]
    assert [line.measure for line in report["outdated"]] == [quiet]


def test_timeline_latest_update_and_status_since():
    measure = make_measure(status="umsetzung", progress=40)
    make_update(measure, date=datetime.date(2025, 2, 1), status="geplant", progress=0)
    make_update(measure, date=datetime.date(2025, 6, 1), progress=20)
    latest = make_update(measure, date=datetime.date(2026, 1, 10), progress=40)
    Milestone.objects.create(
        measure=measure,
        title="Ausschreibung",
        due_date=datetime.date(2025, 12, 31),
        reached_on=datetime.date(2026, 2, 1),
    )
    Milestone.objects.create(measure=measure, title="Start", due_date=datetime.date(2025, 3, 1))
    measure = Measure.objects.with_details().get(pk=measure.pk)
    days = [(kind, day) for kind, day, _ in measure.timeline()]
    assert days == [
        ("milestone", datetime.date(2026, 2, 1)),
        ("update", datetime.date(2026, 1, 10)),
        ("update", datetime.date(2025, 6, 1)),
        ("milestone", datetime.date(2025, 3, 1)),
        ("update", datetime.date(2025, 2, 1)),
    ]
    assert measure.latest_update == latest
    assert measure.status_since == datetime.date(2025, 6, 1)


def test_related_measures_share_the_field_or_tags_most_shared_first():
    measure = make_measure()
    measure.tags.add("Schule", "Daten")
    same_field = make_measure(field_of_action=measure.field_of_action)
    one_tag = make_measure()
    one_tag.tags.add("Daten")
    two_tags = make_measure()
    two_tags.tags.add("Daten", "Schule")
    make_measure().tags.add("Verkehr")
    draft = make_measure(is_published=False)
    draft.tags.add("Daten")
    related = list(Measure.objects.published().related_to(measure))
    assert related == [two_tags, one_tag, same_field]


def test_details_show_only_goals_and_dependencies_the_public_may_see():
    measure = make_measure()
    shown, hidden = make_goal(), make_goal(is_published=False)
    measure.goals.add(shown, hidden)
    needed, draft = make_measure(), make_measure(is_published=False)
    measure.dependencies.add(needed, draft)
    detailed = Measure.objects.with_details().get(pk=measure.pk)
    assert list(detailed.goals.all()) == [shown]
    assert list(detailed.dependencies.all()) == [needed]


def test_search_and_tagged_select_the_measures_of_a_term_or_tag():
    school = make_measure(title="Digitale Schule")
    make_measure(title="Radwege")
    school.tags.add("Bildung")
    assert list(Measure.objects.search("schule")) == [school]
    tag = school.tags.get()
    assert list(Measure.objects.tagged(tag)) == [school]


def test_newest_published_updates_leave_out_drafts():
    shown = make_update(make_measure(), date=datetime.date(2026, 2, 1))
    older = make_update(make_measure(), date=datetime.date(2026, 1, 1))
    make_update(make_measure(is_published=False), date=datetime.date(2026, 3, 1))
    assert list(StatusUpdate.objects.published().newest()) == [shown, older]
