"""The published price table (kept by each promotion) and the estimated reach from the real audience."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from businesses import selectors, services
from businesses.models import Promotion, PromotionPrice
from creators.models import Topic
from feeds.models import InterestProfile
from platform.models import AuditEntry
from tests.businesses.helpers import business_with_video
from tests.factories import UserFactory, VideoFactory, born_years_ago

pytestmark = pytest.mark.django_db

PRICES = "/api/v1/business/prices"
REACH = "/api/v1/business/reach-estimate"


def _create(business, video, **fields):
    return services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=50_00, duration_days=7, **fields
    )


def test_without_a_price_table_the_price_comes_from_settings(settings):
    settings.PROMOTION_CPM_CENTS, settings.PROMOTION_CPM_CUSTOM_CENTS = 6_00, 8_00
    assert services.price_for(audience="automatic") == (600, "eur")
    assert services.price_for(audience="custom") == (800, "eur")
    business, video = business_with_video()
    assert _create(business, video).cpm_cents == 600


def test_the_price_table_wins_and_a_promotion_keeps_the_price_it_was_made_at(settings):
    settings.PROMOTION_CPM_CENTS, settings.PROMOTION_CPM_CUSTOM_CENTS = 6_00, 8_00
    services.promotion_price_set(audience="automatic", cpm_cents=4_50, currency="eur", actor=None)
    assert services.price_for(audience="automatic") == (450, "eur")
    assert services.price_for(audience="custom") == (800, "eur")
    business, video = business_with_video()
    first = _create(business, video)
    assert (first.cpm_cents, first.currency) == (450, "eur")

    services.promotion_price_set(audience="automatic", cpm_cents=5_00, currency="EUR", actor=None)
    first.refresh_from_db()
    assert first.cpm_cents == 450
    second = _create(business, VideoFactory.create(owner=business.creator))
    assert second.cpm_cents == 500
    custom = _create(business, VideoFactory.create(owner=business.creator), audience="custom")
    assert custom.cpm_cents == 800


def test_changing_the_price_table_is_audited_from_and_to(settings):
    settings.PROMOTION_CPM_CENTS = 6_00
    boss = UserFactory.create(is_staff=True)
    price = services.promotion_price_set(audience="automatic", cpm_cents=4_50, currency="eur", actor=boss)
    services.promotion_price_set(audience="automatic", cpm_cents=5_00, currency="eur", actor=boss)
    services.promotion_price_delete(price=price, actor=boss)
    assert not PromotionPrice.objects.exists()
    assert [
        (entry.actor, entry.action, entry.detail["from"], entry.detail["to"])
        for entry in AuditEntry.objects.order_by("pk")
    ] == [
        (boss, "promotion_price.set", None, {"cpm_cents": 450, "currency": "eur"}),
        (
            boss,
            "promotion_price.set",
            {"cpm_cents": 450, "currency": "eur"},
            {"cpm_cents": 500, "currency": "eur"},
        ),
        (
            boss,
            "promotion_price.delete",
            {"cpm_cents": 500, "currency": "eur"},
            {"cpm_cents": 600, "currency": "eur", "source": "settings"},
        ),
    ]


@pytest.mark.parametrize(
    ("cpm_cents", "currency", "errors"),
    [
        (0, "eur", {"cpm_cents": ["The price is a positive whole number of cents."]}),
        (500, "usd", {"currency": ["Prices are in EUR, the currency budgets are paid in."]}),
    ],
)
def test_a_bad_price_is_refused_and_nothing_is_written(cpm_cents, currency, errors):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.promotion_price_set(audience="automatic", cpm_cents=cpm_cents, currency=currency, actor=None)
    assert refused.value.message_dict == errors
    assert not PromotionPrice.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_prices_api_and_the_form_show_the_published_prices(api_client, settings):
    settings.PROMOTION_CPM_CENTS, settings.PROMOTION_CPM_CUSTOM_CENTS = 6_00, 8_00
    services.promotion_price_set(audience="custom", cpm_cents=9_25, currency="eur", actor=None)
    business, _ = business_with_video()
    api_client.force_authenticate(business.creator.user)
    response = api_client.get(PRICES)
    assert response.status_code == 200
    assert response.json() == [
        {
            "audience": "automatic",
            "name": "Automatic (adults likely to enjoy it)",
            "cpm_cents": 600,
            "currency": "eur",
            "display": "6.00 EUR",
        },
        {"audience": "custom", "name": "Custom", "cpm_cents": 925, "currency": "eur", "display": "9.25 EUR"},
    ]
    page = Client()
    page.force_login(business.creator.user)
    html = page.get("/business/promotions/new").content.decode()
    assert "6.00 EUR for the automatic audience" in html
    assert "9.25 EUR for a custom one" in html
    assert 'data-reach-url="/api/v1/business/reach-estimate"' in html


# --- Estimated reach -------------------------------------------------------------------------------------


def _viewer(*, years, region="DE-BY", days_ago=3, weights=None, **user_fields):
    user_fields.setdefault("date_joined", timezone.now() - datetime.timedelta(days=2))
    user = UserFactory.create(
        date_of_birth=born_years_ago(years) if isinstance(years, int) else years, region=region, **user_fields
    )
    return InterestProfile.objects.create(
        viewer_key=f"u:{user.pk}",
        user=user,
        weights={"t": weights or {}},
        updated_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def audience():
    """Two matching adults (30 and 24) and one of each kind that must never be counted."""
    food, sports = Topic.objects.get(slug="food").pk, Topic.objects.get(slug="sports").pk
    likes_food = {str(food): 0.8}
    viewers = {
        "adult_30": _viewer(years=30, weights=likes_food),
        "adult_24": _viewer(years=25, weights={str(food): 0.2, str(sports): 1.0}),
        "minor_17": _viewer(years=17, weights=likes_food),
        "minor_13": _viewer(years=13, weights=likes_food),
        "age_unknown": _viewer(years=None, weights=likes_food),
        "inactive_29_days": _viewer(years=30, days_ago=29, weights=likes_food),
        "other_region": _viewer(years=30, region="DE-BE", weights=likes_food),
        "other_topic": _viewer(years=30, weights={str(food): -0.4, str(sports): 0.9}),
        "deactivated": _viewer(years=30, weights=likes_food, is_active=False),
        # Joined an hour ago: charging would not count its impressions, so neither does the estimate.
        "too_new": _viewer(
            years=30, weights=likes_food, date_joined=timezone.now() - datetime.timedelta(hours=1)
        ),
    }
    # Anonymous viewers (no user) are never counted.
    InterestProfile.objects.create(viewer_key="a:someone", weights={"t": likes_food})
    # The 24-year-old: born 25 years ago tomorrow.
    viewers["adult_24"].user.date_of_birth = born_years_ago(25, days=1)
    viewers["adult_24"].user.save(update_fields=["date_of_birth"])
    return viewers


def _estimate(**fields):
    arguments = {
        "audience": "custom",
        "regions": [],
        "topic_slugs": [],
        "age_bands": [],
        "budget_cents": 10_00,
        "duration_days": 7,
        **fields,
    }
    return selectors.reach_estimate(**arguments)


def test_reach_counts_only_adults_active_in_the_last_28_days_who_match(audience, settings):
    settings.PROMOTION_CPM_CUSTOM_CENTS = 8_00
    # Any adult active in 28 days: the two, the other region and the other topic.
    assert _estimate().audience == 4
    assert _estimate(regions=["DE-BY"]).audience == 3
    assert _estimate(regions=["de-by"], topic_slugs=["food"]).audience == 2
    assert _estimate(regions=["DE-BY"], topic_slugs=["food", "sports"]).audience == 3
    assert _estimate(topic_slugs=["food"], age_bands=["25_34"]).audience == 2  # 30 and the other region
    assert _estimate(topic_slugs=["food"], age_bands=["18_24"]).audience == 1
    assert _estimate(age_bands=["35_54", "55_plus"]).audience == 0
    # An automatic audience ignores the targeting, as the promotion would.
    assert _estimate(audience="automatic", regions=["DE-BE"], topic_slugs=["music"]).audience == 4


def _born(years, *, days=0):
    profile = _viewer(years=30)
    profile.user.date_of_birth = born_years_ago(years, days=days)
    profile.user.save(update_fields=["date_of_birth"])


def test_the_age_band_edges_follow_birthdays():
    _born(55)  # 55 today: 55+
    _born(90)
    _born(55, days=1)  # 55 tomorrow: still 35-54
    _born(18)  # 18 today: an adult
    _born(18, days=1)  # 18 tomorrow: still a minor, never counted
    assert _estimate(age_bands=["55_plus"]).audience == 2
    assert _estimate(age_bands=["35_54"]).audience == 1
    assert _estimate(age_bands=["18_24"]).audience == 1
    assert _estimate(age_bands=["18_24", "55_plus"]).audience == 3
    assert _estimate().audience == 4


def test_the_estimate_is_a_range_the_audience_can_take(audience, settings):
    settings.PROMOTION_CPM_CUSTOM_CENTS, settings.PROMOTION_FREQUENCY_CAP = 8_00, 3
    estimate = _estimate(budget_cents=10_00, duration_days=7)
    # 1,250 impressions paid for; four people with no signals (active on one day of 28) take 1 of 7 days'
    # worth: 4 × 7/28 = 1 view once a day, 3 at the cap, never the 1,250.
    assert (estimate.audience, estimate.impressions, estimate.impressions_low, estimate.impressions_high) == (
        4,
        1250,
        1,
        3,
    )
    assert (estimate.low, estimate.high, estimate.ceiling) == (1, 1, 4 * 3 * 7)
    assert (estimate.spendable_cents, estimate.unspent_cents, estimate.is_budget_too_big) == (2, 9_98, True)
    assert (estimate.cpm_cents, estimate.currency) == (800, "eur")


def test_the_reach_api_answers_for_the_form(api_client, audience, settings):
    settings.PROMOTION_CPM_CUSTOM_CENTS, settings.PROMOTION_FREQUENCY_CAP = 8_00, 3
    business, _ = business_with_video()
    api_client.force_authenticate(business.creator.user)
    response = api_client.get(
        f"{REACH}?audience=custom&regions=DE-BY,DE-BE&topics=food&age_bands=25_34&age_bands=18_24"
        "&budget_cents=1000&duration_days=7"
    )
    assert response.status_code == 200
    body = response.json()
    assert {
        key: body[key]
        for key in ("audience", "impressions", "ceiling", "cpm_cents", "currency", "cpm_display")
    } == {
        "audience": 3,
        "impressions": 1250,
        "ceiling": 3 * 3 * 7,
        "cpm_cents": 800,
        "currency": "eur",
        "cpm_display": "8.00 EUR",
    }
    assert body["impressions_high"] <= body["ceiling"]
    assert body["is_budget_too_big"] is True
    assert body["sentences"][-1].startswith("This audience is too small for the budget")


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("budget_cents=ten&duration_days=7", {"budget_cents": ["A valid integer is required."]}),
        ("duration_days=7", {"budget_cents": ["This field is required."]}),
        (
            "budget_cents=999&duration_days=7",
            {"budget_cents": ["The budget must be between 10 and 10000 EUR."]},
        ),
        (
            "budget_cents=-5000&duration_days=7",
            {"budget_cents": ["The budget must be between 10 and 10000 EUR."]},
        ),
        ("budget_cents=5000&duration_days=0", {"duration_days": ["A promotion runs from 1 to 60 days."]}),
        ("budget_cents=5000&duration_days=61", {"duration_days": ["A promotion runs from 1 to 60 days."]}),
        (
            "audience=custom&age_bands=16_17&budget_cents=5000&duration_days=7",
            {"age_bands": ["Promotions reach adults only: choose from 18–24, 25–34, 35–54 and 55+."]},
        ),
        (
            "audience=custom&regions=DE-BY,XX-00&budget_cents=5000&duration_days=7",
            {"regions": ["Use ISO 3166-2 region codes, such as DE-BY."]},
        ),
        (
            "audience=custom&topics=nope&budget_cents=5000&duration_days=7",
            {"topics": ["Choose topics from the list."]},
        ),
        (
            "audience=everyone&budget_cents=5000&duration_days=7",
            {"audience": ['"everyone" is not a valid choice.']},
        ),
    ],
)
def test_the_reach_api_refuses_bad_input_and_writes_nothing(api_client, audience, query, errors):
    business, _ = business_with_video()
    api_client.force_authenticate(business.creator.user)
    profiles = InterestProfile.objects.count()
    response = api_client.get(f"{REACH}?{query}")
    assert response.status_code == 400
    body = response.json()
    codes = body.pop("codes")  # one code per message (their values: tests/platform/test_api_errors.py)
    assert body == errors
    assert {field: len(each) for field, each in codes.items()} == dict.fromkeys(errors, 1)
    assert InterestProfile.objects.count() == profiles
    assert not Promotion.objects.exists()
    assert not PromotionPrice.objects.exists()
    assert not AuditEntry.objects.exists()


def test_minors_and_strangers_are_refused_on_the_price_and_reach_api(api_client):
    business, _ = business_with_video(years=17)
    query = f"{REACH}?budget_cents=5000&duration_days=7"
    assert api_client.get(PRICES).status_code == 401
    assert api_client.get(query).status_code == 401
    api_client.force_authenticate(business.creator.user)
    for url in (PRICES, query):
        response = api_client.get(url)
        assert response.status_code == 403, url
        assert response.json() == {
            "detail": "Business accounts and promotions are for adults (18+).",
            "code": "permission_denied",
        }
    # An adult without a business profile has no reach tool.
    api_client.force_authenticate(UserFactory.create())
    assert api_client.get(query).status_code == 404
    assert not Promotion.objects.exists()
