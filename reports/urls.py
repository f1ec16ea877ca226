from django.urls import path, register_converter

from . import feeds, views


class ReportNumberConverter:
    """A report's number: the Stichtag's year and the report's place in it, "2026-3"."""

    regex = r"[0-9]{4}-[0-9]{1,4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReportNumberConverter, "report_number")

app_name = "reports"

urlpatterns = [
    path("berichte/", views.report_list, name="report-list"),
    path("berichte/berichte.atom", feeds.ReportsFeed(), name="feed"),
    path("berichte/vergleich/", views.report_comparison, name="report-comparison"),
    path("berichte/<report_number:number>/", views.report_detail, name="report-detail"),
    path("berichte/<report_number:number>.pdf", views.report_pdf, name="report-pdf"),
    path("berichte/<report_number:number>.csv", views.report_csv, name="report-csv"),
    path("berichte/<report_number:number>.json", views.report_json, name="report-json"),
]
