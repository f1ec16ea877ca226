"""The admin in German where the names come from code rather than from a translation:
django-tasks-db's task list (labels written into its admin, an English object name) and
the link rows of many-to-many fields, which the delete confirmation lists by Django's
generated names ("Measure_goals object (37)")."""

from django.apps import apps
from django.contrib import admin
from django.utils import formats, timezone
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

PROJECT_APPS = ("strategy", "measures", "reports", "opendata")


# What each of the portal's tasks does, in the editors' words.
TASK_NAMES = {
    "measures.tasks.render_publication": "PDF erstellen",
    "workspace.tasks.send_weekly_digests": "Wöchentliche Erinnerungen versenden",
    "workspace.tasks.notify_stale_measures": "Veraltete Stände melden",
}


def task_name(result) -> str:
    return TASK_NAMES.get(result.task_path, result.task_name)


def _task_title(result):
    if result.enqueued_at is None:  # not saved yet
        return task_name(result)
    enqueued = formats.date_format(timezone.localtime(result.enqueued_at), "d.m.Y H:i")
    return f"{task_name(result)} (eingereiht am {enqueued})"


# Page titles and breadcrumbs name the task instead of "DBTaskResult object (…)".
DBTaskResult.__str__ = _task_title

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's admin (read-only) with German column and field labels; the list
    without priority and queue, which the portal leaves at their defaults, so that it
    fits 1280 px beside the sidebar."""

    list_display = ("task", "status", "enqueued_at", "started_at", "finished_at")
    list_display_links = ("task",)
    list_filter = ("status",)

    @admin.display(description="Aufgabe")
    def task(self, obj):
        return task_name(obj)

    @admin.display(description="Fehlerverlauf")
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description="frühestens am")
    def display_run_after(self, obj):
        return super().display_run_after(obj)


def _name_link_rows():
    """Each auto-created link table of a many-to-many field gets a German name and rows
    that name both ends, e.g. "Verknüpfung Maßnahme – Ziel: EG-1.2 … – Ziel 3"."""
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            through._meta.verbose_name = (
                f"Verknüpfung {model._meta.verbose_name} – {field.related_model._meta.verbose_name}"
            )
            through._meta.verbose_name_plural = through._meta.verbose_name
            through.__str__ = lambda row, a=source, b=target: (
                f"{getattr(row, a)} – {getattr(row, b)}"
            )


_name_link_rows()
