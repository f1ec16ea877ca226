"""The editing interface of the Redaktion and the Fachbereiche.

The Redaktion (permission measures.publish_measure) edits and publishes everything. A
Fachbereich user sees and edits only the measures of their own units and what belongs
to them (status updates, milestones, Kennzahlen); another unit's measure is a 403.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminTextInputWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from iserlohn_digital.admin_widgets import CountedTextarea, MarkdownTextarea
from iserlohn_digital.history_admin import HistoryAdmin, is_redaktion
from iserlohn_digital.text import ADMIN_TEXT_FIELDS, NormalizedCharField, normalize_text
from strategy.models import Goal
from strategy.templatetags.portal import render_markdown

from . import oparl, review
from .csv_io import IndicatorValuesUploadForm, read_indicator_values
from .locking import current_version, find_conflict, lock_measure
from .models import (
    CouncilDocument,
    FieldOfAction,
    Indicator,
    IndicatorValue,
    LifeSituation,
    Measure,
    Milestone,
    OnlineService,
    OrganisationalUnit,
    Postponement,
    PublicationFile,
    StatusUpdate,
    SynonymGroup,
    Tag,
)
from .schedule import (
    REASON_REQUIRED,
    TARGET_REASON_REQUIRED,
    change_schedule,
    change_target,
    moved_dates,
    target_changed,
)
from .series import record_value, replace_series
from .updates import delete_status_updates, record_stand, record_status_update


class OwnUnitMixin:
    """Limits a Fachbereich user to the measures of their own units.

    `measure_path` leads from the admin's model to its measure. Objects are looked up
    unrestricted, so reaching another unit's object by URL answers 403, not a form.
    """

    measure_path = "measure"

    def _measure_filter(self, user):
        prefix = f"{self.measure_path}__" if self.measure_path else ""
        return {f"{prefix}lead_unit__members": user}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_redaktion(request.user):
            return queryset
        return queryset.filter(**self._measure_filter(request.user)).distinct()

    def get_object(self, request, object_id, from_field=None):
        queryset = self.model._default_manager.all()
        opts = self.model._meta
        field = opts.pk if from_field is None else opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValueError, forms.ValidationError):
            return None

    def _own(self, request, obj):
        if obj is None or is_redaktion(request.user):
            return True
        return (
            type(obj)
            ._default_manager.filter(pk=obj.pk, **self._measure_filter(request.user))
            .exists()
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._own(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "measure" and not is_redaktion(request.user):
            kwargs["queryset"] = Measure.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(OrganisationalUnit)
class OrganisationalUnitAdmin(HistoryAdmin):
    list_display = ["name", "abbreviation", "email", "phone", "review_text_changes"]
    search_fields = ["name", "abbreviation"]
    filter_horizontal = ["members"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FieldOfAction)
class FieldOfActionAdmin(HistoryAdmin):
    list_display = ["code", "name", "substrategy", "position", "is_published"]
    list_filter = ["substrategy", "is_published", "is_example"]
    search_fields = ["code", "name", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["goals"]
    list_select_related = ["substrategy"]


@admin.register(Tag)
class TagAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SynonymGroup)
class SynonymGroupAdmin(HistoryAdmin):
    """Words the catalogue's search treats as equal (measures/search.py); the Redaktion's
    alone (iserlohn_digital/roles.py)."""

    list_display = ["words"]
    search_fields = ["words"]


class LabelledRowsFormSet(forms.BaseInlineFormSet):
    """A table row's inputs are named by their column only visually (the heading above);
    each carries its column's name for screen readers as well (WCAG 4.1.2)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", str(field.label))


class LabelledTabularInline(admin.TabularInline):
    formset = LabelledRowsFormSet


class StatusUpdateInline(admin.TabularInline):
    """The measure's history of reports; new reports come from the status fields above."""

    formfield_overrides = ADMIN_TEXT_FIELDS

    model = StatusUpdate
    extra = 0
    fields = [
        "date",
        "status",
        "progress",
        "note",
        "evidence_url",
        "evidence_title",
        "author",
        "correction",
    ]
    # A record: earlier notes are not rewritten here (the Redaktion corrects an update in
    # "Statusmeldungen" by a new one; the original stays listed here, marked).
    readonly_fields = fields
    ordering = ["-date", "-recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("author", "corrects")
            .prefetch_related("corrections")
        )

    @admin.display(description="Berichtigung")
    def correction(self, obj):
        """Whether the update corrects one or was corrected: the public record shows
        only the correction."""
        parts = []
        if obj.corrects is not None:
            parts.append(f"berichtigt die Meldung vom {obj.corrects.date:%d.%m.%Y}")
        for correction in obj.corrections.all():
            parts.append(f"berichtigt durch die Meldung vom {correction.date:%d.%m.%Y}")
        return "; ".join(parts) or "–"


class MilestoneInline(LabelledTabularInline):
    formfield_overrides = ADMIN_TEXT_FIELDS
    model = Milestone
    extra = 0
    fields = ["title", "due_date", "state", "reached_on", "note"]
    readonly_fields = ["state"]

    @admin.display(description="Stand")
    def state(self, milestone):
        """Whether the milestone is reached, due or overdue, in words: a date that has
        passed unnoticed is what editors most easily miss here."""
        if milestone.pk is None:
            return "–"
        if milestone.is_reached:
            return "erreicht"
        if milestone.is_overdue:
            return format_html(
                '<strong class="flag-overdue">überfällig seit {}</strong><br>'
                "Bitte „erreicht am“ eintragen oder das Datum anpassen.",
                f"{milestone.due_date:%d.%m.%Y}",
            )
        return "offen"


class IndicatorForm(forms.ModelForm):
    """A Kennzahl; a change of the target of an existing one needs its reason
    (measures/schedule.py records it)."""

    target_reason = NormalizedCharField(
        label="Grund der Zielwertänderung",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Pflicht, wenn sich der Zielwert einer bestehenden Kennzahl ändert; wird "
        "mit Datum und Ihrem Namen gespeichert und öffentlich gezeigt.",
    )

    class Meta:
        model = Indicator
        fields = ["measure", "name", "unit", "baseline", "target", "current", "as_of", "position"]
        help_texts = {
            "current": "Ein neuer Messwert kommt mit seinem Stand-Datum in die Zeitreihe; "
            "gezeigt wird stets der jüngste Wert. Frühere Werte und den Zielpfad pflegen "
            "Sie auf der Seite der Kennzahl.",
        }

    def clean(self):
        data = super().clean()
        # The instance still holds the stored values here (the form's values reach it
        # after clean()).
        changed = target_changed(self.instance, data.get("target"))
        if changed and not data.get("DELETE") and not data.get("target_reason"):
            self.add_error("target_reason", TARGET_REASON_REQUIRED)
        return data


class IndicatorInline(LabelledTabularInline):
    formfield_overrides = ADMIN_TEXT_FIELDS
    model = Indicator
    form = IndicatorForm
    extra = 0
    fields = ["name", "unit", "baseline", "target", "target_reason", "current", "as_of", "position"]


class ExampleFlagMixin:
    """Whether an online service is example content is the Redaktion's call."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if is_redaktion(request.user) else [*readonly, "is_example"]


class OnlineServiceInline(ExampleFlagMixin, LabelledTabularInline):
    formfield_overrides = ADMIN_TEXT_FIELDS
    model = OnlineService
    extra = 0
    fields = ["name", "slug", "maturity", "url", "life_situations", "is_example"]
    prepopulated_fields = {"slug": ["name"]}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # A list to tick, named for screen readers (the admin's autocomplete is not).
        if db_field.name == "life_situations":
            kwargs["widget"] = forms.CheckboxSelectMultiple(attrs={"class": "choice-list"})
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def council_document_fields() -> list[str]:
    """The fields of a council document in the admin; the OParl address only where the
    Ratsinformationssystem's endpoint is configured (else everything is typed by hand)."""
    by_hand = ["reference", "title", "date", "url"]
    return ["oparl_id", *by_hand] if oparl.is_configured() else by_hand


class CouncilDocumentForm(forms.ModelForm):
    """A council document (of a measure or a report).

    With the OParl endpoint configured, a new or changed OParl address is resolved on
    save and its number, title, date and web address replace what was typed: the
    council's system is the source. Hand edits made later, with the address unchanged,
    stay. Every failure of the lookup is an error on the address field.
    """

    RESOLVED = ["reference", "title", "date", "url"]
    REQUIRED = ["reference", "title", "url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "oparl_id" in self.fields:
            # Filled in from the OParl address; clean() asks for them if it is empty.
            for name in self.REQUIRED:
                self.fields[name].required = False
            self.fields["oparl_id"].help_text = (
                "Optional: die OParl-Adresse der Vorlage im Ratsinformationssystem der Stadt. "
                "Beim Speichern werden Nummer, Titel, Datum und Adresse von dort übernommen "
                "und ersetzen Eingaben in diesen Feldern."
            )

    def clean(self):
        data = super().clean()
        address = data.get("oparl_id")
        if "oparl_id" in self.fields and address and "oparl_id" in self.changed_data:
            try:
                paper = oparl.resolve_paper(address)
            except ValidationError as error:
                self.add_error("oparl_id", error)
                return data
            data["reference"] = paper.reference[: self._max_length("reference")]
            data["title"] = paper.name[: self._max_length("title")]
            data["date"] = paper.date
            data["url"] = paper.web_url
            # The form shows again (an error elsewhere, "Sichern und weiter bearbeiten")
            # with what was filled in.
            self.data = self.data.copy()
            for name in self.RESOLVED:
                value = data[name]
                self.data[self.add_prefix(name)] = "" if value is None else str(value)
        for name in self.REQUIRED:
            if name in self.fields and not data.get(name) and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
        return data

    def _max_length(self, name):
        return self._meta.model._meta.get_field(name).max_length


class CouncilDocumentInline(LabelledTabularInline):
    formfield_overrides = ADMIN_TEXT_FIELDS
    model = CouncilDocument
    form = CouncilDocumentForm
    extra = 0
    verbose_name_plural = "Ratsdokumente"

    def get_fields(self, request, obj=None):
        return council_document_fields()


class StaleFilter(admin.SimpleListFilter):
    title = "Stand veraltet"
    parameter_name = "veraltet"

    def lookups(self, request, model_admin):
        return [("ja", "ja"), ("nein", "nein")]

    def queryset(self, request, queryset):
        stale = Measure.objects.stale(timezone.localdate()).values("pk")
        if self.value() == "ja":
            return queryset.filter(pk__in=stale)
        if self.value() == "nein":
            return queryset.exclude(pk__in=stale)
        return queryset


class VersionInput(forms.HiddenInput):
    def id_for_label(self, id_):
        # The admin's fieldset gives every field a label; one pointing at a hidden input
        # is invalid HTML.
        return None


class VersionField(forms.CharField):
    """The hidden version token of the measure form (measures/locking.py)."""

    widget = VersionInput

    def __init__(self, **kwargs):
        super().__init__(label="Bearbeitungsstand", required=False, **kwargs)

    def has_changed(self, initial, data):
        # Not an edit: kept out of the change message and the history.
        return False


class GermanOrderIterator(forms.models.ModelChoiceIterator):
    """Choices in German alphabetical order (Tag.in_german_order), not the database's."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for tag in Tag.in_german_order(self.queryset):
            yield self.choice(tag)


class TagChoiceField(forms.ModelMultipleChoiceField):
    iterator = GermanOrderIterator


class MeasureAdminForm(forms.ModelForm):
    """The measure with the note that every change of status or progress needs."""

    status_note = NormalizedCharField(
        label="Vermerk zur Statusmeldung",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Pflicht, wenn sich Status oder Fortschritt ändern. Jeder Vermerk wird "
        "mit Datum und Ihrem Namen als Statusmeldung gespeichert; die jüngste Meldung ist "
        "der öffentliche Stand.",
    )
    evidence_url = forms.URLField(
        label="Nachweis (Adresse)",
        required=False,
        help_text="Optional: Ratsdokument, Pressemitteilung oder der Dienst selbst.",
    )
    evidence_title = NormalizedCharField(label="Nachweis (Bezeichnung)", required=False)
    schedule_reason = NormalizedCharField(
        label="Grund der Terminänderung",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Pflicht, wenn ein geplanter Beginn oder ein geplantes Ende verschoben oder "
        "gestrichen wird (nicht beim ersten Festlegen). Wird mit Datum und Ihrem Namen "
        "gespeichert und öffentlich gezeigt.",
    )
    tags = TagChoiceField(
        label="Schlagwörter",
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list choice-list--short"}),
        help_text="Neue Schlagwörter legt die Redaktion unter „Schlagwörter“ an.",
    )

    version = VersionField()

    # Off in the history's version form: a revert deliberately overwrites the current state.
    check_version = True
    # The editor's open text change, shown instead of the stored texts (measures/review.py).
    proposed: dict = {}

    class Meta:
        model = Measure
        fields = [
            "code",
            "field_of_action",
            "title",
            "summary",
            "description",
            "status",
            "progress",
            "priority",
            "start_date",
            "end_date",
            "lead_unit",
            "partners",
            "funding",
            "budget",
            "goals",
            "dependencies",
            "easy_language_summary",
            "source",
            "source_url",
            "is_example",
            "is_published",
        ]
        # Room to write: title and summary over the whole width, the description with
        # its preview (iserlohn_digital/admin_widgets.py).
        widgets = {
            "title": AdminTextInputWidget(attrs={"class": "vTextField wide-input"}),
            "summary": CountedTextarea(),
            "description": MarkdownTextarea("admin:measures_measure_preview"),
            # Lists to tick rather than search boxes: every choice in view, and named for
            # screen readers (the admin's autocomplete is not).
            "goals": forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
            "dependencies": forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = list(self.instance.tags.all())
            if self.check_version and not self.is_bound:
                self.initial["version"] = current_version(self.instance.pk)
                self.initial.update(self.proposed)

    def current_stand(self):
        """The measure's status and progress as stored now (in the history's version form
        the instance holds the version's values)."""
        if self.instance.pk is None:
            return None
        return Measure.objects.filter(pk=self.instance.pk).values_list("status", "progress").get()

    def status_changed(self):
        new = (self.cleaned_data.get("status"), self.cleaned_data.get("progress"))
        return self.instance.pk is None or new != self.current_stand()

    def current_schedule(self):
        """The measure's planned start and end as stored now."""
        return (
            Measure.objects.filter(pk=self.instance.pk).values_list("start_date", "end_date").get()
        )

    def postponements(self):
        """What saving would record: (kind, old, new) of each planned date moved or cleared."""
        if self.instance.pk is None:
            return []
        start, end = self.current_schedule()
        stored = Measure(start_date=start, end_date=end)
        return moved_dates(
            stored, self.cleaned_data.get("start_date"), self.cleaned_data.get("end_date")
        )

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.status_changed() and not data.get("status_note", "").strip():
            self.add_error(
                "status_note",
                "Status oder Fortschritt haben sich geändert: bitte kurz vermerken, "
                "was geschehen ist.",
            )
        if self.postponements() and not data.get("schedule_reason"):
            self.add_error("schedule_reason", REASON_REQUIRED)
        if self.instance.pk and self.check_version:
            self.check_for_lost_update(data.get("version", ""))
        return data

    def check_for_lost_update(self, version):
        """Refuse the save if others changed the measure since the editor loaded it.

        The measure row stays locked until the admin's transaction ends, so a concurrent
        save waits and then sees this one. A refused form is shown again with the editor's
        input and the current version, so that saving it once more is a deliberate choice.
        """
        lock_measure(self.instance.pk)
        conflict = find_conflict(self.instance.pk, version)
        if conflict is None:
            return
        self.add_error(None, conflict.message)
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = current_version(self.instance.pk)


class MeasureRevertForm(MeasureAdminForm):
    """The form of the history's version view ("Zurücksetzen"), without the version check."""

    check_version = False


class MixedValuesFilter(admin.BooleanFieldListFilter):
    """A yes/no filter shown only when the measures the user sees differ in it: a
    Fachbereich whose measures are all published needs no "veröffentlicht" filter."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        values = model_admin.get_queryset(request).values_list(field_path, flat=True)
        self.mixed = values.distinct().order_by().count() > 1

    def has_output(self):
        return self.mixed


@admin.register(Measure)
class MeasureAdmin(OwnUnitMixin, HistoryAdmin):
    form = MeasureAdminForm
    measure_path = ""
    # What an editor looks for first, narrow enough for 1280 px (static/css/admin.css
    # wraps long titles); the Handlungsfeld is in the code, the rest in the filters.
    list_display = [
        "code",
        "title",
        "status",
        "progress_label",
        "stand",
        "lead_unit",
        "published",
        "priority",
    ]
    list_display_links = ["code", "title"]
    list_filter = [
        "field_of_action__substrategy",
        "field_of_action",
        "status",
        StaleFilter,
        "priority",
        "lead_unit",
        "is_published",
        "is_example",
    ]
    # A Fachbereich's filters offer only what its own measures have; a filter with a
    # single choice is not shown at all (RelatedOnlyFieldListFilter.has_output).
    OWN_LIST_FILTER = [
        ("field_of_action__substrategy", admin.RelatedOnlyFieldListFilter),
        ("field_of_action", admin.RelatedOnlyFieldListFilter),
        "status",
        StaleFilter,
        "priority",
        ("lead_unit", admin.RelatedOnlyFieldListFilter),
        ("is_published", MixedValuesFilter),
        ("is_example", MixedValuesFilter),
    ]
    search_fields = ["code", "title", "summary", "description", "tags__name"]
    autocomplete_fields = ["field_of_action", "lead_unit"]
    list_select_related = ["field_of_action", "lead_unit"]
    inlines = [
        StatusUpdateInline,
        MilestoneInline,
        IndicatorInline,
        OnlineServiceInline,
        CouncilDocumentInline,
    ]
    actions = ["publish", "unpublish", "export_csv"]
    change_list_template = "admin/measures/measure/change_list.html"
    fieldsets = [
        (None, {"fields": ["code", "field_of_action", "title", "summary", "description"]}),
        (
            "Stand",
            {
                "fields": [
                    "status",
                    "progress",
                    "status_note",
                    "evidence_url",
                    "evidence_title",
                    "priority",
                    "start_date",
                    "end_date",
                    "schedule_reason",
                    "postponement_record",
                ]
            },
        ),
        (
            "Zuständigkeit und Finanzierung",
            {"fields": ["lead_unit", "partners", "funding", "budget"]},
        ),
        ("Online-Angebot", {"fields": ["offer_url"]}),
        ("Einordnung", {"fields": ["goals", "dependencies", "tags"]}),
        ("Leichte Sprache", {"fields": ["easy_language_summary"]}),
        (
            "Herkunft und Veröffentlichung",
            {"fields": ["source", "source_url", "is_example", "is_published"]},
        ),
    ]
    # What only the Redaktion decides: where a measure stands, who leads it, whether the
    # public sees it.
    EDITOR_ONLY_FIELDS = [
        "code",
        "field_of_action",
        "lead_unit",
        "is_published",
        "is_example",
        "source",
        "source_url",
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_list_filter(self, request):
        return self.list_filter if is_redaktion(request.user) else self.OWN_LIST_FILTER

    @admin.display(description="Fortschritt", ordering="progress")
    def progress_label(self, obj):
        return f"{obj.progress} %"

    @admin.display(description="öffentlich", boolean=True, ordering="is_published")
    def published(self, obj):
        # A short heading: "veröffentlicht" alone would widen its column.
        return obj.is_published

    @admin.display(description="Stand vom", ordering="last_update_on")
    def stand(self, obj):
        """The date of the latest status update, and whether that is too long ago (in
        words, not by colour alone)."""
        day = f"{obj.last_update_on:%d.%m.%Y}" if obj.last_update_on else "noch keine Meldung"
        if obj.is_stale:
            return format_html('{}<br><strong class="flag-stale">veraltet</strong>', day)
        return day

    def get_readonly_fields(self, request, obj=None):
        if is_redaktion(request.user):
            return ["postponement_record"]
        return [*self.EDITOR_ONLY_FIELDS, "postponement_record"]

    @admin.display(description="Bisherige Terminänderungen")
    def postponement_record(self, obj):
        # A record, never edited: shown here, listed in full under "Terminänderungen".
        postponements = obj.postponements.select_related("author") if obj and obj.pk else []
        if not postponements:
            return "Noch keine."
        return format_html(
            '<ul class="plain">{}</ul>',
            format_html_join(
                "",
                "<li>{}: {} {} → {}. Grund: {} ({})</li>",
                (
                    (
                        f"{timezone.localtime(p.recorded_at):%d.%m.%Y}",
                        p.subject,
                        p.old_label,
                        p.new_label,
                        p.reason,
                        p.author or "unbekannt",
                    )
                    for p in postponements
                ),
            ),
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        revert = getattr(request, "history_revert", False)
        if obj is None or revert or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if getattr(request, "history_revert", False):
            kwargs["form"] = MeasureRevertForm
        form = super().get_form(request, obj, change, **kwargs)
        if proposed := review.proposed_initial(request.user, obj):
            # The form shows the user's open text change (measures/review.py).
            form = type(form.__name__, (form,), {"proposed": proposed})
        if not is_redaktion(request.user):
            # A Fachbereich links what it may see (and keeps what is linked already):
            # another unit's draft is neither offered nor named back in an error page.
            for name, model in (("dependencies", Measure), ("goals", Goal)):
                if name in form.base_fields:
                    linked = getattr(obj, name).values("pk") if obj else []
                    visible = model.objects.visible_to(request.user).values("pk")
                    form.base_fields[name].queryset = model.objects.filter(
                        Q(pk__in=visible) | Q(pk__in=linked)
                    )
        return form

    def has_add_permission(self, request):
        return is_redaktion(request.user) and super().has_add_permission(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        measure = self.get_object(request, unquote(object_id))
        shown = request.method == "GET" and measure and self.has_view_permission(request, measure)
        if shown and (notice := review.pending_notice(request, measure)):
            messages.info(request, notice)
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return is_redaktion(request.user) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return is_redaktion(request.user)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        # The Stand changes only by a status update (measures/updates.py), the planned
        # dates only by change_schedule (measures/schedule.py): the measure is saved with
        # its current Stand and dates, then those operations give it the new ones.
        stand = obj.status, obj.progress
        schedule = obj.start_date, obj.end_date
        if change and form.status_changed():
            obj.status, obj.progress = form.current_stand()
        if change:
            obj.start_date, obj.end_date = form.current_schedule()
            # Text changes that wait for the Redaktion keep the stored texts here.
            request.text_held_back = review.hold_back(request, obj, form) is not None
        super().save_model(request, obj, form, change)
        if change:
            change_schedule(
                measure=obj,
                start_date=schedule[0],
                end_date=schedule[1],
                reason=form.cleaned_data.get("schedule_reason", ""),
                author=request.user,
            )
        note = form.cleaned_data.get("status_note", "").strip()
        if not change and not note:
            note = "Maßnahme angelegt."
        if note:
            record_status_update(
                measure=obj,
                status=stand[0],
                progress=stand[1],
                note=note,
                author=request.user,
                evidence_url=form.cleaned_data.get("evidence_url", ""),
                evidence_title=form.cleaned_data.get("evidence_title", ""),
            )
            obj.refresh_from_db(fields=["status", "progress"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.tags.set(form.cleaned_data.get("tags", []))

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.warn_if_overdue(request, obj)
        return response

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Text held back for review was not "erfolgreich geändert": review.hold_back says
        # what happened instead.
        if level == messages.SUCCESS and getattr(request, "text_held_back", False):
            return
        super().message_user(request, message, level, *args, **kwargs)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self.warn_if_overdue(request, obj)
        return response

    def warn_if_overdue(self, request, obj):
        """After a save: a measure still under way whose planned end has passed needs a
        new plan or its last Stand; the public page already calls it overdue."""
        if not obj.is_overdue:
            return
        self.message_user(
            request,
            f"Das geplante Ende dieser Maßnahme ({obj.end_date:%d.%m.%Y}) ist überschritten. "
            "Bitte tragen Sie ein neues geplantes Ende mit dem Grund der Terminänderung ein "
            "oder melden Sie den Status „abgeschlossen“, wenn die Maßnahme fertig ist.",
            messages.WARNING,
        )

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        # A change of the Stand is dated at the moment its status update was recorded
        # (measures/updates.py): the page's Stand changes show that update's note. One
        # query per page.
        super().set_history_delta_changes(request, historical_records, **kwargs)
        records = list(historical_records)
        if not records:
            return
        updates = StatusUpdate.objects.filter(
            measure_id=records[0].id, recorded_at__in=[r.history_date for r in records]
        )
        by_moment = {update.recorded_at: update for update in updates}
        for record in records:
            record.status_update = by_moment.get(record.history_date)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Indicator:
            return super().save_formset(request, form, formset, change)
        # Each Kennzahl is saved by change_target, which records a changed target.
        formset.save(commit=False)
        for indicator in formset.deleted_objects:
            indicator.delete()
        for indicator_form in formset.saved_forms:
            change_target(
                indicator=indicator_form.instance,
                target=indicator_form.instance.target,
                reason=indicator_form.cleaned_data.get("target_reason", ""),
                author=request.user,
            )
        formset.save_m2m()
        return None

    @admin.action(description="Ausgewählte Maßnahmen veröffentlichen", permissions=["publish"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(
        description="Veröffentlichung der ausgewählten Maßnahmen zurücknehmen",
        permissions=["publish"],
    )
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published):
        # One save per measure, so every change lands in the history with its author.
        changed = 0
        with transaction.atomic():
            for measure in queryset.select_for_update():
                if measure.is_published != published:
                    measure.is_published = published
                    measure.save(update_fields=["is_published", "updated_at"])
                    changed += 1
        verb = "veröffentlicht" if published else "zurückgezogen"
        self.message_user(request, f"{changed} Maßnahme(n) {verb}.", messages.SUCCESS)

    @admin.action(description="Ausgewählte Maßnahmen als CSV exportieren", permissions=["publish"])
    def export_csv(self, request, queryset):
        from .csv_io import export_response

        return export_response(queryset)

    def get_urls(self):
        from .csv_io import import_view

        custom = [
            path(
                "import/",
                self.admin_site.admin_view(import_view(self)),
                name="measures_measure_import",
            ),
            path(
                "vorschau/",
                self.admin_site.admin_view(self.preview_view),
                name="measures_measure_preview",
            ),
        ]
        return custom + super().get_urls()

    # Longer than any description; bounds the work a request can ask of the renderer.
    PREVIEW_MAX_CHARS = 50_000

    def preview_view(self, request):
        """The Markdown of the form's text as the public page will show it, for the preview
        beside the text (static/js/admin-text.js). POST with the CSRF token (admin_view
        checks it); for whoever may edit or add measures."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "Die Vorschau wird per Formular abgerufen.")
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        text = request.POST.get("text", "")
        if len(text) > self.PREVIEW_MAX_CHARS:
            return HttpResponse(
                f"Der Text ist zu lang für die Vorschau (höchstens "
                f"{self.PREVIEW_MAX_CHARS:_} Zeichen).".replace("_", "."),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return HttpResponse(render_markdown(normalize_text(text)))


class StatusUpdateAdminForm(forms.ModelForm):
    """A new status update; a Fachbereich dates it no earlier than the measure's latest one.

    Back-dating (to record history) is the Redaktion's; no one dates into the future
    (StatusUpdate.clean_fields). StatusUpdateAdmin.get_form sets `may_backdate`.
    """

    may_backdate = False

    def clean(self):
        data = super().clean()
        date, measure = data.get("date"), data.get("measure")
        if self.may_backdate or date is None or measure is None:
            return data
        latest = (
            StatusUpdate.objects.current()
            .filter(measure=measure)
            .order_by("-date")
            .values_list("date", flat=True)
            .first()
        )
        if latest and date < latest:
            self.add_error(
                "date",
                f"Das Datum liegt vor der jüngsten Statusmeldung dieser Maßnahme vom "
                f"{latest:%d.%m.%Y}. Frühere Stände trägt die Redaktion nach.",
            )
        return data


class StatusUpdateBackdatingForm(StatusUpdateAdminForm):
    """The Redaktion's: may record an earlier Stand after the fact."""

    may_backdate = True


class StatusUpdateCorrectionForm(StatusUpdateBackdatingForm):
    """The Redaktion's correction of `corrected`: a new update of the same measure, filled
    in from the original, with the reason for the correction (kept in its history)."""

    corrected: StatusUpdate  # set per request by StatusUpdateAdmin.get_form
    reason = NormalizedCharField(
        label="Grund der Berichtigung",
        max_length=100,
        help_text="Steht im Verlauf der Berichtigung, z. B. „Fortschritt falsch übertragen“.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.corrects = self.corrected
        self.instance.measure = self.corrected.measure


@admin.register(StatusUpdate)
class StatusUpdateAdmin(OwnUnitMixin, HistoryAdmin):
    """Status updates are a record: anyone who may adds one, no one edits one in place
    (the change page is read-only). The Redaktion corrects an update by a new one that
    names it ("Berichtigen"); the original stays here and in the history, the public
    record shows the correction."""

    form = StatusUpdateAdminForm
    list_display = ["measure", "date", "status", "progress", "author", "corrects", "corrected"]
    list_filter = ["status", "measure__field_of_action__substrategy"]
    search_fields = ["measure__code", "measure__title", "note"]
    autocomplete_fields = ["measure"]
    date_hierarchy = "date"
    list_select_related = ["measure", "author", "corrects__measure"]
    change_form_template = "admin/measures/statusupdate/change_form.html"
    FIELDS = ["measure", "date", "status", "progress", "note", "evidence_url", "evidence_title"]

    def get_queryset(self, request):
        corrected = StatusUpdate.objects.filter(corrects=OuterRef("pk"))
        return super().get_queryset(request).annotate(is_corrected=Exists(corrected))

    def get_fields(self, request, obj=None):
        if obj is not None:
            return [*self.FIELDS, "author", "recorded_at", "corrects", "corrected_by"]
        if self._corrected(request):
            return ["corrects", *self.FIELDS, "reason"]
        return self.FIELDS

    def get_readonly_fields(self, request, obj=None):
        if self._corrected(request):
            return ["corrects", "measure"]
        return ["author", "recorded_at", "corrects", "corrected_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        corrected = self._corrected(request)
        if corrected:
            kwargs["form"] = StatusUpdateCorrectionForm
        elif is_redaktion(request.user):
            kwargs["form"] = StatusUpdateBackdatingForm
        form = super().get_form(request, obj, change, **kwargs)
        if corrected:
            form = type(form.__name__, (form,), {"corrected": corrected})
        return form

    def get_changeform_initial_data(self, request):
        corrected = self._corrected(request)
        if corrected is None:
            return super().get_changeform_initial_data(request)
        return {name: getattr(corrected, name) for name in self.FIELDS if name != "measure"}

    def save_model(self, request, obj, form, change):
        # A new status update is the measure's new Stand (measures/updates.py); so is a
        # correction of the latest one, which takes its place.
        obj.author = request.user
        if "reason" in form.cleaned_data:
            obj._change_reason = form.cleaned_data["reason"]
        record_stand(obj)

    def has_change_permission(self, request, obj=None):
        return False  # a record: the change page only shows an update

    def delete_model(self, request, obj):
        delete_status_updates([obj])

    def delete_queryset(self, request, queryset):
        # Newest first: a correction goes before the update it corrects.
        delete_status_updates(list(queryset.order_by("-recorded_at")))

    def has_delete_permission(self, request, obj=None):
        # Deleting is the Redaktion's, for an update recorded by mistake; a corrected one
        # is kept while its correction exists (StatusUpdate.corrects, RESTRICT).
        return is_redaktion(request.user) and super().has_delete_permission(request, obj)

    def may_correct(self, request, update) -> bool:
        """The Redaktion corrects an update that is not corrected already."""
        return (
            is_redaktion(request.user)
            and super().has_add_permission(request)
            and not update.corrections.exists()
        )

    def correct_view(self, request, object_id):
        original = self.get_object(request, unquote(object_id))
        if original is None:
            raise Http404("Unbekannte Statusmeldung.")
        if not self.may_correct(request, original):
            raise PermissionDenied
        request.corrected_update = original
        title = f"Meldung vom {original.date:%d.%m.%Y} berichtigen"
        return self.changeform_view(
            request, None, request.get_full_path(), {"title": title, "corrected": original}
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        update = self.get_object(request, unquote(object_id))
        context = {"may_correct": update is not None and self.may_correct(request, update)}
        return super().change_view(request, object_id, form_url, context | (extra_context or {}))

    def get_urls(self):
        correct = path(
            "<path:object_id>/berichtigen/",
            self.admin_site.admin_view(self.correct_view),
            name="measures_statusupdate_correct",
        )
        return [correct, *super().get_urls()]

    @admin.display(description="berichtigt durch")
    def corrected_by(self, obj):
        correction = obj.corrections.first()
        if correction is None:
            return "–"
        url = reverse("admin:measures_statusupdate_change", args=[correction.pk])
        return format_html('<a href="{}">{}</a>', url, correction)

    @admin.display(description="berichtigt", boolean=True, ordering="is_corrected")
    def corrected(self, obj):
        return obj.is_corrected

    @staticmethod
    def _corrected(request):
        return getattr(request, "corrected_update", None)


@admin.register(Milestone)
class MilestoneAdmin(OwnUnitMixin, HistoryAdmin):
    list_display = ["title", "measure", "due_date", "reached_on"]
    list_filter = ["measure__field_of_action__substrategy"]
    search_fields = ["title", "measure__code", "measure__title"]
    autocomplete_fields = ["measure"]
    list_select_related = ["measure"]


@admin.register(CouncilDocument)
class CouncilDocumentAdmin(OwnUnitMixin, HistoryAdmin):
    formfield_overrides = ADMIN_TEXT_FIELDS
    form = CouncilDocumentForm
    list_display = ["reference", "title", "date", "measure"]
    search_fields = ["reference", "title", "measure__code", "measure__title"]
    autocomplete_fields = ["measure"]
    list_select_related = ["measure"]
    date_hierarchy = "date"

    def get_fields(self, request, obj=None):
        return ["measure", *council_document_fields()]


class IndicatorValueInline(LabelledTabularInline):
    """The Kennzahl's Zeitreihe and Zielpfad, one dated value a row; saved together by
    measures/series.py (IndicatorAdmin.save_formset)."""

    model = IndicatorValue
    extra = 1
    fields = ["kind", "date", "value"]
    verbose_name = "Wert (Istwert der Zeitreihe oder Sollwert des Zielpfads)"
    verbose_name_plural = "Zeitreihe und Zielpfad"


@admin.register(Indicator)
class IndicatorAdmin(OwnUnitMixin, HistoryAdmin):
    form = IndicatorForm
    fields = [
        "measure",
        "name",
        "unit",
        "baseline",
        "target",
        "target_reason",
        "current",
        "as_of",
        "position",
        "values_from_csv",
    ]
    # Here the current value is the latest Istwert of the Zeitreihe below.
    readonly_fields = ["current", "as_of", "values_from_csv"]
    inlines = [IndicatorValueInline]

    @admin.display(description="Werte aus CSV")
    def values_from_csv(self, indicator):
        if indicator.pk is None:
            return "Nach dem ersten Speichern können Sie Werte aus einer CSV-Datei übernehmen."
        url = reverse("admin:measures_indicator_import_values", args=[indicator.pk])
        return format_html('<a href="{}">Zeitreihe und Zielpfad aus CSV ergänzen</a>', url)

    def get_urls(self):
        import_values = self.admin_site.admin_view(self.import_values_view)
        return [
            path(
                "<path:object_id>/werte-importieren/",
                import_values,
                name="measures_indicator_import_values",
            ),
            *super().get_urls(),
        ]

    def import_values_view(self, request, object_id):
        """A CSV (datum;istwert;sollwert) adds its values to the Kennzahl's Zeitreihe and
        Zielpfad, each by record_value; a file with any bad row writes nothing."""
        indicator = self.get_object(request, object_id)
        if indicator is None or not self.has_change_permission(request, indicator):
            raise PermissionDenied
        form, errors, status = IndicatorValuesUploadForm(), [], 200
        if request.method == "POST":
            form = IndicatorValuesUploadForm(request.POST, request.FILES)
            if form.is_valid():
                values, errors = read_indicator_values(form.cleaned_data["content"])
                if not errors:
                    with transaction.atomic():
                        for kind, day, value in values:
                            record_value(indicator=indicator, date=day, value=value, kind=kind)
                    self.message_user(request, f"{len(values)} Werte übernommen.")
                    return redirect("admin:measures_indicator_change", indicator.pk)
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": f"Werte aus CSV: {indicator.name}",
            "opts": self.model._meta,
            "original": indicator,
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(
            request, "admin/measures/indicator/import_values.html", context, status=status
        )

    list_display = ["name", "measure", "baseline", "target", "current", "unit", "as_of"]
    search_fields = ["name", "measure__code", "measure__title"]
    autocomplete_fields = ["measure"]
    list_select_related = ["measure"]

    def save_model(self, request, obj, form, change):
        # As HistoryAdmin.save_model, but saved by change_target (measures/schedule.py),
        # which records a changed target with its reason.
        if change and not form.has_changed() and not getattr(request, "history_revert", False):
            return
        self.keep_read_only_fields(request, obj)
        change_target(
            indicator=obj,
            target=obj.target,
            reason=form.cleaned_data.get("target_reason", ""),
            author=request.user,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not IndicatorValue:
            return super().save_formset(request, form, formset, change)
        # The rows as a whole become the series (measures/series.py), one kind at a time;
        # save(commit=False) only tells the change message what was added or removed.
        formset.save(commit=False)
        series = {kind: {} for kind in IndicatorValue.Kind}
        for row in formset.forms:
            data = getattr(row, "cleaned_data", None)
            if data and not data.get("DELETE") and data.get("date") and data.get("kind"):
                series[data["kind"]][data["date"]] = data["value"]
        for kind, points in series.items():
            replace_series(indicator=form.instance, kind=kind, points=points)
        return None


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records to read in the admin, written only by the operations that make them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Postponement)
class PostponementAdmin(OwnUnitMixin, ReadOnlyAdmin):
    """All postponements, to read: they are written only with a change of the plan (in
    the measure or Kennzahl form) and are never edited."""

    list_display = ["recorded_at", "measure", "kind", "indicator_name", "old", "new", "author"]
    list_filter = ["kind", "measure__field_of_action__substrategy"]
    search_fields = ["measure__code", "measure__title", "indicator_name", "reason"]
    date_hierarchy = "recorded_at"
    list_select_related = ["measure", "author"]
    fields = [
        "measure",
        "kind",
        "indicator",
        "indicator_name",
        "old",
        "new",
        "reason",
        "author",
        "recorded_at",
    ]
    readonly_fields = fields

    @admin.display(description="bisher")
    def old(self, postponement):
        return postponement.old_label

    @admin.display(description="neu")
    def new(self, postponement):
        return postponement.new_label


@admin.register(PublicationFile)
class PublicationFileAdmin(ReadOnlyAdmin):
    """The stored PDFs and their renders in the task worker, to read: how far a render has
    come, when each file was made, how long it took and how much memory it needed."""

    list_display = ["__str__", "state_and_progress", "stand", "size_label", "last_render"]
    list_filter = ["kind", "state"]
    fields = [
        "kind",
        "key",
        "params",
        "state",
        "progress",
        "started_at",
        "error",
        "filename",
        "size",
        "stand",
        "version",
        "rendered_at",
        "render_seconds",
        "peak_mib",
        "requested_at",
        "task_id",
    ]
    readonly_fields = fields

    @admin.display(description="Zustand", ordering="state")
    def state_and_progress(self, document):
        label = document.get_state_display()
        if document.state == PublicationFile.State.RUNNING and document.progress:
            return f"{label}: {document.progress}"
        return label

    @admin.display(description="letzte Erstellung", ordering="rendered_at")
    def last_render(self, document):
        if document.rendered_at is None:
            return "–"
        when = timezone.localtime(document.rendered_at).strftime("%d.%m.%Y %H:%M")
        seconds = f"{document.render_seconds or 0:.1f}".replace(".", ",")
        return f"{when} in {seconds} s, Speicher-Spitze {document.peak_mib or '–'} MiB"

    @admin.display(description="Größe", ordering="size")
    def size_label(self, document):
        return filesizeformat(document.size) if document.size is not None else "–"


@admin.register(LifeSituation)
class LifeSituationAdmin(HistoryAdmin):
    """The Lebenslagen of the page /online-dienste/, in the order it shows them."""

    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OnlineService)
class OnlineServiceAdmin(ExampleFlagMixin, OwnUnitMixin, HistoryAdmin):
    list_display = ["name", "maturity", "measure", "url", "is_example"]
    list_filter = ["maturity", "life_situations", "is_example"]
    search_fields = ["name", "leika_key", "measure__code"]
    autocomplete_fields = ["measure", "life_situations"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["measure"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A Fachbereich's service belongs to one of its measures: one of no measure would
        # be out of its reach at once.
        if db_field.name == "measure" and not is_redaktion(request.user):
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# "Freigaben": registered here so that the admin's autodiscovery finds it.
from . import review_admin  # noqa: E402, F401
