from django.contrib import admin

from iserlohn_digital.history_admin import HistoryAdmin

from .models import BarrierReport, Goal, InfoPage, Principle, SignLanguageVideo, SubStrategy


@admin.register(Principle)
class PrincipleAdmin(HistoryAdmin):
    list_display = ["number", "text"]
    list_display_links = ["text"]
    search_fields = ["text", "title", "explanation"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(SubStrategy)
class SubStrategyAdmin(HistoryAdmin):
    list_display = ["name", "code", "tagline", "position"]
    search_fields = ["name", "tagline", "introduction"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Goal)
class GoalAdmin(HistoryAdmin):
    list_display = ["code", "title", "kind", "substrategy", "parent", "is_published"]
    list_filter = ["substrategy", "kind", "is_published", "is_example", "principles"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["parent", "principles"]
    list_select_related = ["substrategy", "parent"]
    fieldsets = [
        (None, {"fields": ["code", "substrategy", "kind", "parent", "title", "description"]}),
        ("Einordnung", {"fields": ["principles", "position"]}),
        ("Veröffentlichung", {"fields": ["is_published", "is_example"]}),
    ]


@admin.register(InfoPage)
class InfoPageAdmin(HistoryAdmin):
    list_display = ["title", "slug", "reviewed_on"]
    search_fields = ["title", "body"]
    fields = ["slug", "title", "body", "stated_on", "reviewed_on"]


@admin.register(SignLanguageVideo)
class SignLanguageVideoAdmin(HistoryAdmin):
    list_display = ["title", "position", "is_published"]
    list_editable = ["position"]
    list_filter = ["is_published"]
    search_fields = ["title", "text"]
    fieldsets = [
        (None, {"fields": ["title", "text"]}),
        (
            "Video",
            {
                "fields": ["video", "captions", "link"],
                "description": "Entweder eine Videodatei mit ihrer Untertitel-Datei hochladen "
                "oder einen Link zu einem Video angeben.",
            },
        ),
        ("Veröffentlichung", {"fields": ["position", "is_published"]}),
    ]


@admin.register(BarrierReport)
class BarrierReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page", "email", "handled"]
    list_filter = ["handled"]
    search_fields = ["page", "description", "name", "email"]
    readonly_fields = ["page", "description", "name", "email", "created_at"]
    fields = ["created_at", "page", "description", "name", "email", "handled", "note"]

    def has_add_permission(self, request):
        return False
