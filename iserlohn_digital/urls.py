from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from opendata.api import api
from strategy.sitemaps import SITEMAPS
from strategy.views import robots_txt

if settings.OTP_REQUIRED:
    from iserlohn_digital.otp import PortalOTPAdminSite

    # Staff sign in with password and a TOTP code (see README: enrol_totp).
    admin.site.__class__ = PortalOTPAdminSite

admin.site.site_header = "Iserlohn digital – Redaktion"
admin.site.site_title = "Iserlohn digital"
admin.site.index_title = "Inhalte der Digitalisierungsstrategie"

handler500 = "iserlohn_digital.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("api/v1/", api.urls),
    path("", include("opendata.urls")),
    path("", include("measures.urls")),
    path("", include("strategy.urls")),
]
