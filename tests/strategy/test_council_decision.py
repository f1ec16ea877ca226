"""The adoption of the strategy is cited by the council's own document where the
Redaktion has it; until then plainly as what the press reported."""

import importlib

import pytest
from django.apps import apps

from strategy.models import SubStrategy
from tests.builders import make_substrategy

pytestmark = pytest.mark.django_db

migration = importlib.import_module("strategy.migrations.0012_council_decision_citation")


@pytest.mark.usefixtures("seed_for_the_class")
class TestWithTheSeed:
    def test_the_adoption_is_marked_as_reported_by_the_press(self, client):
        page = client.get("/e-government/").content.decode()
        assert "Laut Presseberichten (unser-iserlohn.de; ikz-online.de) hat der Haupt- und " in (
            page
        )
        assert "Beschlussvorlage im Ratsinformationssystem ist hier noch nicht verlinkt" in page

    def test_the_admin_says_how_to_cite_a_decision(self, admin_client_logged_in):
        substrategy = SubStrategy.objects.get(slug="e-government")
        page = admin_client_logged_in.get(
            f"/admin/strategy/substrategy/{substrategy.pk}/change/"
        ).content.decode()
        assert "mit seiner Vorlage im Ratsinformationssystem belegen" in page
        assert "Laut Presseberichten (Quelle) hat …" in page


def test_the_shipped_sentence_is_rewritten_and_an_edited_text_is_left_alone():
    shipped = make_substrategy(introduction="Einleitung.\n\n" + migration.SHIPPED)
    edited = make_substrategy(introduction="Der Rat hat beschlossen: [Vorlage](https://ris/1).")
    migration.cite_the_press_as_such(apps, None)
    shipped.refresh_from_db()
    edited.refresh_from_db()
    assert shipped.introduction == "Einleitung.\n\n" + migration.AS_PRESS_REPORTS
    assert edited.introduction == "Der Rat hat beschlossen: [Vorlage](https://ris/1)."
