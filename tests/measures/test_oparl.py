"""The OParl client against a local OParl server: a real HTTP server on 127.0.0.1 that
answers as a Ratsinformationssystem would (a Paper, a 404, HTML, another type, too much,
too late, a redirect to another host), no mock object."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from measures import oparl

PAPER = {
    "id": "will be set per server",
    "type": "https://schema.oparl.org/1.1/Paper",
    "name": "Digitalisierungsstrategie: Sachstand 2026",
    "reference": "V/2026/123",
    "date": "2026-03-12",
    "paperType": "Mitteilungsvorlage",
    "web": "https://ratsinfo.example/vo0050.asp?__kvonr=123",
}


class OParlHandler(BaseHTTPRequestHandler):
    """Answers as a Ratsinformationssystem would, one kind of answer per path."""

    def do_GET(self):
        server = self.server
        server.requests.append(self.path)
        if self.path == "/oparl/v1/paper/123":
            self._send(200, json.dumps(PAPER | {"id": server.url(self.path)}))
        elif self.path == "/oparl/v1/paper/meeting":
            meeting = {"type": "https://schema.oparl.org/1.1/Meeting", "name": "Rat"}
            self._send(200, json.dumps(meeting))
        elif self.path == "/oparl/v1/paper/html":
            self._send(200, "<!doctype html><title>Vorlage</title>", "text/html")
        elif self.path == "/oparl/v1/paper/large":
            self._send(200, json.dumps(PAPER | {"text": "x" * (oparl.MAX_BYTES + 1)}))
        elif self.path == "/oparl/v1/paper/slow":
            # Answers only when the test ends: the client has given up long before.
            server.released.wait(10)
            self._send(200, json.dumps(PAPER))
        elif self.path == "/oparl/v1/paper/moved":
            self.send_response(302)
            self.send_header("Location", server.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/oparl/v1/paper/moved-here":
            self.send_response(301)
            self.send_header("Location", "/oparl/v1/paper/123")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(404, json.dumps({"error": "not found"}))

    def _send(self, status, body, content_type="application/json"):
        data = body.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the slow answer)

    def log_message(self, format, *args):
        pass


class OParlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), OParlHandler)
        self.requests = []
        self.released = threading.Event()
        self.redirect_to = ""

    def url(self, path):
        return f"http://127.0.0.1:{self.server_port}{path}"


def _serving():
    server = OParlServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def ratsinfo(settings):
    """The city's Ratsinformationssystem (configured as OParl endpoint) and another host."""
    (server, thread), (other, other_thread) = _serving(), _serving()
    server.redirect_to = other.url("/oparl/v1/paper/123")
    settings.OPARL_ENDPOINT = server.url("/oparl/v1/system")
    settings.OPARL_TIMEOUT = 1
    yield server, other
    for each, each_thread in ((server, thread), (other, other_thread)):
        each.released.set()
        each.shutdown()
        each.server_close()
        each_thread.join()


def test_resolving_a_paper_gives_its_reference_name_date_and_web_page(ratsinfo):
    server, _ = ratsinfo
    paper = oparl.resolve_paper(server.url("/oparl/v1/paper/123"))
    assert paper == oparl.PaperData(
        reference="V/2026/123",
        name="Digitalisierungsstrategie: Sachstand 2026",
        date=datetime.date(2026, 3, 12),
        web_url="https://ratsinfo.example/vo0050.asp?__kvonr=123",
    )


def test_a_redirect_within_the_system_is_followed(ratsinfo):
    server, _ = ratsinfo
    assert oparl.resolve_paper(server.url("/oparl/v1/paper/moved-here")).reference == "V/2026/123"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/oparl/v1/paper/fehlt", "Unter dieser Adresse gibt es keine Vorlage (HTTP 404)."),
        ("/oparl/v1/paper/html", "keine OParl-Daten (JSON)"),
        ("/oparl/v1/paper/meeting", "keine Vorlage (OParl-Typ „Paper“), sondern"),
        ("/oparl/v1/paper/large", "zu groß für eine Vorlage"),
        ("/oparl/v1/paper/slow", "Das Ratsinformationssystem antwortet nicht"),
    ],
    ids=["404", "not-json", "wrong-type", "too-large", "timeout"],
)
def test_each_failure_is_a_german_validation_error(ratsinfo, path, message):
    server, _ = ratsinfo
    with pytest.raises(ValidationError) as error:
        oparl.resolve_paper(server.url(path))
    assert message in error.value.messages[0]


def test_a_redirect_to_another_host_is_not_followed(ratsinfo):
    server, other = ratsinfo
    with pytest.raises(ValidationError, match="nicht auf dem Ratsinformationssystem"):
        oparl.resolve_paper(server.url("/oparl/v1/paper/moved"))
    assert server.requests == ["/oparl/v1/paper/moved"]
    assert other.requests == []


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:{other}/oparl/v1/paper/123",  # another port
        "http://localhost:{port}/oparl/v1/paper/123",  # another host name
        "https://127.0.0.1:{port}/oparl/v1/paper/123",  # another scheme
        "ftp://127.0.0.1:{port}/oparl/v1/paper/123",
    ],
)
def test_an_address_on_another_host_is_refused_without_a_request(ratsinfo, address):
    server, other = ratsinfo
    url = address.format(port=server.server_port, other=other.server_port)
    with pytest.raises(ValidationError, match="nicht auf dem Ratsinformationssystem"):
        oparl.resolve_paper(url)
    assert server.requests == [] and other.requests == []


def test_without_an_endpoint_nothing_is_fetched(ratsinfo, settings):
    server, _ = ratsinfo
    settings.OPARL_ENDPOINT = ""
    with pytest.raises(ValidationError, match="nicht eingerichtet"):
        oparl.resolve_paper(server.url("/oparl/v1/paper/123"))
    assert server.requests == []
