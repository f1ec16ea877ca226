"""The status cards in a real browser, framed by a page of another origin (a second HTTP
server on 127.0.0.1, the portal on localhost): the cards render, a normal page of the
portal is refused; the Steckbrief's "Code kopieren" puts the code on the clipboard."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from measures.models import FieldOfAction, Measure

pytestmark = pytest.mark.e2e


@contextmanager
def other_site(body: str):
    """Serves one HTML page at http://127.0.0.1:<port>/, another origin than the portal's."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            content = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def frames_page(urls: dict) -> str:
    frames = "\n".join(
        f'<iframe name="{name}" src="{url}" title="{name}" width="300" height="400"></iframe>'
        for name, url in urls.items()
    )
    return f'<!doctype html><html lang="de"><title>Andere Website</title>{frames}</html>'


def frame_heading(page, name):
    """The h1 of the frame `name` once its document has loaded; None if the browser
    refused to show the portal's page there (Chromium shows its own error page)."""
    frame = page.locator(f'iframe[name="{name}"]').element_handle().content_frame()
    frame.wait_for_load_state()
    if not frame.url.startswith("http://localhost"):
        return None
    heading = frame.locator("h1")
    return heading.text_content() if heading.count() else None


def test_another_site_shows_the_cards_but_not_the_portals_pages(seeded_site, browser):
    measure = Measure.objects.published().order_by("code").first()
    field = FieldOfAction.objects.published().order_by("code").first()
    portal = seeded_site.url
    urls = {
        "massnahme": f"{portal}/einbetten/massnahmen/{measure.code}/",
        "handlungsfeld": f"{portal}/einbetten/handlungsfelder/{field.slug}/",
        "umsetzungsstand": f"{portal}/einbetten/umsetzungsstand/",
        "steckbrief": f"{portal}{measure.get_absolute_url()}",
        "start": f"{portal}/",
    }
    context = browser.new_context()
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    with other_site(frames_page(urls)) as address:
        page.goto(address)
        page.wait_for_load_state("load")
        assert frame_heading(page, "massnahme") == measure.title
        assert frame_heading(page, "handlungsfeld") == field.name
        assert frame_heading(page, "umsetzungsstand") == "Umsetzungsstand"
        assert frame_heading(page, "steckbrief") is None
        assert frame_heading(page, "start") is None
        # Readable in a frame 300 px wide: nothing reaches past its right edge.
        for name in ("massnahme", "handlungsfeld", "umsetzungsstand"):
            frame = page.locator(f'iframe[name="{name}"]').content_frame
            overflow = frame.locator("html").evaluate("html => html.scrollWidth - html.clientWidth")
            assert overflow <= 0, (name, overflow)
        # The card's link opens the Steckbrief in the whole window, not in the frame.
        page.locator('iframe[name="massnahme"]').content_frame.locator("a").click()
        page.wait_for_url(urls["steckbrief"])
    context.close()
    assert any("frame-ancestors 'none'" in text for text in refused), refused


def test_cards_are_refused_to_sites_not_in_the_list(seeded_site, browser, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://www.iserlohn.de"]
    url = f"{seeded_site.url}/einbetten/umsetzungsstand/"
    context = browser.new_context()
    page = context.new_page()
    with other_site(frames_page({"umsetzungsstand": url})) as address:
        page.goto(address)
        page.wait_for_load_state("load")
        assert frame_heading(page, "umsetzungsstand") is None
    context.close()


def test_the_copy_button_puts_the_embed_code_on_the_clipboard(seeded_site, browser):
    measure = Measure.objects.published().order_by("code").first()
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(seeded_site.url + measure.get_absolute_url())
    button = page.get_by_role("button", name="Code kopieren")
    button.click()
    page.wait_for_function(
        "document.getElementById('einbettungscode-status').textContent !== ''", timeout=5000
    )
    assert page.text_content("#einbettungscode-status") == "Der Code ist kopiert."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.input_value("#einbettungscode")
    assert f"/einbetten/massnahmen/{measure.code}/" in copied
    context.close()
