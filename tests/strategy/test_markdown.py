"""Editors' Markdown is rendered through an allow-list: no script, event handler or
javascript: URL survives."""

import re
import sys
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strategy.templatetags.portal import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    '<a href="javascript&colon;alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=//example.org></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<details open ontoggle=alert(1)>",
    '![x](x" onerror="alert(1))',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<object data=javascript:alert(1)>",
]

DANGEROUS = re.compile(
    r"<script|<iframe|<svg|<object|<form|<style|\son\w+\s*=|javascript:|data:", re.IGNORECASE
)


class ActiveContent(HTMLParser):
    """What a browser would run: dangerous elements, event handlers, script URLs. Text
    that merely reads like a payload (a refused link stays as its text) is not."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "svg", "object", "form", "style", "img", "math"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(name)
            elif DANGEROUS.search((value or "").replace(" ", "")):
                self.found.append(f"{name}={value}")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_known_xss_payloads_are_neutralised(payload):
    html = render_markdown(payload)
    assert ActiveContent(html).found == [], html


def test_ordinary_markdown_survives():
    html = render_markdown("**fett** und [Link](https://example.org)\n\n- eins\n- zwei")
    assert "<strong>fett</strong>" in html
    assert '<a href="https://example.org" rel="noopener">Link</a>' in html
    assert "<li>eins</li>" in html


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/:;()[]! ajvscriptonerlimgsvhf")), max_size=80))
def test_generated_text_never_yields_active_content(text):
    html = render_markdown(text)
    assert not re.search(r"<(script|iframe|svg|object|form|style)", html, re.IGNORECASE)
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.IGNORECASE)
    assert not re.search(r"href=\"\s*javascript:", html, re.IGNORECASE)


def parser_calls(text: str) -> int:
    """The work of rendering `text`, counted in Python function calls (not time)."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count)
    try:
        render_markdown(text)
    finally:
        sys.setprofile(None)
    return calls


@pytest.mark.parametrize("unit", ["[", "![", "[a](", "1. ", "> ", "<a ", "- ", "*a"])
def test_pathological_text_costs_linear_work(unit):
    # Twice the text costs about twice the work: a parser quadratic in "[" let one saved
    # description hold up its page for minutes, and deeply nested lists crashed it.
    assert parser_calls(unit * 4000) < 2.5 * parser_calls(unit * 2000)


def test_headings_move_below_the_heading_the_text_stands_under():
    text = "### Erster Teil\n\nText\n\n#### Einzelheit\n\n### Zweiter Teil"

    assert render_markdown(text, below=1) == (
        "<h2>Erster Teil</h2>\n<p>Text</p>\n<h3>Einzelheit</h3>\n<h2>Zweiter Teil</h2>\n"
    )
    assert "<h3>Erster Teil</h3>" in render_markdown(text)
