"""Review before publish in a real browser: a Fachbereich user's text change waits, the
Redaktion reads it under "Freigaben" (axe finds nothing at 1280 px) and approves it, and
the public Steckbrief shows it."""

import pytest

from measures.models import Measure, PendingChange
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_admin_roles import make_staff, sign_in, submit

pytestmark = pytest.mark.e2e

NEW_SUMMARY = "Neu gefasst: Die Maßnahme bringt das Angebot zu allen Bürgerinnen und Bürgern."


def test_a_text_change_waits_for_approval_and_then_goes_live(
    seeded_server, page_at, django_user_model
):
    measure = Measure.objects.published().filter(status="umsetzung").first()
    unit = measure.lead_unit
    unit.review_text_changes = True
    unit.save()
    _, fb_device = make_staff(django_user_model, "fachbereich", "Fachbereich", unit)
    _, red_device = make_staff(django_user_model, "redaktion", "Redaktion")

    editor = page_at(1280)
    sign_in(editor, seeded_server, "fachbereich", fb_device)
    editor.goto(f"{seeded_server.url}/admin/measures/measure/{measure.pk}/change/")
    editor.fill("#id_summary", NEW_SUMMARY)
    submit(editor, "input[name=_save]")
    assert "warten auf die Freigabe durch die Redaktion" in editor.content()
    editor.goto(f"{seeded_server.url}/admin/measures/measure/{measure.pk}/change/")
    assert editor.input_value("#id_summary") == NEW_SUMMARY  # the proposal, to refine
    assert "(Kurzbeschreibung) warten auf die Freigabe" in editor.content()
    editor.goto(seeded_server.url + measure.get_absolute_url())
    assert NEW_SUMMARY not in editor.content()

    change = PendingChange.objects.get(measure=measure)
    redaktion = page_at(1280)
    sign_in(redaktion, seeded_server, "redaktion", red_device)
    redaktion.goto(f"{seeded_server.url}/admin/measures/pendingchange/")
    assert measure.code in redaktion.content()
    assert_accessible(redaktion, "Freigaben (Liste) bei 1280 px")
    redaktion.goto(f"{seeded_server.url}/admin/measures/pendingchange/{change.pk}/change/")
    assert redaktion.locator("ins").count() >= 1
    assert_accessible(redaktion, "Freigabe (Prüfseite) bei 1280 px")

    # Someone changes the text meanwhile: the page shows the conflict before approving.
    Measure.objects.filter(pk=measure.pk).update(summary="Inzwischen anders gefasst.")
    redaktion.reload()
    assert "Inzwischen anders gefasst." in redaktion.locator("#content-main").inner_text()
    assert_accessible(redaktion, "Freigabe mit Konflikt bei 1280 px")
    submit(redaktion, "input[name=_approve]")
    assert "freigegeben" in redaktion.content()

    redaktion.goto(seeded_server.url + measure.get_absolute_url())
    assert NEW_SUMMARY in redaktion.content()
