"""Resolving a Vorlage (OParl 1.1 Paper) of the city's Ratsinformationssystem.

Only the admin calls this, when an editor pastes an OParl address into a council
document; no public page ever fetches from the council's system. Only addresses on the
configured endpoint's origin (scheme, host and port) are fetched, redirects only within
it: the admin is no door to other hosts (SSRF).
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date

PAPER_TYPE = "https://schema.oparl.org/1.1/Paper"
# A Paper is a few kilobytes; more is not a Paper.
MAX_BYTES = 1024 * 1024

NOT_CONFIGURED = "Der Abruf über OParl ist nicht eingerichtet; bitte die Felder von Hand füllen."
OTHER_HOST = (
    "Die Adresse liegt nicht auf dem Ratsinformationssystem der Stadt ({origin}); "
    "nur von dort wird abgerufen."
)
NOT_FOUND = "Unter dieser Adresse gibt es keine Vorlage (HTTP {status})."
UNREACHABLE = "Das Ratsinformationssystem antwortet nicht; bitte später erneut versuchen."
NOT_JSON = "Das Ratsinformationssystem hat keine OParl-Daten (JSON) geliefert."
NOT_A_PAPER = "Unter dieser Adresse steht keine Vorlage (OParl-Typ „Paper“), sondern „{type}“."
TOO_LARGE = "Die Antwort des Ratsinformationssystems ist zu groß für eine Vorlage."
INCOMPLETE = "Der Vorlage im Ratsinformationssystem fehlen Name oder Nummer."


@dataclass(frozen=True)
class PaperData:
    reference: str
    name: str
    date: date | None
    web_url: str


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def is_configured() -> bool:
    return bool(settings.OPARL_ENDPOINT)


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only within the endpoint's origin."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(newurl) != _origin(settings.OPARL_ENDPOINT):
            raise ValidationError(OTHER_HOST.format(origin=_display_origin()))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _display_origin() -> str:
    scheme, host, port = _origin(settings.OPARL_ENDPOINT)
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port == default else f":{port}")


def resolve_paper(url: str) -> PaperData:
    """The Vorlage at OParl address `url`: its number, name, date and web page.

    Raises a ValidationError with a German message for every failure (not configured,
    another host, no answer, not found, not JSON, not a Paper, too large).
    """
    if not is_configured():
        raise ValidationError(NOT_CONFIGURED)
    if _origin(url) != _origin(settings.OPARL_ENDPOINT):
        raise ValidationError(OTHER_HOST.format(origin=_display_origin()))
    opener = urllib.request.build_opener(_SameOriginRedirects)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with opener.open(request, timeout=settings.OPARL_TIMEOUT) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise ValidationError(NOT_FOUND.format(status=error.code)) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ValidationError(UNREACHABLE) from error
    if len(body) > MAX_BYTES:
        raise ValidationError(TOO_LARGE)
    try:
        paper = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(NOT_JSON) from error
    if not isinstance(paper, dict):
        raise ValidationError(NOT_JSON)
    if paper.get("type") != PAPER_TYPE:
        raise ValidationError(NOT_A_PAPER.format(type=paper.get("type") or "ohne Typ"))
    name, reference = paper.get("name"), paper.get("reference")
    if not isinstance(name, str) or not isinstance(reference, str):
        raise ValidationError(INCOMPLETE)
    if not name.strip() or not reference.strip():
        raise ValidationError(INCOMPLETE)
    raw_date, web = paper.get("date"), paper.get("web")
    try:
        paper_date = parse_date(raw_date[:10]) if isinstance(raw_date, str) else None
    except ValueError:
        paper_date = None
    web_url = web if isinstance(web, str) and _origin(web)[0] in ("http", "https") else url
    return PaperData(
        reference=reference.strip(), name=name.strip(), date=paper_date, web_url=web_url
    )
