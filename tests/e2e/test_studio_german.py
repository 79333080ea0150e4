"""A creator whose language is German reads the studio and the analytics charts: the words and numbers the
charts' JavaScript writes (the hidden tables' headers, the days, the percentages) are German too."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.feeds.analytics_seed import seeded_creator

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_studio_and_the_analytics_charts_in_german(live_server, page, screenshot):
    seeded = seeded_creator()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, seeded.creator.user.email, next_url="/studio/")
    page.context.add_cookies([{"name": "django_language", "value": "de", "url": live_server.url}])

    page.goto(f"{live_server.url}/studio/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("link", name="Video hochladen")).to_be_visible()
    screenshot("studio-de")

    page.get_by_role("link", name="Statistiken", exact=True).first.click()
    table = page.locator("[data-chart=activity] table.visually-hidden")
    expect(table.locator("tbody tr")).to_have_count(28)
    # Written by charts/daily.js: the first column's header, and days as German dates ("6. Dez.").
    expect(table.locator("thead th").first).to_have_text("Tag")
    first_day = table.locator("tbody tr th, tbody tr td").first.inner_text()
    assert re.fullmatch(r"\d{1,2}\. \w+\.?", first_day), first_day
    screenshot("analytics-de")

    page.goto(f"{live_server.url}/studio/videos/{seeded.bread.public_id}/analytics/")
    retention = page.locator("[data-chart=retention] table.visually-hidden")
    # Written by charts/retention.js: "Ins Video hinein", and German percentages with a space ("10 %").
    expect(retention.locator("thead th").first).to_have_text("Ins Video hinein")
    expect(retention.locator("tbody tr").nth(1).locator("th, td").first).to_have_text("10\u00a0%")
    screenshot("analytics-video-de")
