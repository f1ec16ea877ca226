"""Browser tests: Playwright driving the system's Chromium against the live test server."""

import os
import shutil

import pytest
from django.core.management import call_command
from django.test.testcases import LiveServerThread
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in the test thread; the test's own database
# work (setting up data) happens there too and is safe, as nothing else runs in it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium fehlt: apt-get install chromium (CI installiert es in .ci/run).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _through(handler):
    return handler


@pytest.fixture(scope="session")
def portal_server(django_db_setup, collected_static_files):
    """The live server as production runs it: static files come through WhiteNoise from
    the collected, hashed files, not from Django's development finders."""
    server = LiveServer("localhost", start=False)
    server.thread = LiveServerThread(
        "localhost",
        static_handler=_through,
        connections_override=server.thread.connections_override,
    )
    server.thread.daemon = True
    server._live_server_modified_settings.enable()
    server.start()
    yield server
    server.stop()
    server._live_server_modified_settings.disable()


@pytest.fixture
def seeded_server(portal_server, transactional_db):
    """The live server with the seed, for a test that writes: loaded for it alone and
    removed after it (transactional_db flushes the database)."""
    _recreate_groups()
    call_command("load_seed", verbosity=0)
    return portal_server


@pytest.fixture(scope="package")
def seed_for_reading(portal_server, django_db_blocker):
    """The seed, loaded and committed once for the browser tests that only read (the live
    server's own connection sees it) and flushed after the last of them."""
    with django_db_blocker.unblock():
        _recreate_groups()
        call_command("load_seed", verbosity=0)
    yield portal_server
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded_site(request, seed_for_reading, django_db_blocker):
    """The live server with the seed, for a test that only reads: pages, forms with
    errors, nothing that writes to the database. The seed is shared with the other such
    tests; the test itself may query it."""
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        pytest.fail("seeded_site brings its own committed data; the test needs no db fixture.")
    with django_db_blocker.unblock():
        yield seed_for_reading


def _recreate_groups():
    """Browser tests flush the database after each test; the Redaktion and Fachbereich
    groups are made again the way every migrate makes them."""
    from iserlohn_digital.roles import apply_roles

    apply_roles()


@pytest.fixture
def page_at(browser):
    """Opens pages at a given viewport width; closes them after the test, which fails if
    the browser reported any Content Security Policy violation on any of them."""
    contexts, violations = [], []

    def record(message):
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            violations.append(message.text)

    def open_page(width):
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.on("console", record)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not violations, "CSP-Verstöße:\n" + "\n".join(violations[:10])
