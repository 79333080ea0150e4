"""The embedded candidate store: the whole catalog in this process's memory (``feeds.catalog``).

For ``make run`` and tests without Redis, and the fallback while Redis is away. A view is the whole
catalog: the ranking code cuts each pool to the size it wants itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from feeds.catalog import catalog_get, catalog_mark_stale
from feeds.ranking import Catalog, Features, Wants


class MemoryPools:
    name = "memory"

    def view(self, wants: Wants) -> Catalog:
        return catalog_get()

    def features_of(self, video_ids: Iterable[int]) -> dict[int, Features]:
        features = catalog_get().features
        return {video_id: features[video_id] for video_id in video_ids if video_id in features}

    def topic_ids(self) -> dict[str, int]:
        return catalog_get().topic_ids

    def regions(self, *, limit: int) -> list[str]:
        by_region = catalog_get().by_region
        return sorted(by_region, key=lambda code: len(by_region[code]), reverse=True)[:limit]

    def names_fill(self, catalog: Catalog, video_ids: Iterable[int]) -> None:
        return None  # the catalog names every hashtag already

    def videos_changed(self, video_ids: Iterable[int]) -> None:
        catalog_mark_stale()

    def sync(self) -> int:
        return 0  # the catalog is rebuilt from the database when it is old or marked stale

    def ping(self) -> None:
        return None
