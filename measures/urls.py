from django.urls import path

from strategy.codes import register_converters

from . import codes, views

register_converters(codes.CONVERTERS)

app_name = "measures"

urlpatterns = [
    path("handlungsfelder/", views.field_list, name="field-list"),
    path("handlungsfelder/<slug:slug>/", views.field_detail, name="field-detail"),
    path("massnahmen/", views.measure_list, name="measure-list"),
    path("massnahmen/export.csv", views.measure_csv, name="measure-csv"),
    path("massnahmen/export.pdf", views.measure_list_pdf, name="measure-list-pdf"),
    path("massnahmen/vorschau.pdf", views.measure_list_pdf_preview, name="measure-list-preview"),
    path("massnahmen/<measure_code:code>/", views.measure_detail, name="measure-detail"),
    path("massnahmen/<measure_code:code>/steckbrief.pdf", views.measure_pdf, name="measure-pdf"),
    path("downloads/kurzbroschuere.pdf", views.brochure_pdf, name="brochure-pdf"),
    path("downloads/digitalisierungsstrategie.pdf", views.strategy_pdf, name="strategy-pdf"),
    path("downloads/sachstandsbericht.pdf", views.report_pdf, name="report-pdf"),
    path("umsetzungsstand/", views.dashboard, name="dashboard"),
    path("aenderungen/", views.changes_page, name="changes"),
    path("online-dienste/", views.online_service_list, name="online-services"),
    path("downloads/", views.downloads, name="downloads"),
    path("schlagworte/", views.tag_list, name="tag-list"),
    path("schlagworte/<tag_slug:slug>/", views.tag_detail, name="tag-detail"),
    # Status cards for other sites' frames: the only pages that may be framed.
    path("einbetten/massnahmen/<measure_code:code>/", views.measure_embed, name="measure-embed"),
    path("einbetten/handlungsfelder/<slug:slug>/", views.field_embed, name="field-embed"),
    path("einbetten/umsetzungsstand/", views.dashboard_embed, name="dashboard-embed"),
]
