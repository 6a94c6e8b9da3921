"""The cache, moved here from app.cache in 2.0."""


class MemoryCache:
    def __init__(self):
        self._items = {}

    def get(self, key, default=None):
        return self._items.get(key, default)

    def set(self, key, value):
        self._items[key] = value
