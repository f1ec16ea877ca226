import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command

from measures.models import (
    Indicator,
    IndicatorValue,
    LifeSituation,
    Measure,
    OnlineService,
    StatusUpdate,
)
from measures.publications import report_context
from measures.updates import finished_on
from strategy.models import Principle, SubStrategy

pytestmark = pytest.mark.django_db

LEITSAETZE = [
    "Die digitale Stadt Iserlohn ist ein attraktiver Lebens- und Wohnort.",
    "Die Stadtverwaltung Iserlohn nutzt die Digitalisierung im Sinne der Bürgerinnen und Bürger.",
    "Die Stadtverwaltung Iserlohn arbeitet zunehmend digital.",
    "Die digitale Stadt Iserlohn denkt intelligent vernetzt.",
]


def dump() -> list:
    out = io.StringIO()
    call_command(
        "dumpdata",
        "strategy",
        "measures",
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
    )
    return json.loads(out.getvalue())


def load_seed() -> str:
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("seed_for_the_class")
class TestTheLoadedSeed:
    """What the seed holds once loaded (loaded once for these tests, which only read)."""

    def test_seed_holds_the_four_leitsaetze_verbatim(self):
        assert list(Principle.objects.values_list("text", flat=True)) == LEITSAETZE

    def test_seed_has_both_substrategies_and_a_varied_catalogue(self):
        assert list(SubStrategy.objects.values_list("name", flat=True)) == [
            "Smart City",
            "E-Government",
        ]
        measures = Measure.objects.published()
        assert measures.count() >= 30
        assert set(measures.values_list("status", flat=True)) == set(Measure.Status.values)
        assert {"hoch", "mittel", "niedrig"} == set(measures.values_list("priority", flat=True))
        for substrategy in SubStrategy.objects.all():
            assert measures.in_substrategy(substrategy).exists()
            assert substrategy.goals.overarching().exists()
            assert substrategy.goals.strategic().exists()

    def test_seed_marks_every_invented_measure_as_example_and_cites_known_projects(self):
        for measure in Measure.objects.all():
            assert measure.is_example or measure.source, measure.code
        assert Measure.objects.exclude(source="").count() >= 5

    def test_seed_status_matches_its_latest_update_and_passes_validation(self):
        for measure in Measure.objects.published():
            latest = measure.updates.latest()
            assert (latest.status, latest.progress) == (measure.status, measure.progress), measure
            history = measure.updates.order_by("-date", "-recorded_at").values_list(
                "status", "progress", "date"
            )
            assert measure.finished_on == finished_on(list(history)), measure  # as record_stand
            measure.full_clean()
        assert Measure.objects.filter(finished_on__isnull=False).exists()
        assert StatusUpdate.objects.count() > Measure.objects.count()

    def test_seed_kennzahlen_keep_their_values_as_the_start_of_their_zeitreihe(self):
        seeded = [
            item["fields"]
            for item in json.loads((settings.BASE_DIR / "fixtures" / "measures.json").read_text())
            if item["model"] == "measures.indicator" and item["fields"]["current"] is not None
        ]
        assert seeded
        for fields in seeded:
            indicator = Indicator.objects.get(
                measure__code=fields["measure"][0], name=fields["name"]
            )
            assert (str(indicator.current), str(indicator.as_of)) == (
                fields["current"],
                fields["as_of"],
            )
            actual = indicator.values.filter(kind=IndicatorValue.Kind.ACTUAL)
            assert [(str(v.date), str(v.value)) for v in actual] == [
                (fields["as_of"], fields["current"])
            ]

    def test_seed_services_lead_somewhere_without_inventing_addresses(self):
        """Addresses of Iserlohn's services are not publicly known: the seed uses only the
        city's main site, on example content, and every service has a Lebenslage."""
        assert LifeSituation.objects.count() >= 8
        services = OnlineService.objects.all()
        assert services.exists()
        for service in services:
            assert service.life_situations.exists(), service
            assert service.url in ("", "https://www.iserlohn.de/"), service
            assert service.is_example or not service.url, service
            assert bool(service.url) == service.is_online, service
        offers = Measure.objects.exclude(offer_url="")
        assert {m.offer_url for m in offers} == {"https://www.iserlohn.de/"}
        assert all(m.is_example for m in offers)
        assert offers.filter(status=Measure.Status.DONE).exists()


def test_loading_the_seed_twice_changes_nothing():
    assert "0 schon vorhanden" in load_seed()
    before = dump()
    assert "0 angelegt" in load_seed()
    assert dump() == before


def test_loading_the_seed_keeps_what_editors_changed():
    load_seed()
    measure = Measure.objects.order_by("code").first()
    measure.title = "Von der Redaktion geändert"
    measure.save()
    load_seed()
    measure.refresh_from_db()
    assert measure.title == "Von der Redaktion geändert"


@pytest.mark.usefixtures("seed_for_the_class")
class TestTheSeedsHistory:
    """The seed's measures exist in the change history from their creation day on."""

    def test_each_seed_measure_is_recorded_from_the_day_it_was_created(self):
        for measure in Measure.objects.all():
            first = measure.history.earliest("history_date")
            assert (first.history_type, first.history_date) == ("+", measure.created_at)

    def test_a_report_for_a_past_stichtag_holds_the_measures_created_by_then(self):
        stichtag = datetime.date(2024, 6, 30)
        report = report_context(stichtag, datetime.date(2024, 3, 31))
        created_by_then = Measure.objects.published().filter(created_at__date__lte=stichtag)
        assert 0 < len(report["lines"]) < Measure.objects.published().count()
        assert [line.measure.code for line in report["lines"]] == [
            measure.code for measure in created_by_then.order_by("code")
        ]
        assert all(line.update.date <= stichtag for line in report["lines"] if line.update)
