from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from measures import sitemaps as measure_sitemaps
from opendata.api import api
from reports import sitemaps as report_sitemaps
from strategy.sitemaps import InfoPageSitemap

from . import views

handler400 = "iserlohn_digital.views.bad_request"
handler403 = "iserlohn_digital.views.permission_denied"
handler404 = "iserlohn_digital.views.page_not_found"
handler500 = "iserlohn_digital.views.server_error"

SITEMAPS = {
    "seiten": measure_sitemaps.PageSitemap,
    "informationen": InfoPageSitemap,
    "teilstrategien": measure_sitemaps.SubStrategySitemap,
    "ziele": measure_sitemaps.GoalSitemap,
    "handlungsfelder": measure_sitemaps.FieldSitemap,
    "schlagworte": measure_sitemaps.TagSitemap,
    "massnahmen": measure_sitemaps.MeasureSitemap,
    "berichte": report_sitemaps.ReportSitemap,
}

urlpatterns = [
    # The editors' workspace ("Stand melden", reminder settings), before the admin's own.
    path("admin/aufgaben/", include("workspace.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("", views.home, name="home"),
    path("api/v1/", api.urls),
    path("", include("opendata.urls")),
    path("", include("reports.urls")),
    path("", include("subscriptions.urls")),
    path("", include("measures.urls")),
    path("", include("strategy.urls")),
]
