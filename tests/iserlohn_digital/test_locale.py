"""The project's German catalogues: the .mo files Django reads are compiled from the
committed .po files (`make messages`), so an entry added to a .po without compiling, or a
.mo left from an older .po, would silently show English again."""

import gettext

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

CATALOGUES = sorted(po for path in settings.LOCALE_PATHS for po in path.glob("*/LC_MESSAGES/*.po"))


def test_the_project_has_its_catalogues():
    names = {po.name for po in CATALOGUES}
    assert {"django.po", "djangojs.po"} <= names


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: f"{po.parent.parent.name}/{po.name}")
def test_every_entry_of_the_po_is_in_the_compiled_catalogue(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} fehlt: `make messages` kompiliert die .po-Dateien."
    with po.open("rb") as source:
        entries = [entry for entry in read_po(source) if entry.id and not entry.fuzzy]
    with mo.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for entry in entries:
        assert entry.string, f"{po}: keine Übersetzung für {entry.id!r}"
        if entry.pluralizable:
            singular, plural = entry.id
            got = [
                catalogue.npgettext(entry.context, singular, plural, n)
                if entry.context
                else catalogue.ngettext(singular, plural, n)
                for n in (1, 2)
            ]
            if got != list(entry.string):
                stale.append(singular)
        else:
            got = (
                catalogue.pgettext(entry.context, entry.id)
                if entry.context
                else catalogue.gettext(entry.id)
            )
            if got != entry.string:
                stale.append(entry.id)
    assert not stale, f"{mo} ist veraltet (`make messages`): {stale[:5]}"
