"""The CSV round trip in a real browser: all measures exported, one title changed in the
file, the dry run shows exactly that change and the import writes exactly it."""

import csv
import io
from collections import Counter

import pytest

from measures.models import Measure
from tests.e2e.test_admin_roles import make_staff, sign_in, submit

pytestmark = pytest.mark.e2e

NEW_TITLE = "Neuer Titel aus der Tabelle"


def history_counts():
    return Counter(Measure.history.values_list("id", flat=True))


def test_export_change_one_row_dry_run_and_import_change_exactly_it(
    seeded_server, page_at, django_user_model, tmp_path
):
    target = Measure.objects.order_by("code")[2]
    total = Measure.objects.count()
    _, device = make_staff(django_user_model, "redaktion", "Redaktion")
    page = page_at(1280)
    sign_in(page, seeded_server, "redaktion", device)

    page.goto(f"{seeded_server.url}/admin/measures/measure/")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "export_csv")
    with page.expect_download() as download:
        page.click("button[name=index]")
    exported = download.value.path().read_bytes()
    assert exported.startswith(b"\xef\xbb\xbfcode;titel;")

    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == total
    [row] = [row for row in rows if row["code"] == target.code]
    row["titel"] = NEW_TITLE
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    edited = tmp_path / "massnahmen.csv"
    edited.write_bytes(("\ufeff" + out.getvalue()).encode("utf-8"))

    page.goto(f"{seeded_server.url}/admin/measures/measure/import/")
    page.set_input_files("input[name=file]", edited)
    assert page.is_checked("input[name=dry_run]")
    submit(page, "input[type=submit][value=Hochladen]")
    outcomes = page.locator("#import-result td.outcome").all_inner_texts()
    assert Counter(outcomes) == {"geändert": 1, "unverändert": total - 1}, outcomes
    changed = page.locator("#import-result tr", has=page.locator("td.outcome", has_text="geändert"))
    changed = changed.filter(has_not_text="unverändert")
    assert target.code in changed.inner_text()
    assert f"„{target.title}“ → „{NEW_TITLE}“" in changed.inner_text()
    others = {m.pk: m.title for m in Measure.objects.exclude(pk=target.pk)}
    before = history_counts()

    submit(page, "input[type=submit][value='Jetzt importieren']")
    message = page.locator(".messagelist").inner_text()
    assert f"0 angelegt, 1 geändert, {total - 1} unverändert" in message
    target.refresh_from_db()
    assert target.title == NEW_TITLE
    assert {m.pk: m.title for m in Measure.objects.exclude(pk=target.pk)} == others
    assert history_counts() - before == {target.pk: 1}
