"""The project package's own app configurations (listed in settings.INSTALLED_APPS)."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django_tasks_db.apps import TasksAppConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's admin site as `admin.site` (Django's
    documented way to replace the default site)."""

    default_site = "iserlohn_digital.otp.PortalAdminSite"


class TaskQueueConfig(TasksAppConfig):
    """django-tasks-db under a German name in the admin (Django's documented way to
    rename another app); its label and tables stay the same."""

    verbose_name = "Aufgaben im Hintergrund"


class PortalConfig(AppConfig):
    name = "iserlohn_digital"
    verbose_name = "Iserlohn digital"

    def ready(self):
        from django.db.backends.signals import connection_created

        from strategy.signals import content_changed

        from . import checks  # noqa: F401 – registers the deployment checks
        from .db import set_statement_timeout
        from .pagecache import publish_version
        from .pdf import patch_pydyf
        from .pdf_structure import patch_weasyprint_tags

        patch_pydyf()
        patch_weasyprint_tags()
        connection_created.connect(set_statement_timeout, dispatch_uid="statement-timeout")
        # Each committed edit is copied beside the cached pages, for every app server.
        content_changed.connect(publish_version, dispatch_uid="publish-content-version")
