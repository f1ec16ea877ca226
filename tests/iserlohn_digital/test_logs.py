"""Every answer has a request id, which the 500 page shows and every log line carries; log
lines are JSON."""

import pytest

pytestmark = pytest.mark.django_db


def test_every_answer_has_a_request_id_that_the_500_page_shows(client, rf):
    from iserlohn_digital.views import server_error

    response = client.get("/")
    assert len(response["X-Request-ID"]) == 32
    assert client.get("/", HTTP_X_REQUEST_ID="abc123")["X-Request-ID"] == "abc123"
    assert client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"
    request = rf.get("/")
    request.id = "f00dcafe"
    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        page = server_error(request).content.decode()
    assert "f00dcafe" in page


def test_logs_are_json_lines_with_the_request_id(client, caplog):
    import json
    import logging

    from iserlohn_digital.logs import JsonFormatter, RequestIdFilter

    with caplog.at_level(logging.INFO, logger="iserlohn_digital.requests"):
        response = client.get("/impressum/")
    record = next(r for r in caplog.records if r.name == "iserlohn_digital.requests")
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/impressum/"
    assert line["status"] == 200
    assert line["request_id"] == response["X-Request-ID"]
