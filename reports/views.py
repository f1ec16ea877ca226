from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Report


@require_safe
def report_list(request):
    reports = Report.objects.all()
    return render(request, "reports/report_list.html", {"reports": reports})


@require_safe
def report_detail(request, number):
    report = get_object_or_404(Report, number=number)
    # A withdrawn report is gone for good, and says so: 410 with its tombstone.
    status = 410 if report.is_withdrawn else 200
    return render(request, "reports/report_detail.html", {"report": report}, status=status)


def _stored_file(number, field):
    """The stored file as it was frozen: never rendered again."""
    report = get_object_or_404(Report.objects.current(), number=number)
    file = getattr(report, field)
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError as missing:
        raise Http404("Die Datei des Berichts fehlt.") from missing
    response = FileResponse(
        handle,
        as_attachment=field != "pdf",
        filename=f"iserlohn-digital-sachstandsbericht-{report.number}.{field}",
        content_type={
            "pdf": "application/pdf",
            "csv": "text/csv; charset=utf-8",
            "json": "application/json",
        }[field],
    )
    response["ETag"] = f'"{getattr(report, f"{field}_sha256")}"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def report_pdf(request, number):
    return _stored_file(number, "pdf")


@require_safe
def report_csv(request, number):
    return _stored_file(number, "csv")


@require_safe
def report_json(request, number):
    return _stored_file(number, "json")
