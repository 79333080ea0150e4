"""The rules of promotions that need no database: states and their moves, and the published price.

Services feed these with plain values; their tests need no database.
"""

from __future__ import annotations

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
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d} {currency.upper()}"
