"""Property-based fuzzing of every public URL pattern of the site with its query
parameters: never a 5xx."""

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

SEGMENT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "SC-1.1",
            "EG-1.1",
            "SC-Z1",
            "SC-Z1.1",
            "bildung",
            "open-data",
            "..",
            "%00",
            "SC-1.99999",
            "smart-city",
            "ä",
            "a" * 300,
        ]
    ),
)
PATTERNS = [
    "/{}/",
    "/ziele/{}/",
    "/handlungsfelder/{}/",
    "/massnahmen/{}/",
    "/massnahmen/{}/steckbrief.pdf",
    "/einbetten/massnahmen/{}/",
    "/einbetten/handlungsfelder/{}/",
    "/schlagworte/{}/",
    "/daten/massnahmen/{}/meilensteine.ics",
    "/daten/massnahmen/{}/statusmeldungen.atom",
    "/daten/handlungsfelder/{}/statusmeldungen.atom",
    "/api/v1/measures/{}",
    "/api/v1/goals/{}",
    "/api/v1/fields/{}",
    "/benachrichtigungen/bestaetigen/{}/",
    "/benachrichtigungen/abmelden/{}/",
    "/benachrichtigungen/verwalten/{}/",
]
FIXED = [
    "/",
    "/leitbild/",
    "/massnahmen/",
    "/massnahmen/export.csv",
    "/umsetzungsstand/",
    "/einbetten/umsetzungsstand/",
    "/handlungsfelder/",
    "/schlagworte/",
    "/downloads/sachstandsbericht.pdf",
    "/daten/",
    "/api/v1/measures",
    "/api/v1/updates",
    "/sitemap.xml",
    "/impressum/",
    "/benachrichtigungen/",
]
PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "q",
            "status",
            "seite",
            "page",
            "stichtag",
            "seit",
            "zeitraum",
            "sortierung",
            "measure",
            "x",
        ]
    ),
    st.text(max_size=20),
    max_size=4,
)


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


NUL_PATHS = [
    "/api/v1/updates?measure=%00",
    "/api/v1/milestones?measure=%00",
    "/api/v1/measures/%00",
    "/api/v1/goals/%00",
    "/api/v1/fields/%00",
    "/api/v1/measures?q=%00&einheit=%00",
    "/downloads/sachstandsbericht.pdf?stichtag=%00",
    "/massnahmen/?q=%00&schlagwort=%00",
    "/massnahmen/export.pdf?q=%00",
    "/massnahmen/%00/",
    "/%00/",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_nul_bytes_are_refused_not_failed(client, db, path):
    # PostgreSQL rejects text with NUL bytes; they must be stopped before the query.
    assert client.get(path).status_code in (200, 400, 404)
