"""The rules of promotions that need no database: states and their moves, and the published price.

Services feed these with plain values; their tests need no database.
"""

from __future__ import annotations

import datetime

from django.db import models


class PromotionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    IN_REVIEW = "in_review", "In review"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


_S = PromotionState
# Every move a promotion may make; ``services.promotions`` is the only writer of the state.
TRANSITIONS: dict[PromotionState, frozenset[PromotionState]] = {
    _S.DRAFT: frozenset({_S.AWAITING_PAYMENT, _S.CANCELLED}),
    _S.AWAITING_PAYMENT: frozenset({_S.IN_REVIEW, _S.CANCELLED}),
    _S.IN_REVIEW: frozenset({_S.ACTIVE, _S.REJECTED, _S.CANCELLED}),
    _S.ACTIVE: frozenset({_S.PAUSED, _S.COMPLETED, _S.CANCELLED}),
    _S.PAUSED: frozenset({_S.ACTIVE, _S.COMPLETED, _S.CANCELLED}),
    _S.COMPLETED: frozenset(),
    _S.REJECTED: frozenset(),
    _S.CANCELLED: frozenset(),
}


def may_move(*, current: str, to: str) -> bool:
    return PromotionState(to) in TRANSITIONS[PromotionState(current)]


class AdultAgeBand(models.TextChoices):
    """The only age bands a promotion may target: adults. There is no band for minors to choose."""

    AGE_18_24 = "18_24", "18–24"
    AGE_25_34 = "25_34", "25–34"
    AGE_35_54 = "35_54", "35–54"
    AGE_55_PLUS = "55_plus", "55+"


def estimated_impressions(*, budget_cents: int, cpm_cents: int) -> int:
    """Sponsored impressions the budget buys at the published price per 1,000 (rounded down)."""
    if cpm_cents <= 0:
        raise ValueError("The price per 1,000 impressions must be positive.")
    return budget_cents * 1000 // cpm_cents


def money_format(*, cents: int, currency: str) -> str:
    """ "12.50 EUR": exact, from integer minor units (every supported currency has two decimals)."""
    return f"{money_amount(cents=cents)} {currency.upper()}"


def money_amount(*, cents: int) -> str:
    """ "1,012.50": the number of ``money_format`` alone, for a column headed with its currency."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"


# What a ratio with nothing to divide by reads as on the results page.
NOTHING_YET = "—"


def result_cost_cents(*, spent_cents: int, results: int) -> int | None:
    """What one result cost, in cents rounded half up; None before the first result."""
    if results <= 0:
        return None
    return (2 * spent_cents + results) // (2 * results)


def share_format(*, part: int, whole: int) -> str:
    """ "2.5%": ``part`` of ``whole`` to one decimal, or "—" when ``whole`` is zero."""
    if whole <= 0:
        return NOTHING_YET
    return f"{100 * part / whole:.1f}%"


def seconds_format(*, seconds: float, per: int) -> str:
    """ "4.2 s": ``seconds`` shared out ``per`` (e.g. watch time per view), or "—" when ``per`` is zero."""
    if per <= 0:
        return NOTHING_YET
    return f"{seconds / per:.1f} s"


# Adult age bands by completed years: (band, first year, first year of the next band).
_ADULT_BAND_YEARS = (
    (AdultAgeBand.AGE_18_24, 18, 25),
    (AdultAgeBand.AGE_25_34, 25, 35),
    (AdultAgeBand.AGE_35_54, 35, 55),
    (AdultAgeBand.AGE_55_PLUS, 55, 1000),
)


def adult_band(years: int | None) -> AdultAgeBand | None:
    """The targeting band of an age; None for a minor or an unknown age, who are never targeted."""
    if years is None:
        return None
    for band, first, after in _ADULT_BAND_YEARS:
        if first <= years < after:
            return band
    return None


def adult_band_years(band: str) -> tuple[int, int]:
    """The completed years ``[first, after)`` of an adult band."""
    for known, first, after in _ADULT_BAND_YEARS:
        if known == band:
            return first, after
    raise ValueError(f"Not an adult age band: {band!r}")


def spend_for(*, impressions: int, cpm_cents: int) -> int:
    """What ``impressions`` cost at ``cpm_cents`` per 1,000, in whole cents rounded down (the business's
    favour); the same arithmetic as the charging UPDATE, so the two never disagree."""
    return impressions * cpm_cents // 1000


def even_spend_share(*, starts: float, ends: float, now: float) -> float:
    """The share of its budget a promotion should have spent by ``now`` (timestamps) to spend evenly."""
    if ends <= starts:
        return 1.0
    return min(1.0, max(0.0, (now - starts) / (ends - starts)))


def even_spend_line(*, budget_cents: int, starts: float, ends: float, now: float) -> float:
    """What a promotion should have spent by ``now`` (timestamps) to spend its budget evenly."""
    return budget_cents * even_spend_share(starts=starts, ends=ends, now=now)


# An account younger than this is not charged for: fake adult accounts are made in seconds.
CHARGEABLE_ACCOUNT_AGE = datetime.timedelta(days=1)


def account_old_enough_to_charge(*, joined_at: datetime.datetime, now: datetime.datetime) -> bool:
    return now - joined_at >= CHARGEABLE_ACCOUNT_AGE


def budget_takes_one_more(*, impressions: int, cpm_cents: int, budget_cents: int) -> bool:
    """Whether one more impression stays within the budget: the charging UPDATE's own condition."""
    return (impressions + 1) * cpm_cents <= budget_cents * 1000


def pacing_deficit(
    *, spent_cents: float, budget_cents: int, cpm_cents: int, starts: float, ends: float, now: float
) -> float | None:
    """How far behind its even-spend line a promotion is, as a share of its budget; None when it may not
    take one more impression now (it is ahead of the line, or the impression would overspend)."""
    if spent_cents + cpm_cents / 1000 > budget_cents:
        return None
    deficit = even_spend_share(starts=starts, ends=ends, now=now) - spent_cents / budget_cents
    return deficit if deficit >= 0 else None


def reach_range(
    *, audience: int, budget_cents: int, cpm_cents: int, duration_days: int, frequency_cap: int
) -> tuple[int, int]:
    """People a promotion may reach: at least the impressions spread at the daily frequency cap, at most
    one impression each, and never more than the matching audience."""  # fmt: skip
    impressions = estimated_impressions(budget_cents=budget_cents, cpm_cents=cpm_cents)
    per_person = max(1, frequency_cap * max(1, duration_days))
    low = min(audience, -(-impressions // per_person))
    high = min(audience, impressions)
    return low, high
