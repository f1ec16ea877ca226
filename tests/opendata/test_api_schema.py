"""Property-based testing of the API against its own OpenAPI document (schemathesis):
for every operation, generated requests get no 5xx and no answer that contradicts the
document."""

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings

from iserlohn_digital.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    call_command("load_seed", verbosity=0)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def test_every_operation_conforms_to_the_openapi_document(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def check(case):
            response = case.call_and_validate()
            assert response.status_code < 500

        check()
