from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Iserlohn digital – Redaktion"
admin.site.site_title = "Iserlohn digital"
admin.site.index_title = "Inhalte der Digitalisierungsstrategie"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("strategy.urls")),
]
