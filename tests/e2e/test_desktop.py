"""The seed on a desktop screen (1280 px) in real Chromium: running text keeps lines a
reader can follow (at most 80 characters), while lists, cards and the Architektur use the
width beside it; the wordmark and the way to the city's site are in every header."""

import pytest

from measures.models import FieldOfAction, Measure

pytestmark = pytest.mark.e2e

DESKTOP = 1280
MAX_CHARACTERS = 80

PAGES = {
    "Startseite": lambda: "/",
    "Leitbild": lambda: "/leitbild/",
    "Teilstrategie": lambda: "/smart-city/",
    "Handlungsfeld": lambda: FieldOfAction.objects.published().first().get_absolute_url(),
    "Steckbrief": lambda: (
        Measure.objects.published()
        .filter(indicators__isnull=False, milestones__isnull=False)
        .first()
        .get_absolute_url()
    ),
    "Barrierefreiheit": lambda: "/barrierefreiheit/",
    "Datenschutz": lambda: "/datenschutz/",
}

# Each rendered line of text in the main content with more than `max` characters: the
# characters of each text node are grouped by the block that holds them and the line they
# sit on (their top edge), as the reader sees them. Tables, charts and code are no
# running text.
LONG_LINES_SCRIPT = """(max) => {
  const blockOf = el => {
    while (getComputedStyle(el).display.startsWith('inline')) el = el.parentElement;
    return el;
  };
  const lines = new Map();
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent.closest('table, svg, code, pre, .visually-hidden')) continue;
    const block = blockOf(parent);
    if (!lines.has(block)) lines.set(block, new Map());
    const rows = lines.get(block);
    const range = document.createRange();
    for (let i = 0; i < node.data.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      const top = Math.round(rect.top);
      const row = rows.get(top) || {count: 0, text: ''};
      row.count += 1;
      row.text += node.data[i];
      rows.set(top, row);
    }
  }
  const long = [];
  for (const rows of lines.values())
    for (const row of rows.values())
      if (row.text.trim().length > max) long.push(`${row.text.trim().length}: ${row.text.trim()}`);
  return long;
}"""

# How many of the selected elements sit side by side in the first row, and the width of
# their container.
ROW_SCRIPT = """(selector) => {
  // The columns the grid of each list lays out (those auto-fit leaves empty count too, so
  // what other tests add or remove does not matter); the list with the most counts.
  let best = {inRow: 0, width: 0};
  const lists = new Set([...document.querySelectorAll(selector)].map(el => el.parentElement));
  for (const list of lists) {
    const columns = getComputedStyle(list).gridTemplateColumns;
    const inRow = columns === "none" ? 1 : columns.split(" ").length;
    if (inRow > best.inRow) best = {inRow, width: list.getBoundingClientRect().width};
  }
  return best;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_running_text_keeps_lines_of_at_most_80_characters(name, seeded_site, page_at):
    page = page_at(DESKTOP)
    page.goto(seeded_site.url + PAGES[name]())
    long = page.evaluate(LONG_LINES_SCRIPT, MAX_CHARACTERS)
    assert long == [], f"{name}: Zeilen mit mehr als {MAX_CHARACTERS} Zeichen:\n" + "\n".join(
        long[:5]
    )


@pytest.mark.parametrize(
    ("path", "items", "at_least"),
    [
        ("/handlungsfelder/", ".cards > li", 3),
        ("/smart-city/", ".arch__pillars > li", 3),
        (
            lambda: FieldOfAction.objects.published().first().get_absolute_url(),
            ".measure-list > li",
            2,
        ),
        ("/massnahmen/", ".measure-list > li", 2),
    ],
)
def test_lists_of_cards_use_the_width(path, items, at_least, seeded_site, page_at):
    page = page_at(DESKTOP)
    page.goto(seeded_site.url + (path() if callable(path) else path))
    row = page.evaluate(ROW_SCRIPT, items)
    assert row["width"] >= 900, row
    assert row["inRow"] >= at_least, row


def test_the_steckbrief_shows_its_stand_and_facts_beside_the_text(seeded_site, page_at):
    page = page_at(DESKTOP)
    page.goto(seeded_site.url + PAGES["Steckbrief"]())
    text = page.locator(".with-side__main").bounding_box()
    side = page.locator(".with-side__side").bounding_box()
    assert side["x"] >= text["x"] + text["width"], (text, side)
    assert abs(side["y"] - text["y"]) < 5
    assert page.locator(".with-side__side #stand").is_visible()
    assert page.locator(".with-side__side #steckbrief").is_visible()


@pytest.mark.parametrize("width", [320, DESKTOP])
def test_the_header_carries_the_wordmark_and_the_way_to_the_citys_site(width, seeded_site, page_at):
    page = page_at(width)
    page.goto(seeded_site.url + "/handlungsfelder/")
    wordmark = page.locator("header .wordmark")
    assert wordmark.is_visible()
    assert wordmark.get_attribute("href") == "/"
    assert "Iserlohn digital" in wordmark.inner_text()
    city = page.get_by_role("link", name="Stadt Iserlohn – zur Website der Stadt")
    assert city.is_visible()
    assert city.get_attribute("href") == "https://www.iserlohn.de/"
    # Every Handlungsfeld with its symbol, which screen readers skip.
    cards = page.locator(".cards > li")
    assert cards.count() >= 12
    assert page.locator(".cards > li h3 svg.icon[aria-hidden='true']").count() == cards.count()
