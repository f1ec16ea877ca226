from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from measures.models import FieldOfAction, Measure, Milestone
from measures.records import (
    MeasureRecord,
    ServiceRecord,
    csv_response,
    for_records,
    records,
    records_csv,
    service_records,
)
from strategy.models import ContentVersion

from . import dcat, ical

LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LICENCE_URL = "https://www.govdata.de/dl-de/by-2-0"


@require_safe
def index(request):
    sample = Measure.objects.published().order_by("code").first()
    field = FieldOfAction.objects.published().order_by("code").first()
    return render(
        request,
        "opendata/daten.html",
        {
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "columns": MeasureRecord.columns(),
            "service_columns": ServiceRecord.columns(),
            "sample": sample,
            "sample_field": field,
            "site_url": settings.SITE_URL,
            "version": ContentVersion.current(),
        },
    )


@require_safe
def measures_csv(request):
    return csv_response(for_records(), filename="massnahmen.csv", header="key")


@require_safe
def measures_json(request):
    return _dataset_json("massnahmen", [record.model_dump(by_alias=True) for record in records()])


def _dataset_json(key: str, items: list) -> JsonResponse:
    """An open-data file as JSON: licence, publisher and date, then the `items`."""
    return JsonResponse(
        {
            "lizenz": LICENCE,
            "lizenz_url": LICENCE_URL,
            "herausgeber": "Stadt Iserlohn",
            "stand": timezone.localtime(ContentVersion.current().changed_at).isoformat(),
            "anzahl": len(items),
            key: items,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@require_safe
def services_csv(request):
    return records_csv(service_records(), ServiceRecord, filename="online-dienste.csv")


@require_safe
def services_json(request):
    services = [record.model_dump(by_alias=True) for record in service_records()]
    return _dataset_json("online_dienste", services)


@require_safe
def catalogue_turtle(request):
    return HttpResponse(
        dcat.catalogue().serialize(format="turtle"), content_type="text/turtle; charset=utf-8"
    )


@require_safe
def catalogue_jsonld(request):
    data = dcat.catalogue().serialize(format="json-ld", indent=1)
    return HttpResponse(data, content_type="application/ld+json; charset=utf-8")


@require_safe
def catalogue_rdf(request):
    return HttpResponse(
        dcat.catalogue().serialize(format="xml"), content_type="application/rdf+xml; charset=utf-8"
    )


def _ical_response(milestones, name):
    response = HttpResponse(
        ical.calendar(milestones, name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="meilensteine.ics"'
    return response


@require_safe
def milestones_ical(request):
    milestones = Milestone.objects.filter(measure__in=Measure.objects.published())
    return _ical_response(milestones.select_related("measure"), "Meilensteine – Iserlohn digital")


@require_safe
def measure_milestones_ical(request, code):
    measure = get_object_or_404(Measure.objects.published(), code=code)
    return _ical_response(
        measure.milestones.select_related("measure"),
        f"Meilensteine {measure.code} – Iserlohn digital",
    )
