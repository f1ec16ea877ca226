"""Page weight as a visitor's browser sees it (Chromium, DevTools protocol): the first visit
of every public page transfers at most 150 KB, compressed, in at most 12 requests, fonts
included; on the next visit no static file comes over the network again."""

import pytest

from tests.e2e.test_accessibility import PAGES

pytestmark = pytest.mark.e2e

MAX_BYTES = 150 * 1024
MAX_REQUESTS = 12


class NetworkLog:
    """What went over the network for one page, from Chromium's own network events."""

    def __init__(self, page):
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.reset()
        self.session.on("Network.requestWillBeSent", self._sent)
        self.session.on("Network.requestServedFromCache", self._from_cache)
        self.session.on("Network.responseReceived", self._received)
        self.session.on("Network.loadingFinished", self._finished)

    def reset(self):
        self.urls, self.cached, self.network, self.bytes = {}, set(), {}, {}

    def _sent(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]

    def _from_cache(self, event):
        self.cached.add(event["requestId"])

    def _received(self, event):
        response = event["response"]
        if not (response.get("fromDiskCache") or response.get("fromPrefetchCache")):
            self.network[event["requestId"]] = response["url"]

    def _finished(self, event):
        self.bytes[event["requestId"]] = event["encodedDataLength"]

    def downloaded_static(self):
        return sorted(
            url
            for request_id, url in self.network.items()
            if "/static/" in url and request_id not in self.cached
        )


def test_first_visit_is_light_and_a_repeat_visit_downloads_no_static_file(seeded_site, browser):
    problems, weights = [], {}
    for name, path_for in PAGES.items():
        path = path_for()
        context = browser.new_context()  # an empty browser cache: a first visit
        page = context.new_page()
        log = NetworkLog(page)
        try:
            page.goto(seeded_site.url + path, wait_until="networkidle")
            # The browser's own video controls draw from data: addresses, not the network.
            requests = [url for url in log.urls.values() if not url.startswith("data:")]
            total = sum(log.bytes.values())
            weights[name] = (len(requests), round(total / 1024))
            if len(requests) > MAX_REQUESTS:
                problems.append(f"{path}: {len(requests)} Anfragen: {requests}")
            if total > MAX_BYTES:
                problems.append(f"{path}: {total / 1024:.0f} KB übertragen")
            if not any("/static/" in url for url in requests):
                problems.append(f"{path}: lädt kein CSS")

            log.reset()
            page.goto(seeded_site.url + path, wait_until="networkidle")
            if not log.urls:
                problems.append(f"{path}: der zweite Besuch fragt die Seite nicht an")
            if again := log.downloaded_static():
                problems.append(f"{path}: beim zweiten Besuch erneut geladen: {again}")
        finally:
            context.close()
    assert not problems, "\n".join(problems) + f"\n(Anfragen, KB): {weights}"
    print("Seitengewicht beim ersten Besuch (Anfragen, KB):", weights)
