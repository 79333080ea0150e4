"""What a promotion bought: clicks counted when made, and the rollup of the sponsored signals.

Impressions and spend are written per day when an impression is charged (``charging``). Views (2 s or
more), watch time, completions, likes and follows come from the signals the player sent with the
``sponsored`` source, folded into ``PromotionDay`` from a watermark by a beat task, so the results
page reads only the day rows. ``watched_counts`` defines a view, a completion and watch time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from businesses.models import BusinessProfile, Promotion, PromotionDay, PromotionDelivery
from creators.models import Video
from feeds.models import RollupState, Signal, Source

VIEW_SECONDS = 2.0
ROLLUP_NAME = "promotion_results"


def _day_increment(*, promotion_id: int, day: datetime.date, **amounts: float) -> None:
    """Add to one promotion's counters for a day, making the row if it is the first event that day."""
    row, _ = PromotionDay.objects.get_or_create(promotion_id=promotion_id, day=day)
    # Never below zero: an unlike may fall on another day than its like.
    PromotionDay.objects.filter(pk=row.pk).update(
        **{name: Greatest(F(name) + value, 0) for name, value in amounts.items()}
    )


def _to_website(promotion: Promotion) -> bool:
    return promotion.goal == Promotion.Goal.WEBSITE_VISITS and bool(promotion.business.website)


def promotion_destination(*, promotion: Promotion) -> str:
    """Where a sponsored slot's button leads: the business's website for that goal, else its profile."""
    if _to_website(promotion):
        return promotion.business.website
    return reverse("creators:profile", args=[promotion.business.creator.handle])


def promotion_click(*, promotion: Promotion) -> str:
    """A viewer followed a sponsored slot's button: counted on the day; where to send them."""
    with transaction.atomic():
        _day_increment(
            promotion_id=promotion.pk,
            day=timezone.localdate(),
            **{"website_clicks" if _to_website(promotion) else "profile_visits": 1},
        )
    return promotion_destination(promotion=promotion)


def website_click(*, business: BusinessProfile) -> str:
    """A viewer pressed "Visit website" on the business's profile: counted; where to send them."""
    BusinessProfile.objects.filter(pk=business.pk).update(website_clicks=F("website_clicks") + 1)
    return business.website


def clip_seconds(video: Video) -> float | None:
    """How long the clip the player shows is: the rendition's length, else the trimmed length."""
    return video.rendition_duration or video.trimmed_duration or None


def watched_counts(*, watched: float, clip: float | None) -> tuple[int, int, float]:
    """What one person's day with a promotion adds: (a view, a completion, watch seconds).

    ``watched`` is the furthest point of the first loop, at most the clip's length. A view is 2 s or
    more (the whole clip, if it is shorter); a completion is a view watched to the end; watch time is
    counted for views only, so the average watch per view is never longer than the clip."""
    threshold = VIEW_SECONDS if clip is None else min(VIEW_SECONDS, clip)
    if watched < threshold:
        return 0, 0, 0.0
    return 1, int(clip is not None and watched >= clip), watched


def promotion_results_rollup(*, batch: int = 100_000) -> int:
    """Fold sponsored signals past the watermark into their promotions' days; returns the signals read.

    Counted per person and day, on the delivery row of the slot they were served and charged for (a
    charged impression): the furthest point of the first loop, at most the clip's length, makes the
    view, the completion and the watch time of ``watched_counts``; a completion or a replay means the
    first loop was watched to the end. So completions <= views <= charged impressions, and the average
    watch never passes the clip's length. The watermark moves in the same transaction as the counters,
    so re-running never counts twice; signals without a charged slot behind them (not from a sponsored
    slot, or invalid traffic: ``charging``) are left out."""
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(name=ROLLUP_NAME)
        rows = list(
            Signal.objects.filter(pk__gt=state.last_signal_id)
            .order_by("pk")
            .values_list("pk", "viewer_key", "video_id", "kind", "source", "watched_seconds", "looped", "created_at")[
                :batch
            ]
        )  # fmt: skip
        if not rows:
            return 0
        sponsored = [row for row in rows if row[4] == Source.SPONSORED]
        days = {timezone.localdate(row[7]) for row in sponsored}
        deliveries = {
            (delivery.promotion.video_id, delivery.viewer_key, delivery.day): delivery
            for delivery in PromotionDelivery.objects.filter(
                promotion__video_id__in={row[2] for row in sponsored},
                viewer_key__in={row[1] for row in sponsored},
                day__in=days,
                # Only a charged impression bought anything: invalid traffic and unreported slots did not.
                impressions__gt=0,
            ).select_related("promotion__video")
        }
        furthest: dict[tuple[int, str, datetime.date], float] = {}
        totals: dict[tuple[int, datetime.date], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for _, viewer_key, video_id, kind, _, watched, looped, created in sponsored:
            key = (video_id, viewer_key, timezone.localdate(created))
            delivery = deliveries.get(key)
            if delivery is None:
                continue
            counters = totals[(delivery.promotion_id, key[2])]
            clip = clip_seconds(delivery.promotion.video)
            if kind in (Signal.Kind.PROGRESS, Signal.Kind.COMPLETE):
                if clip is None:  # a clip of unknown length: the first loop's points as reported
                    reached = watched if looped == 0 else 0.0
                elif kind == Signal.Kind.COMPLETE or looped > 0:
                    reached = clip  # a completion, or a point of a later loop: the first loop ended
                else:
                    reached = min(watched, clip)
                furthest[key] = max(furthest.get(key, 0.0), reached)
            elif kind == Signal.Kind.LIKE:
                counters["likes"] += 1
            elif kind == Signal.Kind.UNLIKE:
                counters["likes"] -= 1
            elif kind == Signal.Kind.FOLLOW:
                counters["follows"] += 1
        changed = []
        for key, watched in furthest.items():
            delivery = deliveries[key]
            if watched <= delivery.watched_seconds:
                continue
            clip = clip_seconds(delivery.promotion.video)
            views_before, completions_before, seconds_before = watched_counts(
                watched=delivery.watched_seconds, clip=clip
            )
            views_after, completions_after, seconds_after = watched_counts(watched=watched, clip=clip)
            counters = totals[(delivery.promotion_id, key[2])]
            counters["views"] += views_after - views_before
            counters["completions"] += completions_after - completions_before
            counters["watch_seconds"] += seconds_after - seconds_before
            delivery.watched_seconds = watched
            changed.append(delivery)
        PromotionDelivery.objects.bulk_update(changed, ["watched_seconds"], batch_size=2000)
        for (promotion_id, day), counters in totals.items():
            amounts = {name: value for name, value in counters.items() if value}
            if amounts:
                _day_increment(promotion_id=promotion_id, day=day, **amounts)
        state.last_signal_id = rows[-1][0]
        state.updated_at = timezone.now()
        state.save(update_fields=["last_signal_id", "updated_at"])
    return len(rows)
