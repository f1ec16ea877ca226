"""Django's Redis cache, keeping one client per connection pool, and failing soft.

Django's client builds a new `redis.Redis` for every cache call, which registers its
response callbacks each time; that cost a third of a cached page. A `redis.Redis` is
safe to share between threads (it takes a connection from its pool for each command).

Everything the portal caches can be computed again, so a Redis that is away, hung or full
must not take the site down: reads then find nothing and writes are dropped, with a
warning in the log. (Rate limits are not kept here but in the database.)
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
