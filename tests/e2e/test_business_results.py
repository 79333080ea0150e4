"""A business reads its promotion's results in the browser: figures, a uPlot chart and the table, on a
phone without sideways scrolling and on a desktop."""

import pytest
from playwright.sync_api import expect

from tests.businesses.helpers import running_promotion
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_results_page_draws_the_daily_chart_on_a_phone_and_a_desktop(live_server, page, screenshot):
    business, promotion = running_promotion()
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
