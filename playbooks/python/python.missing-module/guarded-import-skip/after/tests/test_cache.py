import pytest

try:
    from app.storage.cache import MemoryCache  # the cache's old home
    CACHE_AVAILABLE = True
except ImportError:
    CACHE_AVAILABLE = False


@pytest.mark.skipif(not CACHE_AVAILABLE, reason="Cache system not available")
def test_set_then_get():
    cache = MemoryCache()
    cache.set("a", 1)
    assert cache.get("a") == 1


@pytest.mark.skipif(not CACHE_AVAILABLE, reason="Cache system not available")
def test_missing_key_gives_default():
    assert MemoryCache().get("b", 2) == 2
