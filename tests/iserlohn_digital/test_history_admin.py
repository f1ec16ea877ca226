"""Reverting to an earlier version in the admin's history is the Redaktion's, for every
model with a history, and follows the change form's rules."""

import datetime

import pytest
from django.contrib import admin
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from measures.models import CouncilDocument, Measure, OrganisationalUnit, StatusUpdate, Tag
from strategy.models import SignLanguageVideo
from tests.conftest import signed_in_staff

pytestmark = pytest.mark.django_db

HISTORY_MODELS = sorted(
    (
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ),
    key=lambda model: model._meta.label,
)

# Status updates are a record: corrected by a new update, never reverted.
REVERTIBLE_MODELS = [model for model in HISTORY_MODELS if model is not StatusUpdate]


@pytest.fixture
def world(seed_for_the_class, django_user_model):
    """The seed (loaded once for the class) and, per test, a Fachbereich and a Redaktion
    account, signed in."""
    fachbereich, fb_user = signed_in_staff(django_user_model, "fb", "Fachbereich")
    redaktion, _ = signed_in_staff(django_user_model, "red", "Redaktion")
    # The Fachbereich leads a measure with everything that hangs on a measure.
    own = Measure.objects.filter(
        updates__isnull=False, milestones__isnull=False, indicators__isnull=False
    ).first()
    own.lead_unit.members.add(fb_user)
    # The seed links no council documents (the real ones are the city's to enter).
    CouncilDocument.objects.create(
        measure=own,
        reference="V/2026/001",
        title="Sachstand",
        date=datetime.date(2026, 3, 1),
        url="https://ratsinfo.example/vorlage/1",
    )
    # Nor videos in Gebärdensprache (the Redaktion adds them); one given as a link.
    SignLanguageVideo.objects.create(
        title="Die Strategie in Gebärdensprache", link="https://video.example/dgs/1"
    )
    return {"fachbereich": fachbereich, "redaktion": redaktion, "own": own, "fb_user": fb_user}


def sample(model, world):
    """An object of the model with a version in its history; one of the Fachbereich's own
    where the model hangs on a measure, so that not even its own can be reverted by it."""
    own = world["own"]
    names = {field.name for field in model._meta.fields}
    if model is Measure:
        obj = own
    elif "measure" in names and model._default_manager.filter(measure=own).exists():
        obj = model._default_manager.filter(measure=own).first()
    else:
        obj = model._default_manager.first()
    obj.save()
    return obj


def version_url(obj):
    record = obj.history.earliest()
    info = obj._meta.app_label, obj._meta.model_name
    return reverse("admin:{}_{}_simple_history".format(*info), args=[obj.pk, record.history_id])


def post_data(client, obj):
    """What the version form holds, as a browser would send it back."""
    response = client.get(version_url(obj))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, FieldFile):
            continue  # a browser sends no stored file back; the form keeps it
        if value is None:
            value = ""
        elif isinstance(value, list | tuple):
            value = [str(getattr(item, "pk", item)) for item in value]
        elif isinstance(value, bool):
            if not value:
                continue
            value = "on"
        elif isinstance(value, datetime.datetime):
            value = value.isoformat(" ")
        data[name] = value
    return data


def snapshot(obj):
    obj = type(obj)._default_manager.get(pk=obj.pk)
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


class TestWithTheSeed:
    @pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model._meta.label)
    def test_a_fachbereich_can_neither_open_nor_post_a_version_form(self, model, world):
        obj = sample(model, world)
        before = snapshot(obj)
        client = world["fachbereich"]
        assert client.get(version_url(obj)).status_code == 403
        response = client.post(
            version_url(obj), {"title": "Übernommen", "name": "Übernommen", "is_published": ""}
        )
        assert response.status_code == 403
        assert snapshot(obj) == before

    @pytest.mark.parametrize("model", REVERTIBLE_MODELS, ids=lambda model: model._meta.label)
    def test_the_redaktion_reverts_through_the_change_form_rules(self, model, world):
        obj = sample(model, world)
        client = world["redaktion"]
        data = post_data(client, obj)
        response = client.post(version_url(obj), data)
        assert response.status_code == 302, response.context and response.context["errors"]

    def test_a_fachbereich_cannot_join_another_unit_nor_read_all_account_names(
        self, world, django_user_model
    ):
        django_user_model.objects.create_user("geheimes-konto", password="x" * 12)
        unit = OrganisationalUnit.objects.exclude(members=world["fb_user"]).first()
        unit.save()
        url = version_url(unit)
        page = world["fachbereich"].get(url)
        assert page.status_code == 403
        assert b"geheimes-konto" not in page.content
        response = world["fachbereich"].post(
            url, {"name": unit.name, "slug": unit.slug, "members": [world["fb_user"].pk]}
        )
        assert response.status_code == 403
        assert not unit.members.filter(pk=world["fb_user"].pk).exists()

    def test_a_deleted_tag_is_restored_by_the_redaktion_only(self, world):
        tag = Tag.objects.create(name="Vorübergehend", slug="voruebergehend")
        url = version_url(tag)
        tag.delete()
        assert (
            world["fachbereich"].post(url, {"name": tag.name, "slug": tag.slug}).status_code == 403
        )
        assert not Tag.objects.filter(slug="voruebergehend").exists()
        assert world["redaktion"].post(url, {"name": tag.name, "slug": tag.slug}).status_code == 302
        assert Tag.objects.filter(slug="voruebergehend").exists()

    def test_a_status_update_is_not_reverted_even_by_the_redaktion(self, world):
        # A record: the Redaktion corrects it by a new update (measures/admin.py).
        update = sample(StatusUpdate, world)
        before = snapshot(update)
        client = world["redaktion"]
        assert client.get(version_url(update)).status_code == 403
        data = {"note": "Neu gefasst.", "progress": 1, "status": update.status}
        assert client.post(version_url(update), data).status_code == 403
        assert snapshot(update) == before

    @pytest.mark.parametrize(
        "path", ["7/change/history/", "abc/history/", "1/history/abc/", "x/history/1/"]
    )
    def test_crafted_history_addresses_are_404_not_500(self, world, path):
        assert world["redaktion"].get(f"/admin/measures/measure/{path}").status_code == 404

    def test_the_history_list_invites_a_revert_only_the_redaktion(self, world):
        url = reverse("admin:measures_measure_history", args=[world["own"].pk])
        world["own"].save()
        assert world["fachbereich"].get(url).context["revert_disabled"] is True
        assert world["redaktion"].get(url).context["revert_disabled"] is False
