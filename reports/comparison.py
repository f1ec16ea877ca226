"""What changed between two Sachstandsberichte: "Seit dem letzten Bericht".

A frozen report's stored JSON is the record of what the council was told, so the old
values come from the earlier report's JSON, not from a new reconstruction of its
Stichtag (which could differ if the change history was edited since). Only if that file
is missing is the state rebuilt from the change history (measures/asof.py).
Postponements are read from their record, which is only ever added to.

The comparison is a plain, JSON-ready dict with German keys: a frozen report stores the
comparison with its predecessor in its own JSON, so its PDF and its web page show the
same lists for good.
"""

import json

from measures import asof
from measures.models import Postponement, Status

from .models import Report

# A measure's state in a report, by code: the row of the report's data (freezing.py).
State = dict[str, dict]

STARTED_FROM = {str(Status.PLANNED), str(Status.PREPARING)}


def previous_report(report: Report) -> Report | None:
    """The latest report not withdrawn with a Stichtag before `report`'s."""
    return (
        Report.objects.current()
        .filter(as_of__lt=report.as_of)
        .exclude(pk=report.pk)
        .order_by("-as_of", "-year", "-sequence")
        .first()
    )


def stored_data(report: Report) -> dict | None:
    """The report's stored JSON, or None if its file is missing."""
    try:
        with report.json.storage.open(report.json.name, "rb") as handle:
            return json.load(handle)
    except (FileNotFoundError, ValueError):
        return None


def indicator_rows(indicators) -> list[dict]:
    """A measure's Kennzahlen as the report's data holds them."""
    return [
        {
            "name": indicator.name,
            "einheit": indicator.unit,
            "ausgangswert": _number(indicator.baseline),
            "zielwert": _number(indicator.target),
            "wert": _number(indicator.current),
            "stand": indicator.as_of.isoformat() if indicator.as_of else None,
        }
        for indicator in indicators
    ]


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _reconstructed(report: Report) -> State:
    """The state on the report's Stichtag, rebuilt from the change history."""
    return {
        line.measure.code: {
            "code": line.measure.code,
            "titel": line.measure.title,
            "status": str(line.status),
            "status_text": line.status_label,
            "fortschritt": line.update.progress if line.update else None,
            "kennzahlen": indicator_rows(line.indicators),
        }
        for line in asof.measures_on(report.as_of)
    }


def state_of(report: Report) -> State:
    """The measures of a frozen report as stored in its JSON (see the module docstring)."""
    data = stored_data(report)
    if data is None:
        return _reconstructed(report)
    return {row["code"]: row for row in data["massnahmen"]}


def _status_change(old: dict, new: dict) -> dict:
    return {
        "code": new["code"],
        "titel": new["titel"],
        "status_bisher": old["status_text"],
        "status_neu": new["status_text"],
        "fortschritt_bisher": old["fortschritt"],
        "fortschritt_neu": new["fortschritt"],
    }


def _indicator_changes(old: dict, new: dict) -> list[dict]:
    before = {row["name"]: row for row in old.get("kennzahlen", [])}
    changes = []
    for row in new.get("kennzahlen", []):
        earlier = before.get(row["name"])
        if earlier is None:
            continue
        for key, label in [("wert", "Wert"), ("zielwert", "Zielwert")]:
            if earlier[key] != row[key]:
                changes.append(
                    {
                        "code": new["code"],
                        "titel": new["titel"],
                        "kennzahl": row["name"],
                        "einheit": row["einheit"],
                        "geaendert": label,
                        "bisher": earlier[key],
                        "neu": row[key],
                    }
                )
    return changes


def _postponements(codes, earlier_day, later_day) -> list[dict]:
    postponements = (
        Postponement.objects.filter(measure__code__in=list(codes))
        .recorded_between(earlier_day, later_day)
        .select_related("measure")
        .order_by("recorded_at", "pk")
    )
    return [
        {
            "code": postponement.measure.code,
            "titel": postponement.measure.title,
            "erfasst_am": postponement.recorded_on.isoformat(),
            "geaendert": postponement.subject,
            "bisher": postponement.old_label,
            "neu": postponement.new_label,
            "grund": postponement.reason,
        }
        for postponement in postponements
    ]


def compare(earlier: Report, old: State, later_as_of, new: State) -> dict:
    """The changes from the `old` state of the `earlier` report to the `new` state on
    `later_as_of`: measures new, no longer included, finished, started, dropped, other
    changes of status or progress, postponements recorded after the earlier Stichtag up to
    the later one (with their reasons), and Kennzahlen whose value or target moved. Each
    entry names the measure by code and title; changes give the old and the new value."""
    finished, started, dropped, other, indicators = [], [], [], [], []
    for code, row in sorted(new.items()):
        before = old.get(code)
        if before is None:
            continue
        indicators += _indicator_changes(before, row)
        if (before["status"], before["fortschritt"]) == (row["status"], row["fortschritt"]):
            continue
        change = _status_change(before, row)
        if row["status"] != before["status"] and row["status"] == Status.DONE:
            finished.append(change)
        elif row["status"] == Status.IN_PROGRESS and before["status"] in STARTED_FROM:
            started.append(change)
        elif row["status"] != before["status"] and row["status"] == Status.DROPPED:
            dropped.append(change)
        else:
            other.append(change)
    return {
        "bericht": {"nummer": earlier.number, "stichtag": earlier.as_of.isoformat()},
        "neu": [_brief(new[code]) for code in sorted(new.keys() - old.keys())],
        "nicht_mehr_enthalten": [_brief(old[code]) for code in sorted(old.keys() - new.keys())],
        "abgeschlossen": finished,
        "begonnen": started,
        "entfallen": dropped,
        "weitere_aenderungen": other,
        "terminaenderungen": _postponements(new.keys(), earlier.as_of, later_as_of),
        "kennzahlen": indicators,
    }


def _brief(row: dict) -> dict:
    return {"code": row["code"], "titel": row["titel"], "status_text": row["status_text"]}


def compare_reports(earlier: Report, later: Report) -> dict:
    """The changes between two frozen reports, from their stored data."""
    return compare(earlier, state_of(earlier), later.as_of, state_of(later))


def since_previous(report: Report) -> dict | None:
    """The comparison stored with `report` when it was frozen (None if there was no
    earlier report); computed anew only if the stored file is missing."""
    data = stored_data(report)
    if data is not None:
        return data["seit_dem_letzten_bericht"]
    previous = previous_report(report)
    return compare_reports(previous, report) if previous else None
