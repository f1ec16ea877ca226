"""Django's Redis cache, keeping one client per connection pool, and failing soft.

Django's client builds a new `redis.Redis` for every cache call, which registers its
response callbacks each time; that cost a third of a cached page. A `redis.Redis` is
safe to share between threads (it takes a connection from its pool for each command).

Everything the portal caches can be computed again, so a Redis that is away or full
must not take the site down: reads then find nothing and writes are dropped, with a
warning in the log.
"""

import logging

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
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClient

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError:
            logger.warning("Redis nicht erreichbar: %s nicht gelesen", key, exc_info=True)
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError:
            logger.warning("Redis nicht erreichbar: %s nicht abgelegt", key, exc_info=True)
