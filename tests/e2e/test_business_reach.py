"""The new-promotion form estimates the reach as the business fills it in, from the real audience."""

import pytest
from playwright.sync_api import expect

from creators.models import Topic
from tests.businesses.helpers import active_adult, business_with_video
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_estimated_reach_follows_the_form(live_server, page, settings):
    settings.PROMOTION_CPM_CENTS, settings.PROMOTION_CPM_CUSTOM_CENTS = 6_00, 8_00
    settings.PROMOTION_FREQUENCY_CAP = 3
    food = str(Topic.objects.get(slug="food").pk)
    active_adult(active_days=28, region="DE-BY", weights={food: 1.0})
    active_adult(active_days=28, years=40, region="DE-BE", weights={food: 1.0})
    active_adult(active_days=28, years=16, region="DE-BY", weights={food: 1.0})  # a minor: never counted
    business, _ = business_with_video()
    page.goto(f"{live_server.url}/accounts/login/?next=/business/promotions/new")
    page.get_by_label("Email").fill(business.creator.user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    estimate = page.locator("[data-reach-estimate]")
    expect(estimate).to_have_text("Enter a budget and a duration to see the estimated reach.")
    page.get_by_label("Budget (EUR)").fill("12")
    # 12.00 EUR pays for 2,000 views; the two adults, every day of 7, take 1 to 3 a day: 14–42.
    expect(estimate).to_contain_text("Estimated reach: about 2 people, 14–42 sponsored views in 7 days.")
    expect(estimate).to_contain_text("This audience is too small for the budget")
    page.get_by_role("radio", name="Custom").check()
    page.get_by_label("Regions", exact=True).fill("DE-BY")
    expect(estimate).to_contain_text("Estimated reach: about 1 person, 7–21 sponsored views in 7 days.")
    page.get_by_label("Regions", exact=True).fill("XX-00")
    expect(estimate).to_have_text("Use ISO 3166-2 region codes, such as DE-BY.")
