"""Under /admin/aufgaben/: outside the page cache, and signed in through the admin site
(except the mailed links, which check their token themselves)."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path(
        "stand/<int:pk>/",
        admin.site.admin_view(views.report_stand),
        name="report-stand",
    ),
    path("link/<str:token>/", views.report_stand_by_link, name="link"),
    path(
        "einstellungen/",
        admin.site.admin_view(views.reminder_settings),
        name="settings",
    ),
    path(
        "links/<int:pk>/widerrufen/",
        admin.site.admin_view(views.revoke_link),
        name="revoke-link",
    ),
]
