from django.contrib import admin

from .models import (
    FieldOfAction,
    Indicator,
    Measure,
    Milestone,
    OnlineService,
    OrganisationalUnit,
    StatusUpdate,
    Tag,
)


@admin.register(OrganisationalUnit)
class OrganisationalUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "email", "phone"]
    search_fields = ["name", "abbreviation"]
    filter_horizontal = ["members"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FieldOfAction)
class FieldOfActionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "substrategy", "position", "is_published"]
    list_filter = ["substrategy", "is_published", "is_example"]
    search_fields = ["code", "name", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["goals"]
    list_select_related = ["substrategy"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class StatusUpdateInline(admin.StackedInline):
    model = StatusUpdate
    extra = 0
    fields = ["date", "status", "progress", "note", "evidence_url", "evidence_title", "author"]
    readonly_fields = ["author"]
    ordering = ["-date", "-recorded_at"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_date", "reached_on", "note"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["name", "unit", "baseline", "target", "current", "as_of", "position"]


class OnlineServiceInline(admin.TabularInline):
    model = OnlineService
    extra = 0
    fields = ["name", "slug", "maturity", "url"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "field_of_action",
        "status",
        "progress",
        "priority",
        "lead_unit",
        "is_published",
    ]
    list_display_links = ["code", "title"]
    list_filter = [
        "field_of_action__substrategy",
        "field_of_action",
        "status",
        "priority",
        "lead_unit",
        "is_published",
        "is_example",
    ]
    search_fields = ["code", "title", "summary", "description", "tags__name"]
    autocomplete_fields = ["field_of_action", "lead_unit", "goals", "dependencies"]
    list_select_related = ["field_of_action", "lead_unit"]
    date_hierarchy = "end_date"
    inlines = [StatusUpdateInline, MilestoneInline, IndicatorInline, OnlineServiceInline]
    fieldsets = [
        (None, {"fields": ["code", "field_of_action", "title", "summary", "description"]}),
        ("Stand", {"fields": ["status", "progress", "priority", "start_date", "end_date"]}),
        (
            "Zuständigkeit und Finanzierung",
            {"fields": ["lead_unit", "partners", "funding", "budget"]},
        ),
        ("Einordnung", {"fields": ["goals", "dependencies", "tags"]}),
        ("Leichte Sprache", {"fields": ["easy_language_summary"]}),
        (
            "Herkunft und Veröffentlichung",
            {"fields": ["source", "source_url", "is_example", "is_published"]},
        ),
    ]

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, StatusUpdate) and instance.author_id is None:
                instance.author = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    list_display = ["measure", "date", "status", "progress", "author"]
    list_filter = ["status", "measure__field_of_action__substrategy"]
    search_fields = ["measure__code", "measure__title", "note"]
    autocomplete_fields = ["measure"]
    date_hierarchy = "date"
    list_select_related = ["measure", "author"]
    readonly_fields = ["author", "recorded_at"]

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "measure", "due_date", "reached_on"]
    list_filter = ["measure__field_of_action__substrategy"]
    search_fields = ["title", "measure__code", "measure__title"]
    autocomplete_fields = ["measure"]
    list_select_related = ["measure"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "measure", "baseline", "target", "current", "unit", "as_of"]
    search_fields = ["name", "measure__code", "measure__title"]
    autocomplete_fields = ["measure"]
    list_select_related = ["measure"]


@admin.register(OnlineService)
class OnlineServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "maturity", "measure", "url"]
    list_filter = ["maturity"]
    search_fields = ["name", "leika_key", "measure__code"]
    autocomplete_fields = ["measure"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["measure"]
