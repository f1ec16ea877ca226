"""The client's address behind the reverse proxy, and the admin lockout that uses it."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from iserlohn_digital.clientip import client_ip

PASSWORD = "ein-langes-passwort-123"
PROXY = "10.0.0.1"


def address(forwarded=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address("203.0.113.5") == PROXY
    assert address() == PROXY


def test_one_proxy_the_client_is_the_last_forwarded_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert address("203.0.113.5") == "203.0.113.5"
    assert address("2001:db8::1") == "2001:db8::"  # its /64 network
    assert address() == PROXY  # reached the app directly, past the proxy


def test_spoofed_left_entries_are_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "1.2.3.4, 5.6.7.8" itself; the proxy appended the real address.
    assert address("1.2.3.4, 5.6.7.8, 203.0.113.5") == "203.0.113.5"


def test_two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # client -> CDN (appends client) -> TLS proxy (appends CDN) -> app
    assert address("1.2.3.4, 203.0.113.5, 192.0.2.10") == "203.0.113.5"
    assert address("203.0.113.5, 192.0.2.10") == "203.0.113.5"
    assert address("192.0.2.10") == "192.0.2.10"  # shorter chain: its first entry


def test_empty_and_garbage_entries(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert address(" 203.0.113.5 , ,") == "203.0.113.5"
    assert address("203.0.113.5:4711") == "203.0.113.5"
    assert address("[2001:db8::1]:443") == "2001:db8::"
    assert address("198.51.100.1, kein-ip") == "198.51.100.1"
    assert address("unknown") == PROXY
    assert address("") == PROXY


@pytest.mark.django_db
def test_lockout_behind_the_proxy_is_per_client(django_user_model, settings):
    """Every request comes from the proxy's address; a stranger failing for "red" locks out
    only himself, not the real editor at another address."""
    settings.TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user("red", password=PASSWORD, is_staff=True)
    url = reverse("admin:login")
    stranger = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert stranger.post(url, {"username": "red", "password": "falsch"}).status_code == 200
    assert stranger.post(url, {"username": "red", "password": "falsch"}).status_code == 429
    # Made-up addresses in front of his own do not get him out of the lockout.
    spoofed = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.66")
    assert spoofed.post(url, {"username": "red", "password": PASSWORD}).status_code == 429

    editor = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = editor.post(url, {"username": "red", "password": PASSWORD})
    assert response.status_code != 429
    if settings.OTP_REQUIRED:  # the password is accepted; the second factor is asked next
        assert response.status_code == 200
        assert "Code aus der Authenticator-App" in response.content.decode()
    else:
        assert response.status_code == 302


def test_an_ipv6_client_counts_as_its_64_network(rf, settings):
    """Changing addresses within one's own /64 escapes no limit."""
    from iserlohn_digital.clientip import client_ip

    settings.TRUSTED_PROXY_COUNT = 0
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::17")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff:1:2:3")
    elsewhere = rf.get("/", REMOTE_ADDR="2001:db8:1:3::17")
    assert client_ip(one) == client_ip(other) == "2001:db8:1:2::"
    assert client_ip(elsewhere) != client_ip(one)
    assert client_ip(rf.get("/", REMOTE_ADDR="::ffff:192.0.2.5")) == "192.0.2.5"
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.5")) == "192.0.2.5"
