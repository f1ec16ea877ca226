from django.urls import path

from measures import codes
from strategy.codes import register_converters

from . import feeds, views

register_converters(codes.CONVERTERS)

app_name = "opendata"

urlpatterns = [
    path("daten/", views.index, name="index"),
    path("daten/massnahmen.csv", views.measures_csv, name="measures-csv"),
    path("daten/massnahmen.json", views.measures_json, name="measures-json"),
    path("daten/online-dienste.csv", views.services_csv, name="services-csv"),
    path("daten/online-dienste.json", views.services_json, name="services-json"),
    path("daten/dcat.ttl", views.catalogue_turtle, name="dcat-ttl"),
    path("daten/dcat.jsonld", views.catalogue_jsonld, name="dcat-jsonld"),
    path("daten/dcat.rdf", views.catalogue_rdf, name="dcat-rdf"),
    path("daten/statusmeldungen.atom", feeds.UpdatesFeed(), name="feed-updates"),
    path(
        "daten/handlungsfelder/<slug:slug>/statusmeldungen.atom",
        feeds.FieldUpdatesFeed(),
        name="feed-field",
    ),
    path(
        "daten/massnahmen/<measure_code:code>/statusmeldungen.atom",
        feeds.MeasureUpdatesFeed(),
        name="feed-measure",
    ),
    path("daten/aenderungen.atom", feeds.ChangesFeed(), name="feed-changes"),
    path("daten/meilensteine.ics", views.milestones_ical, name="milestones-ical"),
    path(
        "daten/massnahmen/<measure_code:code>/meilensteine.ics",
        views.measure_milestones_ical,
        name="measure-milestones-ical",
    ),
]
