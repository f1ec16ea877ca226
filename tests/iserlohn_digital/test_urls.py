"""Property-based fuzzing of every public URL pattern with its query parameters, and of
the public form posts: never a 5xx, and nothing written for invalid input."""

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from strategy.models import BarrierReport

SEGMENT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["SC-1.1", "EG-1.1", "SC-Z1", "SC-Z1.1", "bildung", "open-data",
                     "..", "%00", "SC-1.99999", "smart-city", "ä", "a" * 300]),
)  # fmt: skip
PATTERNS = [
    "/{}/", "/ziele/{}/", "/handlungsfelder/{}/", "/massnahmen/{}/",
    "/massnahmen/{}/steckbrief.pdf", "/schlagworte/{}/", "/daten/massnahmen/{}/meilensteine.ics",
    "/daten/massnahmen/{}/statusmeldungen.atom", "/daten/handlungsfelder/{}/statusmeldungen.atom",
    "/api/v1/measures/{}", "/api/v1/goals/{}", "/api/v1/fields/{}",
]  # fmt: skip
FIXED = [
    "/", "/leitbild/", "/massnahmen/", "/massnahmen/export.csv", "/umsetzungsstand/",
    "/handlungsfelder/", "/schlagworte/", "/downloads/sachstandsbericht.pdf", "/daten/",
    "/api/v1/measures", "/api/v1/updates", "/sitemap.xml", "/impressum/",
]  # fmt: skip
PARAMS = st.dictionaries(
    st.sampled_from(["q", "status", "seite", "page", "stichtag", "seit", "zeitraum",
                     "sortierung", "measure", "x"]),
    st.text(max_size=20),
    max_size=4,
)  # fmt: skip


def _safe(text):
    # The test client builds a WSGI environ; a path must be encodable as such.
    return text.replace("/", "").replace("?", "").replace("#", "")


class PublicUrlFuzzTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_seed", verbosity=0)

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(pattern=st.sampled_from(PATTERNS), segment=SEGMENT, params=PARAMS)
    def test_patterns_with_any_segment_never_give_a_server_error(self, pattern, segment, params):
        path = pattern.format(_safe(segment) or "x")
        response = self.client.get(path, params)
        self.assertLess(response.status_code, 500, (path, params))

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(path=st.sampled_from(FIXED), params=PARAMS)
    def test_pages_with_any_query_never_give_a_server_error(self, path, params):
        response = self.client.get(path, params)
        self.assertLess(response.status_code, 500, (path, params))


class FormPostFuzzTest(TestCase):
    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        data=st.fixed_dictionaries(
            {},
            optional={
                "page": st.text(max_size=600),
                "description": st.text(max_size=50),
                "email": st.text(max_size=40),
                "name": st.text(max_size=250),
            },
        )
    )
    def test_feedback_form_never_fails_and_writes_only_valid_reports(self, data):
        before = BarrierReport.objects.count()
        response = self.client.post("/barriere-melden/", data, REMOTE_ADDR="10.1.2.3")
        self.assertLess(response.status_code, 500)
        if response.status_code != 302:
            self.assertEqual(BarrierReport.objects.count(), before)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(username=st.text(max_size=40), password=st.text(max_size=40))
    def test_admin_login_never_fails(self, username, password):
        response = self.client.post("/admin/login/", {"username": username, "password": password})
        self.assertLess(response.status_code, 500)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused_not_failed(client, method, db):
    assert getattr(client, method)("/massnahmen/").status_code == 405


NUL_PATHS = [
    "/api/v1/updates?measure=%00", "/api/v1/milestones?measure=%00", "/api/v1/measures/%00",
    "/api/v1/goals/%00", "/api/v1/fields/%00", "/api/v1/measures?q=%00&einheit=%00",
    "/downloads/sachstandsbericht.pdf?stichtag=%00", "/massnahmen/?q=%00&schlagwort=%00",
    "/massnahmen/export.pdf?q=%00", "/massnahmen/%00/", "/%00/",
]  # fmt: skip


@pytest.mark.parametrize("path", NUL_PATHS)
def test_nul_bytes_are_refused_not_failed(client, db, path):
    # PostgreSQL rejects text with NUL bytes; they must be stopped before the query.
    assert client.get(path).status_code in (200, 400, 404)
