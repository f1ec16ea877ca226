"""The Redis cache: one client shared by app servers, and a Redis that is away or hung
(accepts connections, never answers) passed over."""

import logging
import time
from types import SimpleNamespace

import pytest


def test_the_shared_redis_cache_keeps_one_client_and_works_across_instances():
    """Two app servers share Redis: what one caches, the other reads (Redis runs beside
    the tests, as in CI)."""
    import socket

    from iserlohn_digital.cache import SharedClientRedisCache

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis läuft nicht auf 127.0.0.1:6379 (CI startet ihn in .ci/run).")
    location = "redis://127.0.0.1:6379/13"
    one = SharedClientRedisCache(location, {"KEY_PREFIX": "test-shared"})
    other = SharedClientRedisCache(location, {"KEY_PREFIX": "test-shared"})
    one.set("page", b"Inhalt", 30)
    assert other.get("page") == b"Inhalt"
    assert one._cache.get_client() is one._cache.get_client(write=True)
    other.delete("page")
    assert one.get("page") is None

    away = SharedClientRedisCache("redis://127.0.0.1:1/0", {})  # nothing listens there
    away.set("page", b"Inhalt", 30)
    assert away.get("page", "nichts") == "nichts"


def test_a_hung_redis_is_passed_over_after_one_timeout_and_logged_once(
    silent_server, caplog, monkeypatch
):
    from iserlohn_digital import cache as cache_module
    from iserlohn_digital.cache import SharedClientRedisCache

    # The breaker's clock stands still: however slow the machine, the calls below fall
    # within its BREAKER_SECONDS.
    now = time.monotonic()
    monkeypatch.setattr(cache_module, "time", SimpleNamespace(monotonic=lambda: now))
    cache = SharedClientRedisCache(
        f"redis://127.0.0.1:{silent_server.port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )
    with caplog.at_level(logging.WARNING, logger="iserlohn_digital.cache"):
        assert cache.get("seite") is None
        asked = len(silent_server.accepted)
        assert asked == 1
        for _ in range(20):
            assert cache.get("seite", "fehlt") == "fehlt"
            cache.set("seite", b"inhalt")
            assert cache.add("sperre", 1) is False
        assert len(silent_server.accepted) == asked  # the breaker kept the calls away
    warnings = [r for r in caplog.records if r.name == "iserlohn_digital.cache"]
    assert len(warnings) == 1
    assert warnings[0].exc_info is None
