"""Review before publish: a Fachbereich's text changes to a published measure of a unit
that asks for review wait for the Redaktion ("Freigaben"); its Stand goes live at once."""

import pytest
from django.test import Client
from django.urls import reverse

from iserlohn_digital import mail as background_mail
from measures.models import Measure, PendingChange
from measures.review import open_changes, word_diff
from tests.builders import make_field, make_measure, make_unit
from tests.conftest import signed_in_staff
from tests.measures.test_editing import change_url, form_data

pytestmark = pytest.mark.django_db

OLD_SUMMARY = "Alle Schulen bekommen WLAN."
NEW_SUMMARY = "Alle Schulen und Turnhallen bekommen schnelles WLAN."


@pytest.fixture
def setting(django_user_model):
    field = make_field(code="SC-1", slug="daten")
    unit = make_unit(slug="schule", review_text_changes=True)
    measure = make_measure(
        field_of_action=field,
        code="SC-1.1",
        lead_unit=unit,
        title="WLAN an Schulen",
        summary=OLD_SUMMARY,
        status="umsetzung",
        progress=30,
    )
    fachbereich, fb_user = signed_in_staff(django_user_model, "fb", "Fachbereich", [unit])
    fb_user.email = "fb@example.org"
    fb_user.save()
    redaktion, red_user = signed_in_staff(django_user_model, "red", "Redaktion")
    return locals()


def propose(setting, **changes):
    measure = Measure.objects.get(pk=setting["measure"].pk)
    response = setting["fachbereich"].post(
        change_url(measure), form_data(measure, **changes), follow=True
    )
    assert response.status_code == 200
    return response


def review_url(change):
    return reverse("admin:measures_pendingchange_change", args=[change.pk])


def public_page(measure):
    return Client().get(measure.get_absolute_url()).content.decode()


def api_summary(measure):
    return Client().get(f"/api/v1/measures/{measure.code}").json()["summary"]


def test_without_review_the_text_goes_live_at_once(setting):
    unit = setting["unit"]
    unit.review_text_changes = False
    unit.save()
    propose(setting, summary=NEW_SUMMARY)
    assert NEW_SUMMARY in public_page(setting["measure"])
    assert not PendingChange.objects.exists()


def test_a_draft_needs_no_review(setting):
    Measure.objects.filter(pk=setting["measure"].pk).update(is_published=False)
    data = form_data(setting["measure"], summary=NEW_SUMMARY)
    del data["is_published"]
    setting["fachbereich"].post(change_url(setting["measure"]), data)
    assert Measure.objects.get(pk=setting["measure"].pk).summary == NEW_SUMMARY
    assert not PendingChange.objects.exists()


def test_the_redaktions_own_text_changes_go_live_at_once(setting):
    measure = setting["measure"]
    setting["redaktion"].post(change_url(measure), form_data(measure, summary=NEW_SUMMARY))
    assert Measure.objects.get(pk=measure.pk).summary == NEW_SUMMARY
    assert not PendingChange.objects.exists()


def test_text_changes_wait_while_the_stand_of_the_same_save_goes_live(setting):
    measure = setting["measure"]
    page = propose(
        setting, summary=NEW_SUMMARY, progress=60, status_note="Zehn Schulen angeschlossen"
    ).content.decode()
    assert "warten auf die Freigabe durch die Redaktion" in page
    assert "erfolgreich geändert" not in page

    public = public_page(measure)
    assert OLD_SUMMARY in public and NEW_SUMMARY not in public
    assert "Zehn Schulen angeschlossen" in public
    assert api_summary(measure) == OLD_SUMMARY
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.summary, stored.progress) == (OLD_SUMMARY, 60)
    assert NEW_SUMMARY not in str(list(stored.history.values_list("summary", flat=True)))

    change = PendingChange.objects.get()
    assert change.proposed == {"summary": NEW_SUMMARY}
    assert change.base == {"summary": OLD_SUMMARY}
    assert (change.author, change.state) == (setting["fb_user"], "offen")


def test_the_form_shows_the_pending_proposal_and_a_second_save_refines_it(setting):
    measure = setting["measure"]
    propose(setting, summary=NEW_SUMMARY)
    form = setting["fachbereich"].get(change_url(measure))
    assert form.context["adminform"].form.initial["summary"] == NEW_SUMMARY
    assert "warten auf die Freigabe" in form.content.decode()

    propose(setting, summary=NEW_SUMMARY, title="WLAN an allen Schulen")
    change = PendingChange.objects.get()
    assert change.proposed == {"summary": NEW_SUMMARY, "title": "WLAN an allen Schulen"}
    assert change.base == {"summary": OLD_SUMMARY, "title": "WLAN an Schulen"}

    # Back to the published texts: nothing left to review.
    propose(setting)
    assert not PendingChange.objects.exists()


def test_approving_publishes_the_text_and_names_author_and_approver(
    setting, mailoutbox, django_capture_on_commit_callbacks
):
    measure = setting["measure"]
    propose(setting, summary=NEW_SUMMARY)
    change = PendingChange.objects.get()
    assert list(open_changes(setting["red_user"])) == [change]
    assert NEW_SUMMARY not in public_page(measure)  # cached now, renewed by the approval
    form = setting["redaktion"].get(change_url(measure)).content.decode()
    assert f'href="{review_url(change)}"' in form
    page = setting["redaktion"].get(review_url(change))
    assert page.status_code == 200
    assert "<ins>" in page.content.decode() and "eingefügt:" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = setting["redaktion"].post(
            review_url(change), {"_approve": "1", "revision": change.revision}
        )
    assert response.status_code == 302
    assert NEW_SUMMARY in public_page(measure)
    assert api_summary(measure) == NEW_SUMMARY
    latest = Measure.objects.get(pk=measure.pk).history.first()
    assert latest.history_user.username == "red"
    assert "fb" in latest.history_change_reason and "red" in latest.history_change_reason
    history = setting["redaktion"].get(reverse("admin:measures_measure_history", args=[measure.pk]))
    assert "freigegeben von red" in history.content.decode()
    change.refresh_from_db()
    assert (change.state, change.decided_by) == ("freigegeben", setting["red_user"])
    assert not open_changes(setting["red_user"]).exists()
    background_mail.wait_for_pending(timeout=30)  # sent in the background
    assert mailoutbox[0].to == ["fb@example.org"]


def test_rejecting_changes_nothing_keeps_the_record_and_tells_the_author(
    setting, mailoutbox, django_capture_on_commit_callbacks
):
    measure = setting["measure"]
    propose(setting, summary=NEW_SUMMARY)
    change = PendingChange.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        setting["redaktion"].post(
            review_url(change),
            {
                "_reject": "1",
                "revision": change.revision,
                "reason": "Turnhallen sind nicht Teil davon.",
            },
        )
    assert Measure.objects.get(pk=measure.pk).summary == OLD_SUMMARY
    change.refresh_from_db()
    assert (change.state, change.reason) == ("abgelehnt", "Turnhallen sind nicht Teil davon.")
    background_mail.wait_for_pending(timeout=30)  # sent in the background
    (mail,) = mailoutbox
    assert mail.to == ["fb@example.org"]
    assert "nicht freigegeben" in mail.body and "Turnhallen sind nicht Teil davon." in mail.body


def test_the_fachbereich_reads_its_changes_but_cannot_decide(setting, django_user_model):
    propose(setting, summary=NEW_SUMMARY)
    change = PendingChange.objects.get()
    client = setting["fachbereich"]
    assert (
        change.measure.code
        in client.get(reverse("admin:measures_pendingchange_changelist")).content.decode()
    )
    page = client.get(review_url(change))
    assert page.status_code == 200
    assert "Freigeben" not in page.content.decode()
    assert (
        client.post(review_url(change), {"_approve": "1", "revision": change.revision}).status_code
        == 403
    )
    assert Measure.objects.get(pk=change.measure_id).summary == OLD_SUMMARY
    assert not open_changes(setting["fb_user"]).exists()

    other, _ = signed_in_staff(django_user_model, "andere", "Fachbereich", [make_unit()])
    assert other.get(review_url(change)).status_code == 403


def test_approving_after_the_text_changed_in_between_shows_the_conflict(setting):
    measure = setting["measure"]
    propose(setting, summary=NEW_SUMMARY)
    change = PendingChange.objects.get()
    current = Measure.objects.get(pk=measure.pk)
    current.summary = "Die Redaktion hat hier nachgebessert."
    current.save()

    response = setting["redaktion"].post(
        review_url(change), {"_approve": "1", "revision": change.revision}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "überschreiben" in page and "Die Redaktion hat hier nachgebessert." in page
    assert Measure.objects.get(pk=measure.pk).summary == "Die Redaktion hat hier nachgebessert."

    setting["redaktion"].post(
        review_url(change), {"_approve": "1", "revision": change.revision, "overwrite": "True"}
    )
    assert Measure.objects.get(pk=measure.pk).summary == NEW_SUMMARY


def test_unknown_or_bad_addresses_answer_404(setting):
    url = reverse("admin:measures_pendingchange_change", args=["x"])
    assert setting["redaktion"].get(url).status_code == 404
    assert setting["redaktion"].get(url.replace("x", "999")).status_code == 404


def test_the_diff_marks_words_with_labels_and_a_rewrite_as_one_change():
    assert str(word_diff("Alle Schulen bekommen WLAN.", "Alle Schulen bekommen <b>WLAN</b>.")) == (
        "Alle Schulen bekommen "
        '<del><span class="diff-label">[entfernt: </span>WLAN.<span class="diff-label">]</span>'
        '</del><ins><span class="diff-label">[eingefügt: </span>&lt;b&gt;WLAN&lt;/b&gt;.'
        '<span class="diff-label">]</span></ins>'
    )
    rewrite = str(word_diff("Das alte Portal.", "Ein neuer Dienst für alle."))
    assert rewrite.count("<del>") == 1 and rewrite.count("<ins>") == 1


def test_an_open_proposal_goes_live_when_review_was_turned_off_meanwhile(setting):
    propose(setting, summary=NEW_SUMMARY)
    PendingChange.objects.get()
    setting["unit"].review_text_changes = False
    setting["unit"].save()
    propose(setting, summary=NEW_SUMMARY)
    assert Measure.objects.get(pk=setting["measure"].pk).summary == NEW_SUMMARY
    assert not PendingChange.objects.exists()


def test_the_same_text_published_meanwhile_is_no_conflict(setting):
    propose(setting, summary=NEW_SUMMARY)
    change = PendingChange.objects.get()
    Measure.objects.filter(pk=setting["measure"].pk).update(summary=NEW_SUMMARY)
    response = setting["redaktion"].post(
        review_url(change), {"_approve": "1", "revision": change.revision}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == "freigegeben"


def test_a_too_long_reason_is_a_german_message_not_a_decision(setting):
    propose(setting, summary=NEW_SUMMARY)
    change = PendingChange.objects.get()
    response = setting["redaktion"].post(
        review_url(change), {"_reject": "1", "revision": change.revision, "reason": "x" * 1001}
    )
    assert response.status_code == 400
    assert "höchstens 1000 Zeichen" in response.content.decode()
    change.refresh_from_db()
    assert change.is_open


def test_the_list_shows_open_changes_first_and_decided_ones_on_request(setting):
    propose(setting, summary=NEW_SUMMARY)
    change = PendingChange.objects.get()
    setting["redaktion"].post(review_url(change), {"_reject": "1", "revision": change.revision})
    changelist = reverse("admin:measures_pendingchange_changelist")
    link = f'href="{review_url(change)}'
    assert link not in setting["redaktion"].get(changelist).content.decode()
    for state in ("abgelehnt", "alle"):
        page = setting["redaktion"].get(changelist, {"zustand": state}).content.decode()
        assert link in page and "abgelehnt am" in page
    assert setting["redaktion"].get(changelist, {"zustand": "x"}).status_code == 200


def test_the_redaktions_start_page_lists_the_changes_waiting_for_approval(setting):
    propose(setting, summary=NEW_SUMMARY)
    change = PendingChange.objects.get()
    start = setting["redaktion"].get(reverse("admin:index")).content.decode()
    assert "Textänderungen, die auf Freigabe warten" in start
    assert review_url(change) in start
    # The author's own start page has no decisions to offer.
    assert review_url(change) not in setting["fachbereich"].get(reverse("admin:index")).text
    change.state = PendingChange.State.APPROVED
    change.save()
    assert review_url(change) not in setting["redaktion"].get(reverse("admin:index")).text


def test_save_and_continue_says_once_that_the_text_waits(setting):
    measure = Measure.objects.get(pk=setting["measure"].pk)
    data = form_data(measure, summary=NEW_SUMMARY) | {"_continue": "1"}
    page = setting["fachbereich"].post(change_url(measure), data, follow=True).content.decode()
    assert page.count("warten auf die Freigabe") == 1
    assert "erfolgreich geändert" not in page


def test_the_redaktion_approves_only_the_version_it_read(setting):
    propose(setting, summary="Alle Schulen bekommen WLAN bis 2027.")
    change = PendingChange.objects.get()
    read = setting["redaktion"].get(review_url(change)).content.decode()
    assert f'value="{change.revision}"' in read
    # The author saves again after the Redaktion opened the page.
    propose(setting, summary=NEW_SUMMARY)
    response = setting["redaktion"].post(
        review_url(change), {"_approve": "1", "revision": change.revision}
    )
    assert response.status_code == 409
    assert "inzwischen überarbeitet" in response.content.decode()
    assert NEW_SUMMARY in response.content.decode()  # the new version, to read
    assert Measure.objects.get(pk=setting["measure"].pk).summary == OLD_SUMMARY
    change.refresh_from_db()
    assert change.is_open
    setting["redaktion"].post(review_url(change), {"_approve": "1", "revision": change.revision})
    assert Measure.objects.get(pk=setting["measure"].pk).summary == NEW_SUMMARY


def test_the_online_address_waits_for_approval_too(setting):
    """The address behind "Online nutzen" sends citizens somewhere to enter their data:
    the Redaktion approves it before it goes live."""
    measure = setting["measure"]
    propose(setting, offer_url="https://portal.example.org/wlan")
    assert "https://portal.example.org/wlan" not in public_page(measure)
    assert Measure.objects.get(pk=measure.pk).offer_url == ""
    change = PendingChange.objects.get()
    assert change.proposed == {"offer_url": "https://portal.example.org/wlan"}
