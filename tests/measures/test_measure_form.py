"""The measure list and form as editors work with them: the columns that matter, filters
with only what a Fachbereich has, room to write with a character count and a Markdown
preview, overdue milestones and measures pointed out."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from measures.models import Measure, Milestone
from tests.builders import make_field, make_goal, make_measure, make_unit, make_update
from tests.conftest import login_with_second_factor, signed_in_staff
from tests.measures.test_editing import change_url, form_data

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:measures_measure_changelist"
PREVIEW = "admin:measures_measure_preview"


@pytest.fixture
def setting(django_user_model):
    today = timezone.localdate()
    field, other_field = make_field(code="SC-1"), make_field(code="EG-1")
    own_unit, other_unit, idle_unit = make_unit(), make_unit(), make_unit(name="Ohne Maßnahme")
    own = make_measure(field_of_action=field, code="SC-1.1", lead_unit=own_unit, status="umsetzung")
    make_update(own, date=today - datetime.timedelta(days=400))
    fresh = make_measure(field_of_action=field, code="SC-1.2", lead_unit=own_unit)
    make_update(fresh, date=today)
    other = make_measure(
        field_of_action=other_field, code="EG-1.1", lead_unit=other_unit, is_published=False
    )
    fachbereich, _ = signed_in_staff(django_user_model, "fb", "Fachbereich", [own_unit])
    redaktion, _ = signed_in_staff(django_user_model, "red", "Redaktion")
    return locals()


def shown_filters(response):
    """The titles of the filters the list offers (a filter with one choice is left out)."""
    return {spec.title for spec in response.context["cl"].filter_specs if spec.has_output()}


def test_the_list_shows_the_important_columns_first_with_the_stand(setting):
    html = setting["redaktion"].get(reverse(CHANGELIST)).content.decode()
    head = html.split("<thead>")[1].split("</thead>")[0]
    headings = [text.strip() for text in re.findall(r">([^<>]+)</a>", head) if text.strip()]
    assert headings[:7] == [
        "Code",
        "Titel",
        "Status",
        "Fortschritt",
        "Stand vom",
        "Federführung",
        "Öffentlich",
    ]
    rows = {code: html.split(f">{code}<")[1].split("</tr>")[0] for code in ("SC-1.1", "SC-1.2")}
    assert "veraltet" in rows["SC-1.1"]
    assert f"{timezone.localdate():%d.%m.%Y}" in rows["SC-1.2"]
    assert "veraltet" not in rows["SC-1.2"]


def test_a_fachbereich_filters_only_by_what_its_measures_have(setting):
    page = setting["fachbereich"].get(reverse(CHANGELIST))
    filters = shown_filters(page)
    # One unit, one Handlungsfeld, all published, no example: nothing to choose there.
    assert not {"Teilstrategie", "Handlungsfeld", "Federführung"} & filters
    assert "veröffentlicht" not in filters and "Beispielinhalt" not in filters
    assert {"Status", "Stand veraltet"} <= filters

    second = make_field(code="SC-2", substrategy=setting["field"].substrategy)
    make_measure(
        field_of_action=second, lead_unit=setting["own_unit"], code="SC-2.1", is_published=False
    )
    page = setting["fachbereich"].get(reverse(CHANGELIST))
    assert {"Handlungsfeld", "veröffentlicht"} <= shown_filters(page)
    spec = next(s for s in page.context["cl"].filter_specs if s.title == "Handlungsfeld")
    offered = {label for _, label in spec.lookup_choices}
    assert offered == {str(setting["field"]), str(second)}  # not the other unit's EG-1


def test_the_redaktion_keeps_every_filter_and_choice(setting):
    page = setting["redaktion"].get(reverse(CHANGELIST))
    filters = shown_filters(page)
    assert {
        "Teilstrategie",
        "Handlungsfeld",
        "Federführung",
        "veröffentlicht",
        "Beispielinhalt",
    } <= filters
    spec = next(s for s in page.context["cl"].filter_specs if s.title == "Federführung")
    assert "Ohne Maßnahme" in {label for _, label in spec.lookup_choices}


def test_the_form_gives_room_to_write_and_counts_the_summary(setting):
    page = setting["fachbereich"].get(change_url(setting["own"]))
    form = page.context["adminform"].form
    title, summary = form.fields["title"].widget, form.fields["summary"].widget
    html = page.content.decode()
    assert "wide-input" in title.attrs["class"]
    assert 'maxlength="300"' in str(form["summary"]) and 'rows="3"' in str(form["summary"])
    assert "data-count" in summary.attrs
    assert re.search(r'<script src="/static/js/admin-text[.\w]*js" defer>', html)
    assert re.search(r'href="/static/css/admin[.\w]*css"', html)


def test_the_description_shows_its_preview_beside_it(setting):
    own = setting["own"]
    own.description = "Erster Absatz mit **Betonung**.\n\n- eins\n- zwei"
    own.save()
    html = setting["fachbereich"].get(change_url(own)).content.decode()
    preview = html.split('id="id_description_preview"')[1].split("</section>")[0]
    assert 'aria-labelledby="id_description_preview_heading"' in html
    assert '<h3 id="id_description_preview_heading">Vorschau</h3>' in html
    assert "<strong>Betonung</strong>" in preview and "<li>eins</li>" in preview
    assert f'data-preview-url="{reverse(PREVIEW)}"' in html


def test_the_preview_renders_markdown_as_the_public_page_does(setting):
    url = reverse(PREVIEW)
    answer = setting["fachbereich"].post(
        url, {"text": "**fett** <script>alert(1)</script> [Link](javascript:alert(1))"}
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "<strong>fett</strong>" in html
    # The refused link stays as its text, never as a link.
    assert "<script" not in html and 'href="javascript:' not in html


def test_the_preview_refuses_what_it_should_not_render(setting, django_user_model):
    url = reverse(PREVIEW)
    assert setting["fachbereich"].get(url).status_code == 405
    too_long = setting["fachbereich"].post(url, {"text": "x" * 50_001})
    assert too_long.status_code == 413
    assert "zu lang" in too_long.content.decode()
    # The admin's CSRF check applies: a form from elsewhere gets no preview.
    strict = login_with_second_factor(
        Client(enforce_csrf_checks=True), django_user_model.objects.get(username="fb")
    )
    assert strict.post(url, {"text": "x"}).status_code == 403
    # Staff without the right to edit measures see nothing.
    nobody = django_user_model.objects.create_user("ohne", is_staff=True)
    assert login_with_second_factor(Client(), nobody).post(url, {"text": "x"}).status_code == 403
    assert Client().post(url, {"text": "x"}).status_code == 302  # to the sign-in


def test_a_milestone_past_its_date_and_not_reached_is_flagged(setting):
    today = timezone.localdate()
    own = setting["own"]
    late = Milestone.objects.create(
        measure=own, title="Ausschreibung", due_date=today - datetime.timedelta(days=10)
    )
    Milestone.objects.create(
        measure=own,
        title="Beschluss",
        due_date=today - datetime.timedelta(days=30),
        reached_on=today - datetime.timedelta(days=31),
    )
    Milestone.objects.create(
        measure=own, title="Start", due_date=today + datetime.timedelta(days=30)
    )
    html = setting["fachbereich"].get(change_url(own)).content.decode()
    inline = html.split('id="milestones-group"')[1]
    # In date order: reached, overdue (in words, with what to do), still ahead.
    reached, overdue, ahead = re.findall(r'class="field-state">\s*<p>(.*?)</p>', inline, re.S)[:3]
    assert reached == "erreicht" and ahead == "offen"
    assert f"überfällig seit {late.due_date:%d.%m.%Y}" in overdue
    assert "erreicht am" in overdue


def overdue_save(client, measure, **changes):
    data = form_data(
        measure,
        start_date=f"{measure.start_date:%Y-%m-%d}",
        end_date=f"{measure.end_date:%Y-%m-%d}",
        **changes,
    )
    return client.post(change_url(measure), data, follow=True)


def test_saving_a_measure_past_its_planned_end_warns_and_says_what_to_do(setting):
    today = timezone.localdate()
    own = setting["own"]
    Measure.objects.filter(pk=own.pk).update(
        start_date=today - datetime.timedelta(days=400), end_date=today - datetime.timedelta(1)
    )
    own.refresh_from_db()
    response = overdue_save(setting["fachbereich"], own, title="Neuer Titel")
    warnings = [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1
    text = str(warnings[0])
    assert f"{own.end_date:%d.%m.%Y}" in text
    assert "neues geplantes Ende" in text and "abgeschlossen" in text

    # Reported finished: nothing to warn about.
    response = overdue_save(
        setting["fachbereich"],
        Measure.objects.get(pk=own.pk),
        title="Neuer Titel",
        status="abgeschlossen",
        progress=100,
        status_note="Fertig.",
    )
    assert response.status_code == 200
    assert Measure.objects.get(pk=own.pk).status == "abgeschlossen"
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_the_restore_page_lists_only_what_a_revert_changes_by_name(setting):
    own, other_unit = setting["own"], setting["other_unit"]
    first = own.history.latest()
    own.lead_unit = other_unit
    own.title = "Neuer Titel"
    own.save()
    own.goals.add(make_goal())  # links stay as they are: the form shows the current ones
    url = reverse("admin:measures_measure_simple_history", args=[own.pk, first.history_id])
    page = setting["redaktion"].get(url)
    changes = {c["field"]: (str(c["old"]), str(c["new"])) for c in page.context["revert_changes"]}
    assert changes == {
        "Titel": ("Neuer Titel", first.title),
        "Federführung": (str(other_unit), str(setting["own_unit"])),  # by name, not number
    }
    html = page.content.decode()
    assert "jetzt" in html and "nach dem Zurücksetzen" in html


def test_every_input_of_the_form_is_named_for_screen_readers(setting):
    own = setting["own"]
    Milestone.objects.create(measure=own, title="Start", due_date=timezone.localdate())
    own.goals.add(make_goal(title="Offene Daten"))
    html = setting["fachbereich"].get(change_url(own)).content.decode()
    # A milestone's inputs in its table row carry their column's name.
    assert re.search(r'<input[^>]*aria-label="Meilenstein"[^>]*id="id_milestones-0-title"', html)
    html_redaktion = setting["redaktion"].get(change_url(own)).content.decode()
    assert re.search(r'aria-label="Löschen"[^>]*id="id_milestones-0-DELETE"', html_redaktion)
    # Goals, dependencies and tags are lists to tick, each box with its label.
    goal = own.goals.get()
    assert re.search(
        rf'<label for="id_goals_\d+"><input type="checkbox" name="goals" value="{goal.pk}"', html
    )
    assert 'name="dependencies"' in html and "select2" not in html
