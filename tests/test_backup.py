"""Backup → empty database → restore → backup gives identical data."""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from measures.models import Measure
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db(transaction=True)


TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def normalised(path):
    """The backup's objects in a fixed order; many-to-many lists compared as sets, and
    timestamps at the millisecond precision of Django's JSON fixtures (which writes
    "…:35.000Z" for 35 s and 400 µs, and "…:35Z" once that is loaded back)."""
    objects = json.loads(path.read_text())
    for obj in objects:
        for name, value in obj["fields"].items():
            if isinstance(value, list) and all(isinstance(item, list) for item in value):
                obj["fields"][name] = sorted(value)
            elif isinstance(value, str) and TIMESTAMP.match(value):
                moment = datetime.datetime.fromisoformat(value)
                obj["fields"][name] = moment.isoformat(timespec="milliseconds")
    return sorted(objects, key=lambda obj: (obj["model"], json.dumps(obj.get("pk"))))


def test_backup_restore_round_trip_is_identical(tmp_path, client, django_user_model):
    call_command("load_seed", verbosity=0)
    user = django_user_model.objects.create_superuser(
        "admin", "a@example.org", "langes-passwort-2026"
    )
    login_with_second_factor(client, user)
    measure = Measure.objects.order_by("code").first()
    measure.title = "Geänderter Titel"
    measure.save()
    first, second = tmp_path / "eins.json", tmp_path / "zwei.json"
    call_command("backup", str(first), stdout=None)

    call_command("flush", interactive=False, verbosity=0)
    assert not Measure.objects.exists()
    call_command("restore", str(first))
    call_command("backup", str(second))

    before, after = normalised(first), normalised(second)
    differing = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert len(before) == len(after)
    assert not differing, [
        (a["model"], a["pk"], {k: (v, b["fields"].get(k)) for k, v in a["fields"].items()
                               if b["fields"].get(k) != v})
        for a, b in differing[:3]
    ]  # fmt: skip
    restored = Measure.objects.get(code=measure.code)
    assert restored.title == "Geänderter Titel"
    assert restored.history.count() >= 1
    assert django_user_model.objects.get(username="admin").check_password("langes-passwort-2026")


def test_restore_refuses_a_database_with_content(tmp_path):
    call_command("load_seed", verbosity=0)
    path = tmp_path / "sicherung.json"
    call_command("backup", str(path))
    with pytest.raises(CommandError):
        call_command("restore", str(path))
