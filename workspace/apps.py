from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The editors' workspace: "Meine Aufgaben", the one-minute "Stand melden" form with its
    signed links, and the reminders the task worker mails."""

    name = "workspace"
    verbose_name = "Arbeitsbereich"
