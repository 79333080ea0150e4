"""The reach estimate respects what serving really does: the frequency cap, the days, how often the
audience opens the app, and the budget; it says plainly when the audience is too small for the budget."""

import pytest
from django.utils import timezone

from businesses import selectors
from businesses.models import Promotion
from businesses.rules import budget_total_cents, delivery_estimate, estimate_sentences
from tests.businesses.helpers import active_adult, business_with_video

REACH = "/api/v1/business/reach-estimate"


def _estimate(activity, *, budget_cents=25_00, days=5, cap=3, cpm_cents=6_00):
    return delivery_estimate(
        activity=activity,
        budget_cents=budget_cents,
        cpm_cents=cpm_cents,
        duration_days=days,
        frequency_cap=cap,
    )


def test_four_people_over_five_days_never_get_more_than_the_cap_allows():
    """25 EUR at 6 EUR per 1,000 pays for 4,166 views; four people, even active every day, take 60."""
    estimate = _estimate({28: 4})
    assert estimate.bought == 4166
    assert estimate.ceiling == 4 * 3 * 5
    assert (estimate.impressions_low, estimate.impressions_high) == (20, 60)
    assert (estimate.reach_low, estimate.reach_high) == (4, 4)
    # 60 views at 6.00 EUR per 1,000 cost 0.36 EUR; the other 24.64 EUR is never spent.
    assert (estimate.spendable_cents, estimate.unspent_cents, estimate.is_budget_too_big) == (36, 24_64, True)


@pytest.mark.parametrize("days", [1, 2, 5, 30, 60])
@pytest.mark.parametrize("cap", [1, 3, 5])
@pytest.mark.parametrize("activity", [{28: 4}, {1: 4}, {28: 1, 14: 2, 3: 1}, {7: 1000}])
def test_the_estimate_never_exceeds_people_times_the_cap_times_the_days(days, cap, activity):
    estimate = _estimate(activity, budget_cents=10_000_00, days=days, cap=cap)
    people = sum(activity.values())
    assert estimate.impressions_low <= estimate.impressions_high <= people * cap * days == estimate.ceiling
    assert estimate.reach_low <= estimate.reach_high <= people
    assert estimate.reach_high <= estimate.impressions_high


def test_people_who_rarely_open_the_app_take_fewer_views():
    """Active on 7 of 28 days: a quarter of the promotion's 8 days, so 2 days each."""
    estimate = _estimate({7: 10}, days=8)
    assert (estimate.impressions_low, estimate.impressions_high) == (20, 60)  # 10 × 2 days × 1 to 3
    # The chance of opening the app at least once in 8 days: 1 - 0.75⁸ ≈ 0.90, so about 9 of the 10.
    assert estimate.reach_high == 9
    # The budget buys more than they can take: everyone likely to come is reached.
    assert estimate.reach_low == 9


def test_a_budget_the_audience_can_take_is_bought_in_full_and_nothing_is_left():
    estimate = _estimate({28: 10_000}, budget_cents=12_00, days=7)
    assert (estimate.bought, estimate.impressions_low, estimate.impressions_high) == (2000, 2000, 2000)
    # At most one each; at least the regulars, shown it on each of the 7 days: 2,000 / 7.
    assert (estimate.reach_low, estimate.reach_high) == (286, 2000)
    assert (estimate.spendable_cents, estimate.unspent_cents, estimate.is_budget_too_big) == (12_00, 0, False)


def test_no_audience_buys_nothing():
    estimate = _estimate({})
    assert (estimate.audience, estimate.impressions_high, estimate.reach_high) == (0, 0, 0)
    assert estimate.unspent_cents == 25_00
    assert estimate_sentences(estimate=estimate, duration_days=5, frequency_cap=3, currency="eur") == [
        "No adult viewers active in the last 28 days match this audience yet, so it would spend nothing "
        "(an unspent budget is refunded when the promotion ends)."
    ]


def test_the_sentences_say_what_the_budget_really_buys():
    estimate = _estimate({28: 4})
    assert estimate_sentences(estimate=estimate, duration_days=5, frequency_cap=3, currency="eur") == [
        "Estimated reach: about 4 people, 20–60 sponsored views in 5 days.",
        "4 matching adults opened the app in the last 28 days; each sees a promotion at most 3 times a day.",
        "This audience is too small for the budget: it can take at most 60 sponsored views in 5 days "
        "≈ 0.36 EUR of the 25.00 EUR. The rest (24.64 EUR) would not be spent and is refunded when the "
        "promotion ends. Choose a wider audience, more days or a smaller budget.",
    ]


def test_a_daily_budget_is_times_the_days_and_a_total_stays_as_it_is():
    assert budget_total_cents(amount_cents=5_00, per="day", duration_days=5) == 25_00
    assert budget_total_cents(amount_cents=25_00, per="total", duration_days=5) == 25_00


# --- from the database ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_activity_is_counted_in_days_with_signals_out_of_the_last_28():
    for active in (28, 28, 7, 1):
        active_adult(active_days=active)
    active_adult(active_days=28, years=16)  # a minor: never in an audience
    activity = selectors.reach_activity(regions=[], topic_ids=[], age_bands=[], now=timezone.now())
    assert activity == {28: 2, 7: 1, 1: 1}


@pytest.mark.django_db
def test_the_api_estimates_a_daily_budget_and_says_the_audience_is_too_small(api_client, settings):
    settings.PROMOTION_CPM_CENTS, settings.PROMOTION_FREQUENCY_CAP = 6_00, 3
    for _ in range(4):
        active_adult(active_days=28)
    business, _ = business_with_video()
    api_client.force_authenticate(business.creator.user)
    daily = api_client.get(f"{REACH}?budget_cents=500&budget_per=day&duration_days=5").json()
    total = api_client.get(f"{REACH}?budget_cents=2500&duration_days=5").json()
    assert daily == total
    assert {key: total[key] for key in (
        "audience", "impressions", "impressions_low", "impressions_high", "ceiling", "low", "high", "budget",
        "spendable_cents", "unspent_cents", "is_budget_too_big", "frequency_cap",
    )} == {
        "audience": 4, "impressions": 4166, "impressions_low": 20, "impressions_high": 60, "ceiling": 60, "low": 4,
        "high": 4, "budget": "25.00 EUR", "spendable_cents": 36, "unspent_cents": 24_64, "is_budget_too_big": True,
        "frequency_cap": 3,
    }  # fmt: skip
    assert total["sentences"][2].startswith(
        "This audience is too small for the budget: it can take at most 60"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("budget_cents=100&budget_per=day&duration_days=5", {"budget_cents": ["The budget must be between 10 and 10000 EUR."]}),
        ("budget_cents=500&budget_per=week&duration_days=5", {"budget_per": ['"week" is not a valid choice.']}),
    ],
)  # fmt: skip
def test_a_bad_daily_budget_is_refused_and_nothing_is_written(api_client, query, errors):
    business, _ = business_with_video()
    api_client.force_authenticate(business.creator.user)
    response = api_client.get(f"{REACH}?{query}")
    assert response.status_code == 400
    body = response.json()
    body.pop("codes")
    assert body == errors
    assert not Promotion.objects.exists()
