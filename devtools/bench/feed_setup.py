"""What the feeds benchmarks share: platform's throwaway database, a catalog that forgets it, and this
process's feeds on shared pools."""

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.test import override_settings

from creators.models import CreatorProfile, Video
from devtools.bench.throwaway import throwaway_database
from feeds.catalog import catalog_reset
from feeds.pools import feed_pools, feed_pools_reset
from feeds.pools.redis_pools import RedisPools


@contextmanager
def feeds_throwaway_database(name: str, *, keep: bool = False) -> Iterator[str]:
    """``devtools.bench.throwaway.throwaway_database``, forgetting the feed catalog built from it on the way out."""
    with throwaway_database(name, keep=keep) as database:
        try:
            yield database
        finally:
            catalog_reset()


def unthrottled(*scopes: str) -> override_settings:
    """Settings in which the API throttles none of ``scopes``: a benchmark posts faster than any player.

    The API's throttle reads its rates from the settings at each request, so nothing is patched."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**rates, **dict.fromkeys(scopes)},
        }
    )


@contextmanager
def shared_pools(url: str) -> Iterator[RedisPools]:
    """This process's feeds on the shared pools in the Redis at ``url`` (``load`` fills them as the worker's
    sync does an empty Redis); the store and its connections are forgotten on the way out."""
    with override_settings(FEED_POOLS_URL=url):
        feed_pools_reset()
        try:
            store = feed_pools()
            assert isinstance(store, RedisPools)
            yield store
        finally:
            feed_pools_reset()


def bench_video(
    *, index: int, owner: CreatorProfile, now: datetime.datetime, rng: random.Random, mature: bool
) -> Video:
    """One published 15-second benchmark video (unsaved, for ``bulk_create``), up to 60 days old."""
    return Video(
        owner=owner,
        caption=f"Benchmark video {index}",
        state=Video.State.PUBLISHED,
        duration=15.0,
        rendition_duration=15.0,
        width=720,
        height=1280,
        fps=30.0,
        trim_end=15.0,
        original=f"videos/bench/{index}.mp4",
        rendition=f"videos/bench/{index}-r.mp4",
        poster=f"videos/bench/{index}.jpg",
        published_at=now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
        content_level="mature" if mature else "general",
    )
