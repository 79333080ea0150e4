"""The estimated reach of a promotion: the matching adult audience, how often it opens the app, and what
a budget can really buy from it (``rules.delivery_estimate``)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from businesses.models import Promotion
from businesses.rules import (
    ACTIVITY_DAYS,
    CHARGEABLE_ACCOUNT_AGE,
    BudgetPer,
    adult_band_years,
    budget_total_cents,
    delivery_estimate,
    estimate_sentences,
)
from businesses.services.pricing import price_for
from businesses.services.promotions import offer_clean
from feeds.models import InterestProfile, Signal
from platform import age

ACTIVE_VIEWER_DAYS = ACTIVITY_DAYS
# Viewer keys per query of the signal log (below SQLite's limit on variables).
_KEYS_PER_QUERY = 900


@dataclass(frozen=True, slots=True)
class ReachEstimate:
    """How many people and sponsored views a promotion may get: the matching adult audience, how often
    those people open the app, the frequency cap and the days (``rules.delivery_estimate``)."""

    audience: int
    low: int
    high: int
    # Impressions the budget pays for, and the range the audience can really take.
    impressions: int
    impressions_low: int
    impressions_high: int
    ceiling: int
    budget_cents: int
    spendable_cents: int
    unspent_cents: int
    frequency_cap: int
    duration_days: int
    cpm_cents: int
    currency: str
    sentences: tuple[str, ...]

    @property
    def is_budget_too_big(self) -> bool:
        return self.unspent_cents > 0


def _band_lookup(bands: Sequence[str], *, on: datetime.date) -> Q:
    """People in any of these adult bands today, as date-of-birth ranges the database can compare."""
    query = Q()
    for band in bands:
        first, after = adult_band_years(band)
        band_query = Q(user__date_of_birth__lte=age.years_ago(years=first, on=on))
        if after <= age.OLDEST_PLAUSIBLE_AGE:
            band_query &= Q(user__date_of_birth__gt=age.years_ago(years=after, on=on))
        query |= band_query
    return query


def _audience_profiles(
    *, regions: Sequence[str], age_bands: Sequence[str], now: datetime.datetime
) -> QuerySet[InterestProfile]:
    today = timezone.localdate(now)
    profiles = InterestProfile.objects.filter(
        age.date_of_birth_lookup(band=age.AgeBand.ADULT, prefix="user__", on=today),
        user__isnull=False,
        user__is_active=True,
        # Charging never counts an account younger than this: it is no audience a budget can buy.
        user__date_joined__lte=now - CHARGEABLE_ACCOUNT_AGE,
        updated_at__gte=now - datetime.timedelta(days=ACTIVE_VIEWER_DAYS),
    )
    if regions:
        profiles = profiles.filter(user__region__in=list(regions))
    if age_bands:
        profiles = profiles.filter(_band_lookup(age_bands, on=today))
    return profiles


def _audience_keys(
    *, regions: Sequence[str], topic_ids: Sequence[int], age_bands: Sequence[str], now: datetime.datetime
) -> list[str]:
    """The viewer keys of the matching audience. Topic interest (a weight above zero in the profile's
    JSON, as serving reads it) is checked in Python over the rows that matched in SQL."""
    profiles = _audience_profiles(regions=regions, age_bands=age_bands, now=now)
    if not topic_ids:
        return list(profiles.values_list("viewer_key", flat=True).iterator(chunk_size=2000))
    wanted = [str(topic_id) for topic_id in topic_ids]
    keys = []
    for key, weights in profiles.values_list("viewer_key", "weights").iterator(chunk_size=2000):
        topics = (weights or {}).get("t") or {}
        if any(float(topics.get(topic_id, 0.0)) > 0 for topic_id in wanted):
            keys.append(key)
    return keys


def reach_audience(
    *, regions: Sequence[str], topic_ids: Sequence[int], age_bands: Sequence[str], now: datetime.datetime
) -> int:
    """Adult viewers active in the last 28 days who match the targeting (empty lists mean "any").

    Adults only, by date of birth: minors and people of unknown age are never counted, whatever the bands;
    nor accounts too new to be charged for (``rules.CHARGEABLE_ACCOUNT_AGE``)."""
    return sum(reach_activity(regions=regions, topic_ids=topic_ids, age_bands=age_bands, now=now).values())


def reach_activity(
    *, regions: Sequence[str], topic_ids: Sequence[int], age_bands: Sequence[str], now: datetime.datetime
) -> dict[int, int]:
    """How often the matching audience opens the app: days with a signal out of the last 28 → people.

    Someone whose profile moved in that time but whose signals are gone counts as active on one day."""
    keys = _audience_keys(regions=regions, topic_ids=topic_ids, age_bands=age_bands, now=now)
    since = now - datetime.timedelta(days=ACTIVITY_DAYS)
    days_of: dict[str, int] = {}
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        days_of.update(
            Signal.objects.filter(viewer_key__in=chunk, created_at__gte=since, created_at__lte=now)
            .values("viewer_key")
            .annotate(days=Count(TruncDate("created_at"), distinct=True))
            .values_list("viewer_key", "days")
        )
    activity: dict[int, int] = {}
    for key in keys:
        active = min(ACTIVITY_DAYS, max(1, days_of.get(key, 0)))
        activity[active] = activity.get(active, 0) + 1
    return activity


def reach_estimate(
    *,
    audience: str,
    regions: Sequence[str],
    topic_slugs: Sequence[str],
    age_bands: Sequence[str],
    budget_cents: int,
    duration_days: int,
    budget_per: str = BudgetPer.TOTAL,
    cpm_cents: int | None = None,
    currency: str | None = None,
) -> ReachEstimate:
    """The estimated reach of a promotion as the form describes it, at today's published price (or at
    ``cpm_cents`` in ``currency``, a promotion's own). ``budget_cents`` is the amount as typed: per
    day when ``budget_per`` says so.

    The input is checked with the same rules and words as making the promotion (``ValidationError``);
    an automatic audience ignores the targeting, as the promotion would."""
    per_errors = {} if budget_per in BudgetPer.values else {"budget_per": "Choose a total or a daily budget."}
    total_cents = (
        budget_total_cents(amount_cents=budget_cents, per=budget_per, duration_days=duration_days)
        if not per_errors and isinstance(budget_cents, int) and isinstance(duration_days, int)
        else budget_cents
    )
    codes, topics, bands, errors = offer_clean(
        audience=audience,
        budget_cents=total_cents,
        duration_days=duration_days,
        regions=regions,
        topic_slugs=topic_slugs,
        age_bands=age_bands,
    )
    errors.update(per_errors)
    if errors:
        raise ValidationError(errors)
    if cpm_cents is None or currency is None:
        cpm_cents, currency = price_for(audience=audience)
    activity = reach_activity(
        regions=codes, topic_ids=[topic.pk for topic in topics], age_bands=bands, now=timezone.now()
    )
    cap = settings.PROMOTION_FREQUENCY_CAP
    estimate = delivery_estimate(
        activity=activity,
        budget_cents=total_cents,
        cpm_cents=cpm_cents,
        duration_days=duration_days,
        frequency_cap=cap,
    )
    return ReachEstimate(
        audience=estimate.audience,
        low=estimate.reach_low,
        high=estimate.reach_high,
        impressions=estimate.bought,
        impressions_low=estimate.impressions_low,
        impressions_high=estimate.impressions_high,
        ceiling=estimate.ceiling,
        budget_cents=total_cents,
        spendable_cents=estimate.spendable_cents,
        unspent_cents=estimate.unspent_cents,
        frequency_cap=cap,
        duration_days=duration_days,
        cpm_cents=cpm_cents,
        currency=currency,
        sentences=tuple(
            estimate_sentences(
                estimate=estimate, duration_days=duration_days, frequency_cap=cap, currency=currency
            )
        ),
    )


def promotion_reach_estimate(*, promotion: Promotion) -> ReachEstimate:
    """A promotion's own estimate: its targeting, budget, days and price, over today's audience."""
    return reach_estimate(
        audience=promotion.audience,
        regions=promotion.regions,
        topic_slugs=[topic.slug for topic in promotion.topics.all()],
        age_bands=promotion.age_bands,
        budget_cents=promotion.budget_cents,
        duration_days=promotion.duration_days,
        cpm_cents=promotion.cpm_cents,
        currency=promotion.currency,
    )
