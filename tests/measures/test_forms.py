"""The catalogue's form: invalid parameters are dropped with a notice, and its filters
offer only what published measures use."""

import pytest

from tests.builders import make_measure, make_world

pytestmark = pytest.mark.django_db


def test_nul_bytes_in_query_parameters_are_dropped_with_a_notice(client):
    make_world(1)
    response = client.get("/massnahmen/", {"q": "Daten\x00", "status": "\x00"})
    assert response.status_code == 200
    assert "ungültig und wurde ignoriert" in response.content.decode()


def test_tag_and_unit_filters_offer_nothing_that_only_drafts_use(client):
    world = make_world(1)
    draft = make_measure(field_of_action=world["field"], code="SC-1.8", is_published=False)
    draft.tags.add("Nur im Entwurf")
    page = client.get("/massnahmen/").content.decode()
    assert "Nur im Entwurf" not in page
    assert "Nur im Entwurf" not in client.get("/schlagworte/").content.decode()


def test_the_quick_select_writes_what_djangos_select_template_writes():
    from django import forms

    from measures.forms import QuickSelect

    choices = [
        ("", "alle"),
        ("a&b", 'Tom & "Jerry" <b>'),
        (3, 2027),
        ("Gruppe <1>", [("x", "X"), ("y", "Y")]),
    ]
    for value in ["", "a&b", "3", "y", None]:
        for attrs in [None, {"id": "id_feld", "aria-describedby": "hilfe", "required": True}]:
            expected = forms.Select(choices=choices).render("feld", value, attrs)
            assert QuickSelect(choices=choices).render("feld", value, attrs) == expected


def test_the_catalogue_filters_render_as_with_djangos_select(client):
    from django import forms

    from measures.forms import CatalogueForm

    world = make_world(2)
    world["measures"][0].tags.add('Daten & "Dienste"')
    form = CatalogueForm.for_request({"status": "umsetzung", "sortierung": "code"})
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.Select):
            plain = forms.Select(choices=field.choices)
            quick = form[name].as_widget()
            assert quick == form[name].as_widget(widget=plain), name
