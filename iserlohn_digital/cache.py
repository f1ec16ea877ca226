"""Django's Redis cache, keeping one client per connection pool, and failing soft.

Django's client builds a new `redis.Redis` for every cache call, which registers its
response callbacks each time; that cost a third of a cached page. A `redis.Redis` is
safe to share between threads (it takes a connection from its pool for each command).

Everything the portal caches can be computed again, so a Redis that is away, hung or full
must not take the site down: reads then find nothing and writes are dropped, with a
warning in the log. (Rate limits are not kept here but in the database.)

The page cache keeps the content version beside the pages (iserlohn_digital/pagecache.py):
`get_with_token` reads a page and that version in one round trip, `publish_token` writes
the version unless Redis holds a newer one already.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import RedisError

logger = logging.getLogger(__name__)


class _SharedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._client(connection_pool=self._pools[index])
            self._clients[index] = client
        return client


class SharedClientRedisCache(RedisCache):
    """With a circuit breaker: after a failure (refused, or no answer within the socket
    timeout set in OPTIONS) Redis is left alone for BREAKER_SECONDS, so a hung Redis costs
    one request a short wait instead of every request a long one, and the log says so
    once instead of a traceback per request."""

    BREAKER_SECONDS = 10

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClient
        self._open_until = 0.0

    def _guarded(self, operation, fallback, *args, **kwargs):
        if time.monotonic() < self._open_until:
            return fallback
        try:
            return operation(*args, **kwargs)
        except RedisError as error:
            self._open_until = time.monotonic() + self.BREAKER_SECONDS
            logger.warning(
                "Redis nicht erreichbar (%s); der Cache wird %s s lang übergangen.",
                error,
                self.BREAKER_SECONDS,
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded(super().set, None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, False, key, value, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, {}, keys, version)

    def clear(self):
        return self._guarded(super().clear, False)

    # A version token is "<number>.<microseconds of the change>"; it is stored as plain
    # text (not pickled), so a Lua script can compare it.
    _PUBLISH = """
        local current = redis.call('GET', KEYS[1])
        if current then
            local number, stamp = string.match(current, '^(%d+)%.(%d+)$')
            if number and tonumber(number) >= tonumber(ARGV[2])
                    and tonumber(stamp) >= tonumber(ARGV[3]) then
                return 0
            end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
        return 1
    """

    def get_with_token(self, token_key, key):
        """The version token under `token_key` and the value under `key`, in one MGET;
        (None, None) while Redis is away."""

        def read():
            client = self._cache.get_client(key)
            token, value = client.mget(
                [self.make_and_validate_key(token_key), self.make_and_validate_key(key)]
            )
            if value is not None:
                value = self._cache._serializer.loads(value)
            return (token.decode() if token is not None else None), value

        return self._guarded(read, (None, None))

    def publish_token(self, token_key, token: str, timeout: int) -> None:
        """Store `token` unless the stored one is as new or newer in both its number and
        its time (a slower server must not put back the version before the last edit; a
        restored database, with smaller numbers but a later time, does replace it)."""
        number, stamp = token.split(".")

        def publish():
            client = self._cache.get_client(token_key, write=True)
            key = self.make_and_validate_key(token_key)
            client.eval(self._PUBLISH, 1, key, token, number, stamp, timeout)

        self._guarded(publish, None)
