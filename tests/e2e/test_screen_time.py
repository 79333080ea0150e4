"""The daily screen-time limit in a real Chromium: a 14-year-old's player stops at the limit with the
passcode panel, the passcode resumes the feed, and the week's summary reads well on a phone."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from platform import age, screen_time
from platform.models import ScreenTimeDay
from tests.clips import Clips
from tests.e2e.helpers import with_rendition
from tests.factories import TEST_PASSWORD, CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("feed")).to_be_visible()


def current_video_is_playing(page: Page) -> bool:
    return bool(
        page.evaluate(
            "() => { const v = document.querySelector('[data-testid=current-video]');"
            " return Boolean(v && !v.paused && v.currentTime > 0); }"
        )
    )


def test_a_teen_reaches_the_limit_and_the_passcode_lets_them_go_on(
    live_server, page, screenshot, clips: Clips, settings
):
    page.set_viewport_size(PHONE)
    for index in range(6):
        video = published_video(owner=CreatorFactory.create(), topics=("food",), caption=f"Dish {index}")
        with_rendition(video, clips.portrait, Path(settings.MEDIA_ROOT))
    teen = UserFactory.create(
        date_of_birth=born_years_ago(14), daily_limit_minutes=1, time_zone="Europe/Berlin"
    )
    screen_time.screen_time_passcode_set(user=teen, passcode="2468", actor=teen)
    # 52 of the 60 seconds are used already: a few seconds of watching reach the limit.
    ScreenTimeDay.objects.create(user=teen, day=age.screen_time_day(user=teen), seconds=52)

    log_in(page, live_server.url, teen.email)
    limit = page.get_by_test_id("screen-limit")
    expect(limit).to_be_hidden()
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=current-video]'); return v && v.currentTime > 0; }"
    )

    # The server counts the watched seconds the player reports, and the player stops at the limit.
    expect(limit).to_be_visible(timeout=30_000)
    expect(limit.get_by_role("heading")).to_have_text("You've reached today's limit of 1 minute")
    assert not current_video_is_playing(page)
    assert ScreenTimeDay.objects.get(user=teen).seconds >= 60
    screenshot("limit-panel-390px")

    # Swiping or pressing keys does nothing while it is up; a wrong passcode says so.
    page.keyboard.press("ArrowDown")
    expect(limit).to_be_visible()
    limit.get_by_label("Passcode").fill("1111")
    limit.get_by_test_id("screen-limit-submit").click()
    expect(page.get_by_test_id("screen-limit-error")).to_have_text("That passcode is not right.")
    assert ScreenTimeDay.objects.get(user=teen).extra_minutes == 0

    limit.get_by_label("Passcode").fill("2468")
    limit.get_by_test_id("screen-limit-submit").click()
    expect(limit).to_be_hidden()
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=current-video]'); return v && !v.paused; }"
    )
    assert ScreenTimeDay.objects.get(user=teen).extra_minutes == 30

    # The week's summary at 390 px: no sideways scrolling.
    page.goto(f"{live_server.url}/accounts/screen-time/")
    expect(page.get_by_test_id("screen-time-limit")).to_have_text("1 min")
    expect(page.get_by_test_id("screen-time-table")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("week-390px")
    page.get_by_role("link", name="Change your limit, passcode or restricted mode").click()
    expect(page.get_by_test_id("screen-time-settings")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("settings-390px")


def test_a_page_opened_at_the_limit_shows_the_panel_and_plays_nothing(
    live_server, page, screenshot, clips: Clips, settings
):
    page.set_viewport_size(PHONE)
    video = published_video(owner=CreatorFactory.create(), topics=("food",))
    with_rendition(video, clips.portrait, Path(settings.MEDIA_ROOT))
    teen = UserFactory.create(date_of_birth=born_years_ago(15))
    ScreenTimeDay.objects.create(user=teen, day=age.screen_time_day(user=teen), seconds=3600)

    log_in(page, live_server.url, teen.email)
    limit = page.get_by_test_id("screen-limit")
    expect(limit).to_be_visible()
    expect(limit).to_contain_text("No passcode is set, so there is no more watching today.")
    expect(limit).not_to_contain_text("set one")  # never a hint to make up a passcode of their own
    expect(page.get_by_test_id("feed-empty")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(limit).to_be_visible()
    assert page.locator("[data-testid=current-video]").count() == 0
    screenshot("limit-without-passcode-390px")
