"""What the feeds benchmarks share: platform's throwaway database, and a catalog that forgets it."""

from collections.abc import Iterator
from contextlib import contextmanager

from feeds.catalog import catalog_reset
from platform.benchmarking import throwaway_database


@contextmanager
def feeds_throwaway_database(name: str, *, keep: bool = False) -> Iterator[str]:
    """``platform.benchmarking.throwaway_database``, forgetting the feed catalog built from it on the way out."""
    with throwaway_database(name, keep=keep) as database:
        try:
            yield database
        finally:
            catalog_reset()
