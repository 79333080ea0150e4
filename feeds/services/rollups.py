"""Rolling raw signals up into the ranking's video stats and co-watch links, and pruning what both rollups
have read."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from feeds import ranking
from feeds.analytics.rollup import analytics_prune_before
from feeds.models import (
    CoWatch,
    ProfileVisit,
    RollupState,
    Signal,
    VideoStats,
)
from feeds.pools import feed_pools
from feeds.services.signals import days_between

Kind = Signal.Kind


def pools_sync() -> int:
    """Bring the shared candidate pools up to date with the database (nothing to do without them)."""
    return feed_pools().sync()


def signals_rollup(*, batch: int = 200_000, now: datetime.datetime | None = None) -> int:
    """Fold signals past the watermark into VideoStats and co-watch links; returns the signals read."""
    now = now or timezone.now()
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(name="video_stats")
        upper = (
            Signal.objects.filter(pk__gt=state.last_signal_id)
            .order_by("pk")
            .values_list("pk", flat=True)[batch - 1 : batch]
            .first()
        ) or Signal.objects.filter(pk__gt=state.last_signal_id).aggregate(top=Max("pk"))["top"]
        if upper is None:
            return 0
        window = Signal.objects.filter(pk__gt=state.last_signal_id, pk__lte=upper)
        totals = window.values("video_id").annotate(
            impressions=Count("pk", filter=Q(kind=Kind.IMPRESSION)),
            completions=Count("pk", filter=Q(kind=Kind.COMPLETE)),
            likes=Count("pk", filter=Q(kind=Kind.LIKE)),
            unlikes=Count("pk", filter=Q(kind=Kind.UNLIKE)),
            shares=Count("pk", filter=Q(kind=Kind.SHARE)),
            skips=Count("pk", filter=Q(kind=Kind.SKIP)),
            not_interested=Count("pk", filter=Q(kind=Kind.NOT_INTERESTED)),
            watched=Sum("watched_seconds", filter=Q(kind__in=[Kind.COMPLETE, Kind.SKIP])),
            read=Count("pk"),
        )
        rows = {row["video_id"]: row for row in totals}
        existing = {stats.video_id: stats for stats in VideoStats.objects.filter(video_id__in=rows)}
        decay = ranking.decay_factor(days=days_between(state.updated_at, now))
        changed: list[VideoStats] = []
        created: list[VideoStats] = []
        for video_id, row in rows.items():
            stats = existing.get(video_id) or VideoStats(video_id=video_id)
            stats.impressions += row["impressions"]
            stats.completions += row["completions"]
            stats.likes += row["likes"] - row["unlikes"]
            stats.shares += row["shares"]
            stats.skips += row["skips"]
            stats.not_interested += row["not_interested"]
            stats.watch_seconds += row["watched"] or 0.0
            stats.recent_completions = stats.recent_completions * decay + row["completions"]
            stats.updated_at = now
            (changed if video_id in existing else created).append(stats)
        VideoStats.objects.bulk_create(created, batch_size=2000)
        VideoStats.objects.bulk_update(
            changed,
            [*VideoStats.COUNTERS, "watch_seconds", "recent_completions", "updated_at"],
            batch_size=2000,
        )
        _cowatch_update(window=window)
        read = sum(row["read"] for row in rows.values())
        state.last_signal_id, state.updated_at = upper, now
        state.save(update_fields=["last_signal_id", "updated_at"])
    # New statistics move these videos in the pools (trending, topics) of every web process.
    changed_ids = list(rows)
    transaction.on_commit(lambda: feed_pools().videos_changed(changed_ids))
    return int(read)


def _cowatch_update(*, window: Any, per_viewer: int = 12) -> None:
    """Link videos that the same viewer completed in this window."""
    completed: dict[str, list[int]] = defaultdict(list)
    for viewer_key, video_id in (
        window.filter(kind=Kind.COMPLETE).values_list("viewer_key", "video_id").iterator(chunk_size=20000)
    ):
        videos = completed[viewer_key]
        if video_id not in videos and len(videos) < per_viewer:
            videos.append(video_id)
    pairs: dict[tuple[int, int], float] = defaultdict(float)
    for videos in completed.values():
        for first in videos:
            for second in videos:
                if first != second:
                    pairs[(first, second)] += 1.0
    if not pairs:
        return
    keys = list(pairs)
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        sources = {first for first, _ in chunk}
        existing = {
            (row.video_id, row.other_id): row
            for row in CoWatch.objects.filter(video_id__in=sources).filter(
                other_id__in={second for _, second in chunk}
            )
        }
        updates, creates = [], []
        for key in chunk:
            row = existing.get(key)
            if row is None:
                creates.append(CoWatch(video_id=key[0], other_id=key[1], weight=pairs[key]))
            else:
                row.weight += pairs[key]
                updates.append(row)
        CoWatch.objects.bulk_create(creates, batch_size=2000, ignore_conflicts=True)
        CoWatch.objects.bulk_update(updates, ["weight"], batch_size=2000)


def signals_prune(*, older_than_days: int | None = None) -> int:
    """Delete raw signals that are rolled up and older than the retention window."""
    days = older_than_days if older_than_days is not None else settings.SIGNAL_RETENTION_DAYS
    state = RollupState.objects.filter(name="video_stats").first()
    analysed = analytics_prune_before()  # creators' daily analytics need them until their day is closed
    if state is None or analysed is None:
        return 0
    cutoff = min(timezone.now() - datetime.timedelta(days=days), analysed)
    deleted: int = Signal.objects.filter(pk__lte=state.last_signal_id, created_at__lt=cutoff).delete()[0]
    deleted += ProfileVisit.objects.filter(created_at__lt=cutoff).delete()[0]
    return deleted
