"""Form widgets of the admin that help editors write: a counter for texts with a limit and
Markdown with a preview rendered by the server, as the public pages render it; a search
select that is valid HTML when it must be filled.

Both work without JavaScript (the browser enforces `maxlength`; the preview shows the
text as saved); static/js/admin-text.js adds the live count and the live preview.
"""

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget, AutocompleteSelect
from django.db.models.fields import BLANK_CHOICE_DASH
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from strategy.templatetags.portal import render_markdown

SCRIPT = forms.Script("js/admin-text.js", defer=True)


class CountedTextarea(AdminTextareaWidget):
    """A short text over the whole width whose characters are counted as one types
    ("123 von 300 Zeichen"); the form field's max_length gives `maxlength`."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 3, "class": "vLargeTextField wide-input", **(attrs or {})})
        self.attrs["data-count"] = ""

    class Media:
        js = [SCRIPT]


class MarkdownTextarea(AdminTextareaWidget):
    """Markdown with its preview beside it (below it on narrow screens). `preview_url`
    names the admin view that renders a text (MeasureAdmin.preview_view)."""

    def __init__(self, preview_url: str, attrs=None):
        super().__init__({"rows": 16, **(attrs or {})})
        self.preview_url = preview_url

    class Media:
        js = [SCRIPT]

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or f"id_{name}"
        # Safe: render_markdown sanitizes (nh3), as on the public pages.
        preview = mark_safe(render_markdown(self.format_value(value) or ""))
        return format_html(
            '<div class="markdown-editor">{textarea}'
            '<section class="markdown-preview" aria-labelledby="{id}_preview_heading">'
            '<h3 id="{id}_preview_heading">Vorschau</h3>'
            '<div class="markdown-preview__body" id="{id}_preview" data-preview-for="{id}" '
            'data-preview-url="{url}">{preview}</div></section></div>',
            textarea=textarea,
            id=field_id,
            url=reverse(self.preview_url),
            preview=preview,
        )


class RequiredAutocompleteSelect(AutocompleteSelect):
    """Django's search select, with an empty first option also where a choice is required:
    a `required` select must begin with one (HTML), which Django leaves out there; the
    form still refuses the empty choice."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        if self.is_required:
            groups[0][1].insert(0, self.create_option(name, "", BLANK_CHOICE_DASH[0][1], False, 0))
        return groups
