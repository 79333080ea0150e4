"""Where feeds find their candidates: one interface, two stores (this process's memory, or Redis).

``feed_pools()`` is the store of this process: the in-process catalog (``feeds.catalog``) by default, the
shared pools in Redis when ``FEED_POOLS_URL`` is set. Both answer the same questions; only the Redis one
keeps pools that every web process shares, kept current by the changes themselves (see ``redis_pools``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Protocol

from django.conf import settings

from feeds.ranking import Catalog, Features, Wants


class Pools(Protocol):
    """What the feeds ask of a candidate store."""

    name: str

    def view(self, wants: Wants) -> Catalog:
        """The pools and features one page may rank (at least what ``wants`` names)."""
        ...

    def features_of(self, video_ids: Iterable[int]) -> dict[int, Features]:
        """The features of those videos that may be recommended."""
        ...

    def topic_ids(self) -> dict[str, int]: ...

    def regions(self, *, limit: int) -> list[str]:
        """The regions with the most videos, most first."""
        ...

    def names_fill(self, catalog: Catalog, video_ids: Iterable[int]) -> None:
        """Make sure ``catalog.hashtag_names`` names the hashtags of these videos (a page, to render)."""
        ...

    def videos_changed(self, video_ids: Iterable[int]) -> None:
        """Published, edited, moderated, deleted, or new statistics: bring these videos up to date."""
        ...

    def sync(self) -> int:
        """Catch up on changes a write missed; returns how many videos were rewritten."""
        ...

    def ping(self) -> None:
        """Raise if the store cannot answer now (readiness)."""
        ...


_stores: dict[str, Pools] = {}
_lock = threading.Lock()


def feed_pools() -> Pools:
    url = settings.FEED_POOLS_URL
    store = _stores.get(url)
    if store is None:
        # The first pages of a threaded web process arrive together: one store (one connection pool).
        with _lock:
            store = _stores.get(url)
            if store is None:
                store = _stores[url] = _store_for(url)
    return store


def _store_for(url: str) -> Pools:
    if url:
        from feeds.pools.redis_pools import RedisPools

        return RedisPools(url=url)
    from feeds.pools.memory import MemoryPools

    return MemoryPools()


def feed_pools_reset() -> None:
    """Forget the stores and their connections (tests and benchmarks)."""
    for store in _stores.values():
        close = getattr(store, "close", None)
        if close is not None:
            close()
    _stores.clear()
