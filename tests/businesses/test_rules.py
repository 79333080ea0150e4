"""The promotion rules that need no database: state moves and the published price."""

import pytest

from businesses.rules import (
    TRANSITIONS,
    AdultAgeBand,
    PromotionState,
    estimated_impressions,
    may_move,
    money_format,
)


def test_a_promotion_is_paid_before_review_and_reviewed_before_it_runs():
    assert may_move(current="draft", to="awaiting_payment")
    assert may_move(current="awaiting_payment", to="in_review")
    assert may_move(current="in_review", to="active")
    assert not may_move(current="draft", to="in_review")
    assert not may_move(current="draft", to="active")
    assert not may_move(current="awaiting_payment", to="active")


@pytest.mark.parametrize("state", ["completed", "rejected", "cancelled"])
def test_finished_promotions_never_move_again(state):
    assert TRANSITIONS[PromotionState(state)] == frozenset()
    assert not any(may_move(current=state, to=to) for to in PromotionState.values)


def test_every_state_has_its_moves_listed():
    assert set(TRANSITIONS) == set(PromotionState)


def test_only_adult_age_bands_exist_for_targeting():
    assert AdultAgeBand.values == ["18_24", "25_34", "35_54", "55_plus"]


def test_the_budget_buys_impressions_at_the_published_price():
    assert estimated_impressions(budget_cents=50_00, cpm_cents=6_00) == 8333
    assert estimated_impressions(budget_cents=6_00, cpm_cents=6_00) == 1000
    with pytest.raises(ValueError, match="positive"):
        estimated_impressions(budget_cents=100, cpm_cents=0)


def test_money_is_shown_exactly_from_cents():
    assert money_format(cents=123456, currency="eur") == "1,234.56 EUR"
    assert money_format(cents=5, currency="eur") == "0.05 EUR"
    assert money_format(cents=-250, currency="usd") == "-2.50 USD"
