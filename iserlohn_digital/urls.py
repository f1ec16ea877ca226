from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from measures import sitemaps as measure_sitemaps
from opendata.api import api
from strategy.sitemaps import InfoPageSitemap

from . import views

if settings.OTP_REQUIRED:
    from iserlohn_digital.otp import PortalOTPAdminSite

    # Staff sign in with password and a TOTP code (see README: enrol_totp).
    admin.site.__class__ = PortalOTPAdminSite

admin.site.site_header = "Iserlohn digital – Redaktion"
admin.site.site_title = "Iserlohn digital"
admin.site.index_title = "Inhalte der Digitalisierungsstrategie"

handler500 = "iserlohn_digital.views.server_error"

SITEMAPS = {
    "seiten": measure_sitemaps.PageSitemap,
    "informationen": InfoPageSitemap,
    "teilstrategien": measure_sitemaps.SubStrategySitemap,
    "ziele": measure_sitemaps.GoalSitemap,
    "handlungsfelder": measure_sitemaps.FieldSitemap,
    "schlagworte": measure_sitemaps.TagSitemap,
    "massnahmen": measure_sitemaps.MeasureSitemap,
}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("", views.home, name="home"),
    path("api/v1/", api.urls),
    path("", include("opendata.urls")),
    path("", include("measures.urls")),
    path("", include("strategy.urls")),
]
