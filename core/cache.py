"""Django's Redis cache backend, with one `redis.Redis` client per connection pool instead of one per command.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and
building one (its table of response callbacks) costs about as much CPU as the round trip itself (~0.1 ms). A
signed-in page served from the cache makes three calls (the session, the identity, the page), so that was a fifth of
the CPU of such a request under gunicorn (bench/bench_list_pages_http.py). The client is kept per pool instead:
`redis.Redis` is thread-safe and takes connections from the pool per command, and Django already keeps a cache
backend (and so this client) per thread.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # pool -> client

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
