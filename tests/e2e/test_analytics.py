"""A creator reads their analytics in the browser: the overview's uPlot charts draw, the audience and the
videos show, and a video's page draws its retention curve against the creator's median video, on a
desktop and on a phone without sideways scrolling of the page."""

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD
from tests.feeds.analytics_seed import seeded_creator

pytestmark = pytest.mark.django_db(transaction=True)

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def _chart_width(page, name: str) -> float:
    box = page.locator(f"[data-chart={name}] canvas").bounding_box()
    assert box is not None
    return float(box["width"])


def test_a_creator_reads_the_overview_and_a_videos_retention(live_server, page, screenshot):
    seeded = seeded_creator()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/studio/")
    page.get_by_label("Email").fill(seeded.creator.user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Analytics", exact=True).first.click()

    expect(page.get_by_role("heading", name="Analytics", exact=True)).to_be_visible()
    expect(page.locator("[data-metric=views] .metric-value")).to_have_text("20")
    # The daily chart drew: one canvas, the legend with both series, the hidden table with 28 days.
    expect(page.locator("[data-chart=activity] canvas")).to_have_count(1)
    expect(page.locator("[data-chart=activity] .u-legend .u-series")).to_have_count(2)
    expect(page.locator("[data-chart=activity] .u-legend")).to_contain_text("Unique viewers")
    expect(page.locator("[data-chart=activity] table.visually-hidden tbody tr")).to_have_count(28)
    assert _chart_width(page, "activity") > 500
    expect(page.locator("[data-chart=followers] canvas")).to_have_count(1)
    expect(page.locator("[data-chart=follows] .u-legend")).to_contain_text("Lost")
    expect(page.locator("[data-role=heatmap]")).to_be_visible()
    assert page.evaluate(FITS)
    screenshot("overview-desktop-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(
        "document.querySelector('[data-chart=activity] canvas').getBoundingClientRect().width < 390"
    )
    assert page.evaluate(FITS)
    assert 200 <= _chart_width(page, "activity") <= 390
    screenshot("overview-phone-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("[data-role=top-videos]").get_by_role("link", name="Bread at dawn").click()
    expect(page.get_by_role("heading", name="Bread at dawn")).to_be_visible()
    expect(page.locator("[data-metric=views] .metric-value")).to_have_text("17")
    # The retention chart drew both curves: this video and the creator's median video.
    expect(page.locator("[data-chart=retention] canvas")).to_have_count(1)
    legend = page.locator("[data-chart=retention] .u-legend .u-series")
    expect(legend).to_have_count(2)
    expect(legend.nth(0)).to_contain_text("This video")
    expect(legend.nth(1)).to_contain_text("Your median video")
    expect(page.locator("[data-chart=retention] table.visually-hidden tbody tr")).to_have_count(11)
    expect(page.locator("[data-chart=retention] table.visually-hidden tbody tr").last).to_have_text(
        "100%71%77%"
    )
    expect(page.locator("[data-chart=views] canvas")).to_have_count(1)
    assert _chart_width(page, "retention") > 500
    assert page.evaluate(FITS)
    screenshot("video-desktop-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(
        "document.querySelector('[data-chart=retention] canvas').getBoundingClientRect().width < 390"
    )
    assert page.evaluate(FITS)
    screenshot("video-phone-390")
