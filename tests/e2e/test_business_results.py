"""A business reads its promotion's results in the browser: figures, a uPlot chart and the table, on a
phone without sideways scrolling and on a desktop."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from businesses.models import Promotion, PromotionDay, PromotionDelivery
from tests.businesses.helpers import business_with_video
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _running_promotion():
    business, video = business_with_video()
    now = timezone.now()
    promotion = Promotion.objects.create(
        business=business, video=video, goal="website_visits", budget_cents=80_00, currency="EUR",
        duration_days=7, cpm_cents=2_00, state="active", paid_at=now - datetime.timedelta(days=4),
        starts_at=now - datetime.timedelta(days=3), ends_at=now + datetime.timedelta(days=4),
    )  # fmt: skip
    today = timezone.localdate()
    for back, impressions in ((3, 820), (2, 1240), (1, 960), (0, 410)):
        day = today - datetime.timedelta(days=back)
        PromotionDay.objects.create(
            promotion=promotion, day=day, impressions=impressions, spent_cents=impressions * 2,
            views=impressions // 3, watch_seconds=impressions * 1.9, completions=impressions // 12,
            likes=impressions // 40, follows=impressions // 150, profile_visits=impressions // 90,
            website_clicks=impressions // 60,
        )  # fmt: skip
        for person in range(5 + back):
            PromotionDelivery.objects.create(
                promotion=promotion, viewer_key=f"u:{person}", day=day, served=1, impressions=1
            )
    return business, promotion


def test_the_results_page_draws_the_daily_chart_on_a_phone_and_a_desktop(live_server, page, screenshot):
    business, promotion = _running_promotion()
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/accounts/login/?next=/business/promotions/{promotion.public_id}/")
    page.get_by_label("Email").fill(business.creator.user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    expect(page.locator("[data-figure=impressions]")).to_have_text("3430")
    expect(page.locator("[data-figure=reach]")).to_have_text("8")
    expect(page.locator("[data-results-chart] canvas")).to_have_count(1)
    # The chart's numbers for screen readers: a hidden table with a row per day.
    expect(page.locator("[data-results-chart] table.visually-hidden tbody tr")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    chart_width = page.locator("[data-results-chart] canvas").bounding_box()["width"]
    assert 200 <= chart_width <= 375
    # Every column of the day table fits the phone too.
    widths = page.evaluate(
        "(box => [box.scrollWidth, box.clientWidth])(document.querySelector('.table-scroll'))"
    )
    assert widths[0] <= widths[1], widths
    screenshot("phone-375")

    page.set_viewport_size({"width": 1280, "height": 800})
    # The chart follows its container's width.
    page.wait_for_function(
        "document.querySelector('[data-results-chart] canvas').getBoundingClientRect().width > 500"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("desktop-1280")
