from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .comparison import compare_reports, since_previous
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
    comparison = None if report.is_withdrawn else since_previous(report)
    return render(
        request,
        "reports/report_detail.html",
        {"report": report, "comparison": comparison},
        status=status,
    )


class ComparisonForm(forms.Form):
    """Two frozen reports that have not been withdrawn, by number."""

    von = forms.ChoiceField(label="Früherer Bericht")
    bis = forms.ChoiceField(label="Späterer Bericht")

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r.number, f"Nr. {r.number}, Stichtag {r.as_of:%d.%m.%Y}") for r in reports]
        for name in ("von", "bis"):
            self.fields[name].choices = choices
            self.fields[name].error_messages["invalid_choice"] = (
                "Einen Bericht Nr. %(value)s gibt es nicht, oder er wurde zurückgezogen."
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("von") and cleaned.get("von") == cleaned.get("bis"):
            raise forms.ValidationError("Bitte zwei verschiedene Berichte wählen.")
        return cleaned


@require_safe
def report_comparison(request):
    """Compares any two frozen reports; the earlier Stichtag is the old state, whichever
    order they are given in."""
    reports = list(Report.objects.current())
    form = ComparisonForm(request.GET or None, reports=reports)
    context = {"form": form, "reports": reports}
    if not form.is_bound:
        return render(request, "reports/report_comparison.html", context)
    if not form.is_valid():
        return render(request, "reports/report_comparison.html", context, status=400)
    by_number = {report.number: report for report in reports}
    earlier, later = sorted(
        [by_number[form.cleaned_data["von"]], by_number[form.cleaned_data["bis"]]],
        key=lambda report: (report.as_of, report.year, report.sequence),
    )
    context |= {
        "earlier": earlier,
        "later": later,
        "comparison": compare_reports(earlier, later),
    }
    return render(request, "reports/report_comparison.html", context)


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
