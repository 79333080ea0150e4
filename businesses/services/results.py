"""What a promotion bought: clicks counted when made, and the rollup of the sponsored signals.

Impressions and spend are written per day when an impression is charged (``charging``). Views (2 s or
more), watch time, completions, likes and follows come from the signals the player sent with the
``sponsored`` source, folded into ``PromotionDay`` from a watermark by a beat task, so the results
page reads only the day rows.
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


def promotion_results_rollup(*, batch: int = 100_000) -> int:
    """Fold sponsored signals past the watermark into their promotions' days; returns the signals read.

    Counted per person and day, on the delivery row of the slot they were served: a view is a person
    who watched 2 s or more of the first loop; watch time is the furthest point of the first loop plus
    the loops after it. The watermark moves in the same transaction as the counters, so re-running
    never counts twice; signals without a served slot behind them (not from a sponsored slot) are
    left out, and so are those of invalid traffic (``charging``)."""
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
            )
            # Invalid traffic (an uncharged viewer's day) adds no views or likes to what was bought.
            .exclude(impressions=0, invalid_impressions__gt=0)
            .select_related("promotion")
        }
        furthest: dict[tuple[int, str, datetime.date], float] = {}
        totals: dict[tuple[int, datetime.date], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for _, viewer_key, video_id, kind, _, watched, looped, created in sponsored:
            key = (video_id, viewer_key, timezone.localdate(created))
            delivery = deliveries.get(key)
            if delivery is None:
                continue
            counters = totals[(delivery.promotion_id, key[2])]
            if kind in (Signal.Kind.PROGRESS, Signal.Kind.COMPLETE) and looped == 0:
                furthest[key] = max(furthest.get(key, 0.0), watched)
            if kind == Signal.Kind.COMPLETE:
                counters["completions"] += 1
                if looped > 0:
                    counters["watch_seconds"] += watched
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
            counters = totals[(delivery.promotion_id, key[2])]
            counters["watch_seconds"] += watched - delivery.watched_seconds
            if delivery.watched_seconds < VIEW_SECONDS <= watched:
                counters["views"] += 1
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
