"""Editors' Markdown is rendered through an allow-list: no script, event handler or
javascript: URL survives."""

import re

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


@pytest.mark.parametrize("payload", PAYLOADS)
def test_known_xss_payloads_are_neutralised(payload):
    html = render_markdown(payload)
    assert not DANGEROUS.search(html), html


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
