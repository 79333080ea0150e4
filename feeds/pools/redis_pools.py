"""The shared candidate store: pools as Redis sorted sets, features as compact bytes in one Redis hash.

Every web process reads the same pools, so none builds a catalog of its own. A page reads only what it
ranks, in one round trip: a script cuts each pool it names to size, samples the fresh pool for
exploration and returns the features of every member (``view``).

The pools stay current by the changes themselves, never by a rebuild:
- a publish, edit, moderation decision or deletion (``creators.hooks.video_changed``, after commit)
  and each rollup's new statistics rewrite those videos' features and their places in the pools;
- ``sync`` (a beat task each minute) catches up on what a failed write missed: every video changed or
  rolled up since its watermark, and fresh-pool members that stopped being fresh. On an empty Redis
  (first start, a restart without persistence) it loads everything once.

Each pool keeps twice what a page may read, so a removal does not leave it short. Keys share one hash
tag, so the read script may touch them all on a Redis Cluster too.

While Redis does not answer, the feeds read this process's catalog, built from the database
(``MemoryPools``), and try Redis again after ``FEED_POOLS_RETRY_SECONDS``: slower, never a 500.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

import redis
from django.conf import settings
from django.utils import timezone

from creators.models import Hashtag, Topic, Video
from feeds.catalog import features_load
from feeds.models import VideoStats
from feeds.pools.codec import features_decode, features_encode, features_table
from feeds.pools.memory import MemoryPools
from feeds.ranking import Catalog, Features, PackedFeatures, Wants
from feeds.ranking.features import WEEK_SECONDS

logger = logging.getLogger(__name__)

PREFIX = "{jr}:"
FEATURES = PREFIX + "f"
TOPICS = PREFIX + "topics"  # topic id → "slug<US>name"
TAGS = PREFIX + "tags"  # hashtag id → name
REGIONS = PREFIX + "regions"
META = PREFIX + "meta"  # loaded (when), watermark (changes before it are in the pools)
TRENDING = PREFIX + "trending"
FRESH = PREFIX + "fresh"  # lowest score first: fewest impressions, then newest
CREATOR_KEEP = 100
CHUNK = 2000
SKEW = datetime.timedelta(seconds=5)  # clocks of web and worker machines, and commits in flight
SEPARATOR = "\x1f"


def topic_key(topic_id: int) -> str:
    return f"{PREFIX}t:{topic_id}"


def hashtag_key(hashtag_id: int) -> str:
    return f"{PREFIX}h:{hashtag_id}"


def creator_key(creator_id: int) -> str:
    return f"{PREFIX}c:{creator_id}"


def region_key(region: str) -> str:
    return f"{PREFIX}r:{region}"


# KEYS: the features hash, the topics hash, the meta hash, then one key per pool.
# ARGV: the number of pools; per pool a mode ("top": best first, "low": lowest score first, "sample"),
# how many, and (sample) the first how many to sample from followed by that many positions in [0, 1);
# then ids wanted besides. Returns each pool's members, then the features of every member and wanted id
# (nil for one that is gone), then the topics, then whether the pools are loaded at all.
READ = """
local pools = tonumber(ARGV[1])
local position = 2
local result, ids, seen = {}, {}, {}
for index = 1, pools do
  local key, mode, count = KEYS[index + 3], ARGV[position], tonumber(ARGV[position + 1])
  position = position + 2
  local members
  if mode == 'top' then
    members = redis.call('ZREVRANGE', key, 0, count - 1)
  elseif mode == 'low' then
    members = redis.call('ZRANGE', key, 0, count - 1)
  else
    local size = math.min(redis.call('ZCARD', key), tonumber(ARGV[position]))
    position = position + 1
    if size <= count then
      members = redis.call('ZRANGE', key, 0, size - 1)
    else
      members = {}
      for draw = 0, count - 1 do
        local at = math.floor(tonumber(ARGV[position + draw]) * size)
        members[#members + 1] = redis.call('ZRANGE', key, at, at)[1]
      end
    end
    position = position + count
  end
  result[index] = members
  for _, member in ipairs(members) do
    if not seen[member] then seen[member] = true; ids[#ids + 1] = member end
  end
end
for extra = position, #ARGV do
  local member = ARGV[extra]
  if not seen[member] then seen[member] = true; ids[#ids + 1] = member end
end
local features = {}
for start = 1, #ids, 1000 do
  local batch = redis.call('HMGET', KEYS[1], unpack(ids, start, math.min(start + 999, #ids)))
  for _, blob in ipairs(batch) do features[#features + 1] = blob end
end
result[pools + 1] = features
result[pools + 2] = redis.call('HGETALL', KEYS[2])
result[pools + 3] = redis.call('HEXISTS', KEYS[3], 'loaded')
return result
"""


def _fresh_score(item: Features) -> float:
    # Fewest impressions first; among equals, the newest (a timestamp / 1e10 stays below 1 until 2286).
    return item.impressions - item.published_ts / 1e10


def _memberships(item: Features, *, now_ts: float) -> dict[str, float]:
    """Each pool the video belongs in, with its score there (higher is better, except in FRESH)."""
    strength = item.pool_strength
    places = {topic_key(topic_id): strength for topic_id in item.topic_ids}
    places.update((hashtag_key(hashtag_id), strength) for hashtag_id in item.hashtag_ids)
    if item.region:
        places[region_key(item.region)] = strength
    places[creator_key(item.creator_id)] = item.published_ts
    places[TRENDING] = item.trending_strength
    if item.is_fresh(now_ts=now_ts, max_impressions=settings.FEED_EXPLORE_MAX_IMPRESSIONS):
        places[FRESH] = _fresh_score(item)
    return places


def _keep(key: str) -> int:
    pool_size = int(settings.FEED_POOL_SIZE)
    if key == FRESH:
        return pool_size * 8
    if key.startswith(PREFIX + "c:"):
        return CREATOR_KEEP
    return pool_size * 2


def _chunks(values: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class RedisPools:
    name = "redis"

    def __init__(self, *, url: str) -> None:
        timeout = settings.FEED_POOLS_TIMEOUT_SECONDS
        # Any: redis-py types every reply as a union of its sync and async results.
        self.client: Any = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, health_check_interval=30
        )
        self._read = self.client.register_script(READ)
        self.fallback = MemoryPools()
        self._down_until = 0.0
        self._topics: tuple[dict[str, int], dict[int, str], dict[int, str]] | None = None
        # Hashtag names never change: each process keeps the ones its pages showed. Features are decoded
        # afresh for every page: a cache of them (tried) grew the heap that full garbage collections walk,
        # and those pauses, not the decoding, made the p99 (benchmark_feed at 200k videos: 56 ms against
        # 31 ms without it).
        self.hashtag_names: dict[int, str] = {}

    # -- reading --------------------------------------------------------------------------------------

    def _is_up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception, *, doing: str) -> None:
        logger.warning(
            "Feed pools in Redis failed while %s (%s); reading the database meanwhile.", doing, error
        )
        self._down_until = time.monotonic() + settings.FEED_POOLS_RETRY_SECONDS

    def view(self, wants: Wants) -> Catalog:
        if not self._is_up():
            return self.fallback.view(wants)
        pools: list[tuple[dict[Any, list[int]] | list[int], Any]] = []
        keys: list[str] = [FEATURES, TOPICS, META]
        args: list[Any] = []
        by_topic: dict[int, list[int]] = {}
        by_hashtag: dict[int, list[int]] = {}
        by_creator: dict[int, list[int]] = {}
        by_region: dict[str, list[int]] = {}
        trending: list[int] = []
        fresh: list[int] = []
        for index, key_of, wanted in (
            (by_topic, topic_key, wants.topics),
            (by_hashtag, hashtag_key, wants.hashtags),
            (by_creator, creator_key, wants.creators),
        ):
            for pool_id, count in wanted.items():
                keys.append(key_of(pool_id))
                args += ["top", count]
                pools.append((index, pool_id))
        if wants.region and wants.region_count:
            keys.append(region_key(wants.region))
            args += ["top", wants.region_count]
            pools.append((by_region, wants.region))
        if wants.trending:
            keys.append(TRENDING)
            args += ["top", wants.trending]
            pools.append((trending, None))
        if wants.explore:
            keys.append(FRESH)
            args += ["sample", len(wants.explore), settings.FEED_POOL_SIZE * 4, *wants.explore]
            pools.append((fresh, None))
        try:
            result = self._read(keys=keys, args=[len(pools), *args, *wants.ids])
        except redis.RedisError as error:
            self._failed(error, doing="reading a page's candidates")
            return self.fallback.view(wants)
        count = len(pools)
        if not result[count + 2]:
            # An empty Redis (restarted without persistence): the worker's sync loads it within a minute.
            self._failed(LookupError("the pools are not loaded"), doing="reading a page's candidates")
            return self.fallback.view(wants)
        # Read as columns for the scorer; a video's ``Features`` only once something asks for them.
        blobs = [blob for blob in result[count] if blob]
        table = features_table(blobs)
        packed = dict(zip(table.video_ids.tolist(), blobs, strict=True))
        features = PackedFeatures(packed, features_decode)
        now_ts = time.time()
        max_impressions = settings.FEED_EXPLORE_MAX_IMPRESSIONS
        for (target, pool_id), members in zip(pools, result[:count], strict=True):
            found = [video_id for video_id in map(int, filter(None, members)) if video_id in packed]
            if target is fresh:  # ``Features.is_fresh``, from the columns
                rows = table.rows
                found = [
                    video_id
                    for video_id in found
                    if table.impressions[rows[video_id]] < max_impressions
                    or table.published_ts[rows[video_id]] > now_ts - WEEK_SECONDS
                ]
            if isinstance(target, list):
                target.extend(found)
            else:
                target[pool_id] = found
        topic_ids, topic_names, topic_slugs = self._topics_parse(result[count + 1])
        return Catalog(
            built_at=time.monotonic(),
            features=features,
            by_topic=by_topic,
            by_creator=by_creator,
            by_region=by_region,
            trending=trending,
            fresh=fresh,
            topic_ids=topic_ids,
            topic_names=topic_names,
            topic_slugs=topic_slugs,
            hashtag_names=self.hashtag_names,
            by_hashtag=by_hashtag,
            is_page_view=True,
            table=table,
        )

    def _topics_parse(self, flat: list[bytes]) -> tuple[dict[str, int], dict[int, str], dict[int, str]]:
        ids: dict[str, int] = {}
        names: dict[int, str] = {}
        slugs: dict[int, str] = {}
        for key, value in zip(flat[::2], flat[1::2], strict=True):
            topic_id = int(key)
            slug, _, name = value.decode().partition(SEPARATOR)
            ids[slug], names[topic_id], slugs[topic_id] = topic_id, name, slug
        if ids:  # an empty hash is a Redis not loaded yet: nothing to remember
            self._topics = (ids, names, slugs)
        return ids, names, slugs

    def features_of(self, video_ids: Iterable[int]) -> dict[int, Features]:
        wanted = list(dict.fromkeys(video_ids))
        if not wanted:
            return {}
        if not self._is_up():
            return self.fallback.features_of(wanted)
        try:
            blobs = self.client.hmget(FEATURES, wanted)
        except redis.RedisError as error:
            self._failed(error, doing="reading features")
            return self.fallback.features_of(wanted)
        return {video_id: features_decode(blob) for video_id, blob in zip(wanted, blobs, strict=True) if blob}

    def topic_ids(self) -> dict[str, int]:
        if self._topics is not None:
            return self._topics[0]
        if not self._is_up():
            return self.fallback.topic_ids()
        try:
            flat = self.client.hgetall(TOPICS)
        except redis.RedisError as error:
            self._failed(error, doing="reading topics")
            return self.fallback.topic_ids()
        topic_ids = self._topics_parse([part for pair in flat.items() for part in pair])[0]
        return topic_ids or self.fallback.topic_ids()  # not loaded yet

    def regions(self, *, limit: int) -> list[str]:
        if not self._is_up():
            return self.fallback.regions(limit=limit)
        try:
            codes = sorted(code.decode() for code in self.client.smembers(REGIONS))
            pipe = self.client.pipeline(transaction=False)
            for code in codes:
                pipe.zcard(region_key(code))
            sizes = pipe.execute()
        except redis.RedisError as error:
            self._failed(error, doing="reading regions")
            return self.fallback.regions(limit=limit)
        counted = [(size, code) for code, size in zip(codes, sizes, strict=True) if size]
        return [code for _, code in sorted(counted, key=lambda pair: -pair[0])[:limit]]

    def names_fill(self, catalog: Catalog, video_ids: Iterable[int]) -> None:
        if catalog.hashtag_names is not self.hashtag_names:
            return  # the fallback's catalog names every hashtag
        missing = sorted(
            {
                tag_id
                for video_id in video_ids
                if (item := catalog.features.get(video_id)) is not None
                for tag_id in item.hashtag_ids
            }
            - self.hashtag_names.keys()
        )
        if not missing:
            return
        try:
            names = self.client.hmget(TAGS, missing)
        except redis.RedisError as error:
            self._failed(error, doing="reading hashtag names")
            names = [None] * len(missing)
        found = {tag_id: name.decode() for tag_id, name in zip(missing, names, strict=True) if name}
        unknown = [tag_id for tag_id in missing if tag_id not in found]
        if unknown:  # Redis away, or a name written after the pools: the database has it
            found.update(Hashtag.objects.filter(pk__in=unknown).values_list("pk", "name"))
        if len(self.hashtag_names) > 200_000:
            self.hashtag_names.clear()
        self.hashtag_names.update(found)

    def ping(self) -> None:
        self.client.ping()
        if not self.client.hexists(META, "loaded"):
            raise LookupError("the feed pools are not loaded yet")

    def close(self) -> None:
        self.client.close()

    # -- keeping current -------------------------------------------------------------------------------

    def videos_changed(self, video_ids: Iterable[int]) -> None:
        """After commit: write these videos' features and places now, so every web process ranks with them
        on its next page. A failed write is caught up by the next ``sync``."""
        ids = list(dict.fromkeys(video_ids))
        self.fallback.videos_changed(ids)
        try:
            self.refresh(ids)
        except redis.RedisError as error:
            self._failed(error, doing="writing changed videos")

    def refresh(self, video_ids: list[int]) -> None:
        """Rewrite these videos from the database: their features and their places in every pool,
        leaving pools they no longer belong in. Raises when Redis does not answer."""
        for chunk in _chunks(video_ids):
            current = features_load(video_ids=chunk)
            blobs = self.client.hmget(FEATURES, chunk)
            previous = {
                video_id: _memberships(features_decode(blob), now_ts=0.0)
                for video_id, blob in zip(chunk, blobs, strict=True)
                if blob
            }
            self._write(current=current, previous=previous, gone=[pk for pk in chunk if pk not in current])

    def _write(
        self, *, current: dict[int, Features], previous: dict[int, dict[str, float]], gone: list[int]
    ) -> None:
        now_ts = time.time()
        pipe = self.client.pipeline(transaction=False)
        touched: set[str] = set()
        for video_id in gone:
            for key in previous.get(video_id, {}):
                pipe.zrem(key, video_id)
            pipe.zrem(FRESH, video_id)
        if gone:
            pipe.hdel(FEATURES, *gone)
        additions: dict[str, dict[int, float]] = {}
        for video_id, item in current.items():
            places = _memberships(item, now_ts=now_ts)
            for key in previous.get(video_id, {}).keys() - places.keys():
                pipe.zrem(key, video_id)
            if FRESH not in places:
                pipe.zrem(FRESH, video_id)
            for key, score in places.items():
                additions.setdefault(key, {})[video_id] = score
        for key, members in additions.items():
            pipe.zadd(key, members)
            touched.add(key)
        if current:
            pipe.hset(FEATURES, mapping={pk: features_encode(item) for pk, item in current.items()})
            regions = {item.region for item in current.values() if item.region}
            if regions:
                pipe.sadd(REGIONS, *regions)
            tag_ids = {tag_id for item in current.values() for tag_id in item.hashtag_ids}
            names = dict(Hashtag.objects.filter(pk__in=tag_ids).values_list("pk", "name")) if tag_ids else {}
            if names:
                pipe.hset(TAGS, mapping=names)
        for key in touched:
            keep = _keep(key)
            if key == FRESH:
                pipe.zremrangebyrank(key, keep, -1)
            else:
                pipe.zremrangebyrank(key, 0, -(keep + 1))
        pipe.execute()

    def _topics_write(self) -> None:
        rows = {
            pk: f"{slug}{SEPARATOR}{name}"
            for pk, slug, name in Topic.objects.values_list("pk", "slug", "name")
        }
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(TOPICS)
        if rows:
            pipe.hset(TOPICS, mapping=rows)
        pipe.execute()
        self._topics = None

    def load(self) -> int:
        """Write every recommendable video into empty pools (first start, or after Redis lost its data)."""
        started = timezone.now()
        for keys in _batched(self.client.scan_iter(match=PREFIX + "*", count=1000), 1000):
            self.client.unlink(*keys)
        self._topics_write()
        ids = list(
            Video.objects.filter(state=Video.State.PUBLISHED).order_by("pk").values_list("pk", flat=True)
        )
        loaded = 0
        for chunk in _chunks(ids, 5000):
            current = features_load(video_ids=chunk)
            self._write(current=current, previous={}, gone=[])
            loaded += len(current)
        self.client.hset(META, mapping={"loaded": started.timestamp(), "watermark": started.timestamp()})
        logger.info("Feed pools loaded into Redis: %d videos.", loaded)
        return loaded

    def sync(self) -> int:
        """Catch up on every change since the watermark (or load everything into empty pools); returns how
        many videos were rewritten."""
        started = timezone.now()
        watermark = self.client.hget(META, "watermark")
        if watermark is None or not self.client.hexists(META, "loaded"):
            return self.load()
        since = datetime.datetime.fromtimestamp(float(watermark), tz=datetime.UTC) - SKEW
        changed = set(Video.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
        changed |= set(VideoStats.objects.filter(updated_at__gte=since).values_list("video_id", flat=True))
        self.refresh(sorted(changed))
        self._fresh_prune()
        self._topics_write()
        self.client.hset(META, "watermark", started.timestamp())
        return len(changed)

    def _fresh_prune(self) -> None:
        members = [int(member) for member in self.client.zrange(FRESH, 0, -1)]
        if not members:
            return
        now_ts = time.time()
        max_impressions = settings.FEED_EXPLORE_MAX_IMPRESSIONS
        blobs = self.client.hmget(FEATURES, members)
        stale = [
            video_id
            for video_id, blob in zip(members, blobs, strict=True)
            if not blob or not features_decode(blob).is_fresh(now_ts=now_ts, max_impressions=max_impressions)
        ]
        if stale:
            self.client.zrem(FRESH, *stale)


def _batched(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
