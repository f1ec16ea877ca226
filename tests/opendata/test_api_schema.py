"""Property-based testing of the API against its own OpenAPI document (schemathesis):
for every operation, generated requests get no 5xx and no answer that contradicts the
document."""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    call_command("load_seed", verbosity=0)
    # Requests go straight to the WSGI application; like Django's test client, keep it
    # from closing the test's database connection at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # The application as the settings of the test run configure it.
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_conforms_to_the_openapi_document(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case):
            # The WSGI transport does not unpack gzip, which the portal otherwise sends.
            response = case.call_and_validate(headers={"Accept-Encoding": "identity"})
            assert response.status_code < 500

        check()
