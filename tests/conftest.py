import datetime
import os
import socket
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# The test client speaks plain HTTP, also in the processes some tests start.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("PDF_RENDER_LOCK_DIR", tempfile.mkdtemp(prefix="iserlohn-pdf-tests-"))

# No test depends on how fast the machine is: Hypothesis sets no deadline per example and
# does not fail a test whose examples are slow to generate (tests may still set more).
hypothesis_settings.register_profile(
    "portal", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("portal")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLite tests run on a database file of their own, as `make run` does, not in
    memory: the task worker and the web server then use connections of their own, with
    the locking and waiting of production (tests/worker.py runs a worker beside them)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = Path(tempfile.mkdtemp(prefix="iserlohn-test-db-"))
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def fast_test_settings():
    """What only slows tests down: a password hash that costs a second on purpose, and
    compressing every static file before the first test. No test is about either."""
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SECURE_SSL_REDIRECT=False,
        # Tests fetch many PDFs from one address; tests/measures/test_pdf_limits.py sets
        # the production budget where it is the subject.
        PDF_RENDERS_PER_CLIENT=1000,
        # A visitor's first request for a PDF does not wait for the worker: tests run the
        # queued renders themselves (tests/worker.py).
        PUBLICATION_WAIT=0,
        # Renders after a change are due at once; tests of the delay set it themselves.
        PUBLICATION_DEBOUNCE=datetime.timedelta(0),
        # Renders of this run take slots of its own: another run, or `make run`, on the same
        # machine does not make its PDFs wait.
        PDF_RENDER_LOCK_DIR=os.environ["PDF_RENDER_LOCK_DIR"],
        # Frozen reports of the tests never land in the project's media folder.
        MEDIA_ROOT=tempfile.mkdtemp(prefix="iserlohn-media-tests-"),
        STORAGES=settings.STORAGES
        | {
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            }
        },
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def collected_static_files(fast_test_settings):
    """Pages link hashed static files from the manifest, as in production; collect them
    once per run so tests see the current CSS and fonts."""
    call_command("collectstatic", interactive=False, verbosity=0)


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected, not skipped, on other databases."""
    if connection.vendor == "postgresql":
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def shared_by_class(request, django_db_blocker, build):
    """For a class-scoped fixture (`yield from`): the data `build` writes is made once,
    before the first test of the class, in a transaction that stays open while the class's
    tests run and is rolled back after the last one; yields what `build` returns.

    Each test runs in a savepoint inside it (pytest-django's `db`, as Django's TestCase
    nests in setUpTestData's transaction), so what one test writes the next does not see.
    Caches are still emptied per test (empty_cache). Every test of the class must use `db`,
    none `transactional_db` or a live server, which would run inside the open transaction
    (or, sorted elsewhere by pytest-django, split the class)."""
    from django.db import transaction

    _check_the_class(request)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # as Django's own: durable blocks in tests stay possible
        outer.__enter__()
        try:
            data = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _check_the_class(request):
    if request.cls is None:
        pytest.fail(f"{request.fixturename} shares data within a class; use it in one.")
    for item in request.session.items:
        if getattr(item, "cls", None) is not request.cls:
            continue
        marker = item.get_closest_marker("django_db")
        transactional = bool({"transactional_db", "live_server"} & set(item.fixturenames))
        if marker is not None:
            transactional |= bool(marker.kwargs.get("transaction", (*marker.args, False)[0]))
        if transactional or (marker is None and "db" not in item.fixturenames):
            pytest.fail(f"{item.nodeid} must use `db`, as the others of its class share data.")


def load_seed():
    call_command("load_seed", verbosity=0)


@pytest.fixture(scope="class")
def seed_for_the_class(request, django_db_setup, django_db_blocker):
    """The seed data, loaded once for the tests of a class (see shared_by_class)."""
    yield from shared_by_class(request, django_db_blocker, load_seed)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the content version starts anew with each
    test's database, so cached PDFs and pages of one test must not meet another."""
    for cache in caches.all():
        cache.clear()


def login_with_second_factor(client, user):
    """Signs the user in as after password and TOTP code (the admin requires both)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "Test"})
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def signed_in_staff(django_user_model, username, group, units=()):
    """A staff account of the group ("Redaktion" or "Fachbereich"), member of `units`, and a
    client signed in with it (second factor included)."""
    from django.contrib.auth.models import Group
    from django.test import Client

    user = django_user_model.objects.create_user(
        username, password="ein-langes-passwort-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    for unit in units:
        unit.members.add(user)
    return login_with_second_factor(Client(), user), user


@pytest.fixture
def admin_client_logged_in(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "redaktion", "redaktion@example.org", "ein-langes-passwort-123"
    )
    return login_with_second_factor(client, user)


def run_django(script: str, database_url: str, **variables) -> str:
    """Runs `script` in a new Python process with the portal's settings and the given
    database (one the test makes unreachable); returns what it printed. The timeout only
    guards the test run against a hang; nothing measures speed."""
    import subprocess
    import sys

    env = os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "iserlohn_digital.settings",
        "SECRET_KEY": "nur-fuer-diesen-test",
        "ALLOWED_HOSTS": "localhost",
        "SECURE_SSL_REDIRECT": "0",
        **variables,
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return result.stdout


class SilentServer:
    """Takes TCP connections and never says a word (a hung database or Redis).

    The system completes a connection on its own and keeps it queued until taken, so the
    count of connections made does not depend on a thread of the test being scheduled in
    time."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self._taken = []

    @property
    def accepted(self):
        """The connections made so far."""
        while True:
            try:
                self._taken.append(self.listener.accept()[0])
            except BlockingIOError:
                return list(self._taken)

    def close(self):
        for accepted in self.accepted:
            accepted.close()
        self.listener.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()
