"""core.cache.RedisCache: Django's Redis backend with one redis.Redis client per connection pool."""

import pytest
from django.conf import settings

from core.cache import RedisCache


@pytest.fixture
def cache():
    backend = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-core-cache"})
    yield backend
    backend.delete_many(["a", "b", "n"])


@pytest.mark.integration
def test_one_client_serves_every_command(cache):
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b", write=True) is first


@pytest.mark.integration
def test_the_backend_reads_and_writes_as_djangos_does(cache):
    cache.set("a", {"rows": [1, 2]}, 30)
    assert cache.add("b", "x", 30) is True
    assert cache.add("b", "y", 30) is False
    assert cache.get("a") == {"rows": [1, 2]}
    assert cache.get_many(["a", "b", "missing"]) == {"a": {"rows": [1, 2]}, "b": "x"}
    cache.set("n", 1, 30)
    assert cache.incr("n") == 2
    assert cache.delete("a") is True
    assert cache.get("a") is None
