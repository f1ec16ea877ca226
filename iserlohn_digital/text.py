"""Text as the portal stores it, whatever sent it: one normal form at every boundary
(admin and public forms, the CSV import).

Browsers send line breaks as CRLF, spreadsheets add spaces and stray control characters,
and the same letter may arrive composed or decomposed. Normalised on the way in, an
unchanged form compares equal to what is stored, so saving it changes nothing, and an
export imported again finds no change.
"""

import re
import unicodedata

from django import forms
from django.contrib.admin import widgets
from django.db import models

# C0 and C1 control characters but tab and line feed: no text of the portal holds them.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LINE_BREAK = re.compile(r"\r\n?|[\u0085\u2028\u2029]")


def normalize_text(value: str) -> str:
    """NFC, line breaks as LF, no control characters but tab and LF, no surrounding
    whitespace, no spaces at the end of a line."""
    text = unicodedata.normalize("NFC", value)
    text = CONTROL.sub("", LINE_BREAK.sub("\n", text))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


class NormalizedCharField(forms.CharField):
    """A text form field whose value is normalised (`normalize_text`), so `has_changed`
    compares normalised text with the stored one."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_text(value) if isinstance(value, str) else value


# DIN 5007-1, the order of a dictionary: umlauts with their base letter, ß as ss.
_GERMAN_LETTERS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def german_sort_key(text: str) -> tuple[str, str]:
    """Sorts as a German reader expects: without regard to case, Ä with A, Ö with O, Ü
    with U, ß as ss; the same in Python whatever the database collates. Words equal but
    for case or umlauts keep a fixed order."""
    folded = unicodedata.normalize("NFC", str(text)).casefold()
    return folded.translate(_GERMAN_LETTERS), folded


# For ModelAdmin.formfield_overrides: every free-text field of a model form normalised.
# (Fields with choices keep their choice field; slugs, e-mail and URL fields their own.)
ADMIN_TEXT_FIELDS = {
    models.CharField: {"form_class": NormalizedCharField, "widget": widgets.AdminTextInputWidget},
    models.TextField: {"form_class": NormalizedCharField, "widget": widgets.AdminTextareaWidget},
    models.SlugField: {},
}


def normalize_stored_text(models_, using="default") -> int:
    """Normalises the free text already stored in `models_` (for a data migration: its
    historical models; their history models are left as they are). Returns how many rows
    changed."""
    changed = 0
    for model in models_:
        if model.__name__.startswith("Historical"):
            continue
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and field.editable
            and not field.choices
            and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
        ]
        if not names:
            continue
        rows = []
        for row in model._base_manager.using(using).only("pk", *names).iterator():
            before = [getattr(row, name) for name in names]
            after = [normalize_text(value) if value else value for value in before]
            if after != before:
                for name, value in zip(names, after, strict=True):
                    setattr(row, name, value)
                rows.append(row)
        model._base_manager.using(using).bulk_update(rows, names, batch_size=500)
        changed += len(rows)
    return changed
