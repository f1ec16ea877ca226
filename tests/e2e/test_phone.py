"""The seed on a phone (320 px) in real Chromium: no page scrolls sideways, no word of a
table cell, card or heading is broken inside, and every chart of the dashboard shows its
values as text within the screen's width."""

import pytest

from measures.models import Measure

from .test_accessibility import WIDE_SCRIPT, assert_accessible, horizontal_overflow

pytestmark = pytest.mark.e2e

PHONE = 320

PAGES = {
    "Startseite": lambda: "/",
    "Umsetzungsstand": lambda: "/umsetzungsstand/",
    "Katalog": lambda: "/massnahmen/",
    "Steckbrief": lambda: (
        Measure.objects.published()
        .filter(indicators__isnull=False, milestones__isnull=False)
        .first()
        .get_absolute_url()
    ),
    "Handlungsfelder": lambda: "/handlungsfelder/",
    "Leitbild": lambda: "/leitbild/",
}

# Every word (split at spaces and after hyphens, dashes and slashes, where a line may
# end) of a table cell, card or heading whose text spans more than one line although it
# would fit on one: it was broken inside. Only a word wider than the whole line may break
# (hyphenated where the browser has a German dictionary, else at the edge); codes and
# URLs (code, .checksum) may break anywhere.
BROKEN_WORDS_SCRIPT = """() => {
  const holders = 'h1, h2, h3, th, td, .card, .measure-card, .figure, .bars, .roadmap-list';
  const lineWidth = el => {
    while (getComputedStyle(el).display.startsWith('inline')) el = el.parentElement;
    const style = getComputedStyle(el);
    return el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  };
  const broken = [];
  for (const holder of document.querySelectorAll(holders)) {
    const walker = document.createTreeWalker(holder, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent.closest('code, .checksum, .visually-hidden, svg')) continue;
      for (const match of node.data.matchAll(/[^\\s\\-\\u2010-\\u2014\\/\\u00ad]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()].filter(rect => rect.width > 0);
        const lines = new Set(rects.map(rect => Math.round(rect.top)));
        const width = rects.reduce((sum, rect) => sum + rect.width, 0);
        if (lines.size > 1 && width <= lineWidth(parent) + 1) broken.push(match[0]);
      }
    }
  }
  return [...new Set(broken)];
}"""

# Elements reaching past the screen's right edge, wherever they are (also in boxes that
# scroll on their own): what a visitor could only see by scrolling sideways.
OUTSIDE_SCRIPT = """(selector) => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll(selector)]
    .filter(el => el.getBoundingClientRect().right > width + 0.5
               || el.getBoundingClientRect().left < -0.5)
    .map(el => el.textContent.trim().slice(0, 40));
}"""


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_without_broken_words(name, seeded_site, page_at):
    page = page_at(PHONE)
    page.goto(seeded_site.url + PAGES[name]())
    assert horizontal_overflow(page) <= 0, (
        f"{name} scrollt bei {PHONE} px seitlich: {page.evaluate(WIDE_SCRIPT)}"
    )
    assert page.evaluate(BROKEN_WORDS_SCRIPT) == [], f"{name}: im Wort umbrochen"


def test_dashboard_shows_every_chart_value_as_text_on_a_phone(seeded_site, page_at):
    page = page_at(PHONE)
    page.goto(seeded_site.url + "/umsetzungsstand/")
    for chart in ("#nach-status", "#handlungsfelder"):
        rows = page.locator(f"section:has({chart}) .bars li")
        assert rows.count() >= 5
        for row in rows.all():
            value = row.locator(".bars__value")
            assert value.is_visible()
            assert value.inner_text().split()[0].isdigit(), row.inner_text()
    percentages = page.locator("section:has(#handlungsfelder) .bars__value").all_inner_texts()
    assert all(text.endswith("%") for text in percentages), percentages
    # The Zeitplan: each running measure with its start and end as text.
    plan = page.locator("section:has(#zeitplan) .roadmap-list li")
    assert plan.count() >= 5
    assert " bis " in plan.first.inner_text()
    assert plan.first.locator("a").is_visible()
    # No chart hides behind a box that scrolls sideways: each lies within the screen.
    charts = "section .bars, section .bars li, section .roadmap-list li"
    assert page.evaluate(OUTSIDE_SCRIPT, charts) == []
    assert page.locator(".chart-box.scroll").count() == 0
    # Nor does a table: what the phone shows of them fits the screen.
    wide = page.evaluate(
        "[...document.querySelectorAll('.scroll')].filter(box => box.offsetParent)"
        ".filter(box => box.scrollWidth > box.clientWidth).map(box => box.ariaLabel)"
    )
    assert wide == []
    # The Handlungsfelder's counts, which the wide table holds, are in the chart's rows.
    assert (
        "Maßnahmen, "
        in page.locator("section:has(#handlungsfelder) .bars__label").first.inner_text()
    )
    assert_accessible(page, f"Umsetzungsstand bei {PHONE} px")
