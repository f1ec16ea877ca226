"""Status update dates: never in the future; back-dating before the measure's latest
report is the Redaktion's."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from measures.models import StatusUpdate
from measures.updates import record_status_update
from tests.builders import make_update
from tests.measures import test_editing

pytestmark = pytest.mark.django_db

setting = test_editing.setting
ADD_URL = reverse("admin:measures_statusupdate_add")
FUTURE = "Das Datum einer Statusmeldung liegt nicht in der Zukunft."


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def update_data(measure, date, note="Neue Meldung"):
    return {
        "measure": measure.pk,
        "date": date.isoformat() if isinstance(date, datetime.date) else date,
        "status": measure.status,
        "progress": measure.progress,
        "note": note,
        "evidence_url": "",
        "evidence_title": "",
    }


def date_errors(response):
    assert response.status_code == 200
    return response.context["adminform"].form.errors.get("date", [])


def test_fachbereich_cannot_date_an_update_into_the_future(setting):
    own = setting["own"]
    response = setting["fachbereich"].post(ADD_URL, update_data(own, "2099-12-31"))
    assert date_errors(response) == [FUTURE]
    assert not own.updates.exists()
    page = Client().get(own.get_absolute_url()).content.decode()
    assert "31.12.2099" not in page


def test_fachbereich_cannot_date_an_update_before_the_latest_one(setting):
    own, client = setting["own"], setting["fachbereich"]
    latest = make_update(own, date=days_ago(10))
    response = client.post(ADD_URL, update_data(own, days_ago(20), note="Nachgetragen"))
    errors = date_errors(response)
    assert len(errors) == 1
    assert f"{days_ago(10):%d.%m.%Y}" in errors[0] and "Redaktion" in errors[0]
    assert list(own.updates.all()) == [latest]
    # Nor by moving an existing update back: published updates are a record, which only
    # the Redaktion corrects.
    older = make_update(own, date=days_ago(5), note="Zwischenstand")
    url = reverse("admin:measures_statusupdate_change", args=[older.pk])
    assert client.post(url, update_data(own, days_ago(20), note="Zwischenstand")).status_code == 403
    assert client.post(url, update_data(own, days_ago(5), note="ergänzt")).status_code == 403
    older.refresh_from_db()
    assert (older.date, older.note) == (days_ago(5), "Zwischenstand")
    # The same day as the latest one, or later, is fine.
    assert client.post(ADD_URL, update_data(own, days_ago(5))).status_code == 302


def test_redaktion_may_back_date_but_not_into_the_future(setting):
    own, client = setting["own"], setting["redaktion"]
    make_update(own, date=days_ago(10))
    response = client.post(ADD_URL, update_data(own, days_ago(400), note="Beschluss 2025"))
    assert response.status_code == 302
    assert own.updates.filter(date=days_ago(400), author__username="red").exists()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert date_errors(client.post(ADD_URL, update_data(own, tomorrow))) == [FUTURE]
    assert not own.updates.filter(date=tomorrow).exists()


def test_recording_a_status_update_refuses_a_future_date(setting):
    own = setting["own"]
    with pytest.raises(ValidationError) as refused:
        record_status_update(measure=own, note="Vorab", date=datetime.date(2099, 12, 31))
    assert refused.value.message_dict == {"date": [FUTURE]}
    assert not StatusUpdate.objects.filter(measure=own).exists()
    update = record_status_update(measure=own, note="Heute")
    assert update.date == timezone.localdate()
