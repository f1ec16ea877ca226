"""The task worker's queue in the admin: the Redaktion reads it (the role's permission
under django-tasks-db's app label), in German, each task by what it does."""

import pytest
from django.urls import reverse

from measures import renders
from tests.conftest import signed_in_staff

pytestmark = pytest.mark.django_db


def test_the_redaktion_reads_the_task_list_in_german(django_user_model):
    document = renders.request_render("kurzbroschuere")
    client, _ = signed_in_staff(django_user_model, "anna", "Redaktion")

    listing = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    detail = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[document.task_id])
    )

    assert listing.status_code == detail.status_code == 200
    page = listing.content.decode()
    assert "Aufgaben im Hintergrund" in page
    assert "PDF erstellen" in page
    assert "wartet" in page
    assert "Task" not in page
    page = detail.content.decode()
    assert "PDF erstellen (eingereiht am " in page
    assert "DBTaskResult object" not in page
    assert "Fehlerverlauf" in page


def test_the_fachbereich_does_not_see_the_queue(django_user_model):
    client, _ = signed_in_staff(django_user_model, "ben", "Fachbereich")

    response = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))

    assert response.status_code == 403
