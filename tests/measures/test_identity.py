"""The portal's identity: the wordmark and the way to the city's own site."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_every_page_carries_the_wordmark_and_a_link_to_the_citys_site():
    html = Client().get("/handlungsfelder/").content.decode()
    wordmark = re.search(r'<a class="wordmark" href="/">(.*?)</a>', html, re.S)
    assert wordmark and 'Iserlohn <span class="wordmark__digital">digital</span>' in wordmark[1]
    city = re.search(r'<a class="top-bar__city" href="https://www.iserlohn.de/">(.*?)</a>', html)
    assert city and "Stadt Iserlohn" in city[1] and "Website der Stadt" in city[1]
