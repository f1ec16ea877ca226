"""The measures' addresses accept only well-formed codes and slugs: anything else is a
plain 404 before it reaches the database."""

import pytest

from tests.builders import make_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/massnahmen/%00/",
        "/schlagworte/%00/",
        "/massnahmen/SC-1.1%00/",
        "/handlungsfelder/%00/",
        "/massnahmen/%00/steckbrief.pdf",
        "/einbetten/massnahmen/%00/",
        "/einbetten/massnahmen/SC-1.1%00/",
        "/einbetten/handlungsfelder/%00/",
    ],
)
def test_malformed_paths_are_404_not_500(client, path):
    make_world(1)
    assert client.get(path).status_code == 404
