"""The search without PostgreSQL's full text search (SQLite) and with it: case and
umlauts, the Redaktion's synonyms, typos, and the words found marked in the results."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from measures.models import SynonymGroup
from measures.search import excerpt, fold, highlight, parse
from tests.builders import make_measure

pytestmark = pytest.mark.django_db


def found(client, query, **filters):
    response = client.get("/massnahmen/", {"q": query, **filters})
    return sorted(m.code for m in response.context["measures"])


def test_sqlite_fallback_and_postgres_search_ignore_case_of_umlauts(client):
    make_measure(title="Bürgerservice digital", code="HF-1.1")
    response = client.get("/massnahmen/", {"q": "BÜRGERSERVICE"})
    assert [m.code for m in response.context["measures"]] == ["HF-1.1"]


@pytest.mark.parametrize("query", ["bürgerservice", "BUERGERSERVICE", "Burgerservice"])
def test_umlauts_may_be_typed_as_ae_oe_ue_or_without_dots(client, query):
    make_measure(title="Bürgerservice digital", code="HF-1.1")
    make_measure(title="Feuerwehr", code="HF-1.2")
    assert found(client, query) == ["HF-1.1"]
    # A word with a real "ue" is still found as written.
    assert found(client, "Feuerwehr") == ["HF-1.2"]


# The pairs the migration brings; each is found from either side.
PAIRS = [
    ("Bürgerportal", "Serviceportal"),
    ("Breitband", "Glasfaser"),
    ("Parken", "Parkleitsystem"),
    ("Kita", "Kindertagesstätte"),
]


def test_the_common_pairs_are_there_for_the_redaktion_to_keep():
    assert {tuple(group.word_list) for group in SynonymGroup.objects.all()} >= set(PAIRS)


@pytest.mark.parametrize(("one", "other"), PAIRS)
def test_a_search_for_either_word_of_a_pair_finds_the_other(client, one, other):
    first = make_measure(title=f"Neues {one} für alle", code="HF-1.1")
    second = make_measure(summary=f"Wir bauen das {other} aus.", code="HF-1.2")
    make_measure(title="Etwas ganz anderes", code="HF-1.3")
    assert found(client, one) == [first.code, second.code]
    assert found(client, other) == [first.code, second.code]
    assert found(client, other.upper()) == [first.code, second.code]
    # Umlauts written out as "ue" or "ae" count as well.
    for word in (one, other):
        written_out = word.replace("ü", "ue").replace("ä", "ae")
        if written_out != word:
            assert found(client, written_out) == [first.code, second.code]


def test_synonyms_widen_one_word_while_the_others_still_narrow(client):
    make_measure(title="Glasfaser für Schulen", code="HF-1.1")
    make_measure(title="Glasfaser für Gewerbegebiete", code="HF-1.2")
    assert found(client, "Breitband Schulen") == ["HF-1.1"]


def test_a_group_the_redaktion_adds_is_used_at_once(client):
    make_measure(title="Mängelmelder", code="HF-1.1")
    assert found(client, "Schadensmeldung") == []
    SynonymGroup.objects.create(words="Schadensmeldung, Mängelmelder, Anliegenmanagement")
    assert found(client, "Schadensmeldung") == ["HF-1.1"]
    assert found(client, "anliegenmanagement") == ["HF-1.1"]


class TestWithTheSeed:
    """What a citizen typed in the issue finds the seed's measures."""

    @pytest.fixture(autouse=True)
    def seed(self, db):
        call_command("load_seed", verbosity=0)

    def test_the_synonyms_find_the_seed_measures(self, client):
        assert "EG-1.1" in found(client, "Bürgerportal")
        assert "EG-4.1" in found(client, "Breitband")
        assert found(client, "Parken") == ["SC-3.2"]

    @pytest.mark.postgres
    def test_a_typo_finds_its_measure_on_postgresql(self, client):
        assert found(client, "Parkleitsytem") == ["SC-3.2"]
        assert "EG-1.1" in found(client, "Servicportal")


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("Kita", "mindestens zwei"),
        ("Kita, , Kindergarten", "nicht leer"),
        ("Kita,Kindergarten,", "nicht leer"),
        ("Kita, Kindergarten, KITA", "doppelt"),
        ("Glasfaser, Lichtwellenleiter", "schon in der Gruppe"),
    ],
)
def test_a_synonym_group_is_checked_before_it_is_saved(words, message):
    group = SynonymGroup(words=words)
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert message in str(error.value)


def test_the_query_is_expanded_for_ten_words_at_most(django_assert_num_queries):
    text = " ".join(["Kita"] * 30)
    with django_assert_num_queries(1):
        query = parse(text)
    assert len(query.words) == 10
    assert all(word.synonyms == ("Kindertagesstätte",) for word in query.words)


def test_fold_ignores_case_and_accents():
    assert fold("BÜRGER") == fold("Bürger") == fold("Burger") == "burger"
    assert fold("Straße") == "strasse"


def test_highlight_marks_the_part_of_a_word_that_was_found():
    terms = parse("Schule").highlight_terms()
    assert highlight("Fachhochschule und Schulen", terms) == (
        "Fachhoch<mark>schule</mark> und <mark>Schule</mark>n"
    )


def test_highlight_marks_umlauts_synonyms_and_stems():
    assert highlight("Das Bürgerportal", parse("buergerportal").highlight_terms()) == (
        "Das <mark>Bürgerportal</mark>"
    )
    assert highlight("Glasfaser im Netz", parse("Breitband").highlight_terms()) == (
        "<mark>Glasfaser</mark> im Netz"
    )
    assert highlight("Verwaltung", parse("Verwaltungen").highlight_terms()) == (
        "<mark>Verwaltung</mark>"
    )
    assert highlight("Straße", parse("strasse").highlight_terms()) == "<mark>Straße</mark>"


def test_excerpt_shows_the_passage_around_the_first_word_found():
    terms = parse("Schule").highlight_terms()
    text = "Partner waren " + "die Stadt und " * 10 + "die Fachhochschule Südwestfalen. " * 3
    passage = excerpt(text, terms, radius=20)
    assert passage.startswith("… ") and passage.endswith(" …")
    assert "Fachhoch<mark>schule</mark> Südwestfalen." in passage
    assert len(passage) < 120
    assert excerpt("Kurz: <Schule>", terms) == "Kurz: &lt;<mark>Schule</mark>&gt;"
    assert excerpt("Nichts davon", terms) == ""


def test_highlight_escapes_the_text_and_the_query():
    terms = parse("<b>").highlight_terms()
    assert highlight("a <b>fett</b> & <script>", terms) == (
        "a <mark>&lt;b&gt;</mark>fett&lt;/b&gt; &amp; &lt;script&gt;"
    )
    assert highlight("<i>x</i>", []) == "&lt;i&gt;x&lt;/i&gt;"


def test_the_redaktion_keeps_the_synonyms_a_fachbereich_cannot(django_user_model):
    from tests.builders import make_unit
    from tests.conftest import signed_in_staff

    redaktion, _ = signed_in_staff(django_user_model, "red", "Redaktion")
    fachbereich, _ = signed_in_staff(django_user_model, "fb", "Fachbereich", [make_unit()])
    changelist = "/admin/measures/synonymgroup/"
    group = SynonymGroup.objects.get(words="Kita, Kindertagesstätte")
    change = f"{changelist}{group.pk}/change/"

    assert redaktion.get(changelist).status_code == 200
    response = redaktion.post(change, {"words": "Kita, Kindertagesstätte, Kindergarten"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.word_list == ["Kita", "Kindertagesstätte", "Kindergarten"]
    response = redaktion.post(f"{changelist}add/", {"words": "Kita, Krippe"})
    assert "steht schon in der Gruppe" in response.content.decode()

    assert fachbereich.get(changelist).status_code == 403
    assert fachbereich.get(change).status_code == 403
    assert fachbereich.post(change, {"words": "Kita, Hort"}).status_code == 403
    group.refresh_from_db()
    assert group.word_list == ["Kita", "Kindertagesstätte", "Kindergarten"]
