"""Backup → empty database → restore → backup gives identical data."""

import datetime
import hashlib
import json
import os
import re
import stat

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from measures.models import Measure, Tag
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


def log_entries():
    """The admin's action log by primary key: who, when, what and how."""
    return {
        entry.pk: (
            entry.user.username,
            entry.action_time,
            entry.content_type.natural_key(),
            entry.object_id,
            entry.object_repr,
            entry.action_flag,
            entry.change_message,
        )
        for entry in LogEntry.objects.select_related("user", "content_type")
    }


def test_backup_restore_round_trip_is_identical(tmp_path, client, django_user_model):
    call_command("load_seed", verbosity=0)
    user = django_user_model.objects.create_superuser(
        "admin", "a@example.org", "langes-passwort-2026"
    )
    login_with_second_factor(client, user)
    measure = Measure.objects.order_by("code").first()
    measure.title = "Geänderter Titel"
    measure.save()
    # Two entries in the admin's action log: one through the admin, one directly.
    response = client.post(
        reverse("admin:measures_tag_add"), {"name": "Sicherung", "slug": "sicherung"}
    )
    assert response.status_code == 302
    tag = Tag.objects.get(slug="sicherung")
    LogEntry.objects.log_actions(
        user.pk, [measure], CHANGE, change_message=[{"changed": {"fields": ["Titel"]}}]
    )
    log = log_entries()
    assert {(flag, object_id) for _, _, _, object_id, _, flag, _ in log.values()} == {
        (ADDITION, str(tag.pk)),
        (CHANGE, str(measure.pk)),
    }
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
        (
            a["model"],
            a["pk"],
            {k: (v, b["fields"].get(k)) for k, v in a["fields"].items() if b["fields"].get(k) != v},
        )
        for a, b in differing[:3]
    ]
    restored = Measure.objects.get(code=measure.code)
    assert restored.title == "Geänderter Titel"
    assert restored.history.count() >= 1
    assert django_user_model.objects.get(username="admin").check_password("langes-passwort-2026")
    assert "admin.logentry" in {obj["model"] for obj in before}
    restored_log = log_entries()
    # Django's JSON fixtures keep action times to the millisecond.
    assert restored_log.keys() == log.keys()
    for pk, (username, moment, *rest) in log.items():
        restored_username, restored_moment, *restored_rest = restored_log[pk]
        assert (restored_username, restored_rest) == (username, rest)
        assert abs(restored_moment - moment) < datetime.timedelta(milliseconds=1)
    change = LogEntry.objects.get(action_flag=CHANGE, object_id=str(measure.pk))
    assert change.get_edited_object() == restored


def test_restore_refuses_a_database_with_content(tmp_path):
    call_command("load_seed", verbosity=0)
    path = tmp_path / "sicherung.json"
    call_command("backup", str(path))
    with pytest.raises(CommandError):
        call_command("restore", str(path))


@pytest.fixture
def permissive_umask():
    """A umask that would leave new files readable by everyone (0644)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_backup_is_readable_by_its_owner_only(tmp_path, permissive_umask):
    # An older backup at the same place, readable by everyone, is replaced and closed too.
    path = tmp_path / "sicherung.json"
    path.write_text("alt")
    path.chmod(0o644)
    call_command("backup", str(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert isinstance(json.loads(path.read_text()), list)
    fresh = tmp_path / "neu.json"
    call_command("backup", str(fresh))
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neu.json", "sicherung.json"]


def test_backup_file_is_never_readable_by_others(tmp_path, permissive_umask, monkeypatch):
    """The file is already 0600 while it is written, not only afterwards."""
    modes = []
    real_replace = os.replace

    def replace(source, target):
        modes.append(stat.S_IMODE(os.stat(source).st_mode))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    call_command("backup", str(tmp_path / "sicherung.json"))
    assert modes == [0o600]


def test_failed_backup_leaves_the_old_file_and_no_half_file(tmp_path, monkeypatch):
    path = tmp_path / "sicherung.json"
    path.write_text("alte Sicherung")

    def fail(source, target):
        raise OSError("Datenträger voll")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        call_command("backup", str(path))
    assert path.read_text() == "alte Sicherung"
    assert [p.name for p in tmp_path.iterdir()] == ["sicherung.json"]


def test_frozen_reports_survive_a_restore_byte_for_byte(
    tmp_path, client, settings, django_user_model
):
    """The backup holds each frozen report's row and its stored files; restored into an
    empty database and an empty MEDIA_ROOT, the report serves the very bytes it was frozen
    with, under its checksum."""
    from reports.freezing import freeze_report
    from reports.models import Report

    settings.MEDIA_ROOT = tmp_path / "media-vorher"
    call_command("load_seed", verbosity=0)
    user = django_user_model.objects.create_user("red")
    report = freeze_report(
        as_of=datetime.date(2026, 3, 31),
        since=datetime.date(2025, 12, 31),
        title="Bericht zur Sicherung",
        user=user,
    )
    frozen = {
        field: (getattr(report, field).name, getattr(report, f"{field}_sha256"))
        for field in ("pdf", "csv", "json")
    }
    pdf = (settings.MEDIA_ROOT / frozen["pdf"][0]).read_bytes()
    path = tmp_path / "sicherung.json"
    call_command("backup", str(path))
    assert "reports.report" in {entry.get("model") for entry in json.loads(path.read_text())}

    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media-nachher"
    call_command("restore", str(path))

    restored = Report.objects.get()
    assert restored.number == report.number
    for field, (name, checksum) in frozen.items():
        assert getattr(restored, field).name == name
        assert getattr(restored, f"{field}_sha256") == checksum
        content = (settings.MEDIA_ROOT / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == checksum
    served = b"".join(client.get(f"/berichte/{report.number}.pdf").streaming_content)
    assert served == pdf
