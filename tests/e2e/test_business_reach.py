"""The new-promotion form estimates the reach as the business fills it in, from the real audience."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from creators.models import Topic
from feeds.models import InterestProfile
from tests.businesses.helpers import business_with_video
from tests.factories import TEST_PASSWORD, UserFactory, born_years_ago

pytestmark = pytest.mark.django_db(transaction=True)


def _viewer(*, years: int, region: str, weights: dict[str, float]) -> None:
    user = UserFactory.create(date_of_birth=born_years_ago(years), region=region)
    InterestProfile.objects.create(
        viewer_key=f"u:{user.pk}",
        user=user,
        weights={"t": weights},
        updated_at=timezone.now() - datetime.timedelta(days=1),
    )


def test_the_estimated_reach_follows_the_form(live_server, page, settings):
    settings.PROMOTION_CPM_CENTS, settings.PROMOTION_CPM_CUSTOM_CENTS = 6_00, 8_00
    food = str(Topic.objects.get(slug="food").pk)
    _viewer(years=30, region="DE-BY", weights={food: 1.0})
    _viewer(years=40, region="DE-BE", weights={food: 1.0})
    _viewer(years=16, region="DE-BY", weights={food: 1.0})  # a minor: never counted
    business, _ = business_with_video()
    page.goto(f"{live_server.url}/accounts/login/?next=/business/promotions/new")
    page.get_by_label("Email").fill(business.creator.user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    estimate = page.locator("[data-reach-estimate]")
    expect(estimate).to_have_text("Enter a budget and a duration to see the estimated reach.")
    page.get_by_label("Total budget (EUR)").fill("12")
    # 12.00 EUR at 6.00 EUR per 1,000: 2,000 sponsored views; the two adults.
    expect(estimate).to_contain_text("Estimated reach: 2–2 people (2,000 sponsored views at 6.00 EUR")
    page.get_by_role("radio", name="Custom").check()
    page.get_by_label("Regions (custom audience)").fill("DE-BY")
    expect(estimate).to_contain_text("Estimated reach: 1–1 people (1,500 sponsored views at 8.00 EUR")
    page.get_by_label("Regions (custom audience)").fill("XX-00")
    expect(estimate).to_have_text("Use ISO 3166-2 region codes, such as DE-BY.")
