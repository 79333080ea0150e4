"""Data saver, in a real Chromium at phone size (390x844 at 3x, where the 540 px rung fits the player):
switched on in account settings, the feed keeps to the ladder's lowest rung; switched off, it climbs."""

import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from creators.models import Video
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import PHONE, log_in, video_with_ladder
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SECONDS = 8.0


@pytest.fixture
def streamed_video(tmp_path: Path, settings) -> Video:
    """A published video with a real two-rung ladder (360 and 540 px, with sound) and its MP4."""
    return video_with_ladder(
        folder=tmp_path, media_root=Path(settings.MEDIA_ROOT), seconds=SECONDS, caption="Saver"
    )


def test_data_saver_keeps_the_feed_on_the_lowest_rung_until_switched_off(
    live_server, browser: Browser, streamed_video
):
    viewer = UserFactory.create()
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=3)
    page = context.new_page()
    prefix = f"/v/{streamed_video.public_id}/stream/{streamed_video.rendition_version}/"
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    def segments() -> list[str]:
        return [
            url.split(prefix, 1)[1]
            for url in requested
            if prefix in url and url.endswith(".m4s") and "/audio/" not in url
        ]

    log_in(page, live_server.url, viewer.email)  # back on the home page, the feed

    def open_settings() -> None:
        """From the header, as a person finds it: the account menu, then Settings."""
        page.get_by_test_id("account-menu").click()
        page.get_by_test_id("account-menu-panel").get_by_role("link", name="Settings").click()

    open_settings()
    saver = page.get_by_role("checkbox", name="Data saver")
    expect(saver).not_to_be_checked()  # unchosen, and Chromium's own data saver is off
    saver.check()
    expect(page.get_by_test_id("data-saver-status")).to_have_text("Data saver is on for this device.")
    page.get_by_test_id("playback-settings").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "data-saver-settings--390px.png"))

    page.get_by_role("link", name="Joyreel home").click()  # the header's logo: home, the feed
    video = page.get_by_test_id("current-video")
    expect(video).to_have_attribute("data-data-saver", "on")
    page.wait_for_function("document.querySelector('[data-testid=current-video]').currentTime > 5.5")
    assert video.get_attribute("data-engine") == "hls.js"
    assert len(set(segments())) >= 3
    assert all(name.startswith("v360/") for name in segments()), segments()

    open_settings()
    expect(page.get_by_role("checkbox", name="Data saver")).to_be_checked()  # remembered on this device
    page.get_by_role("checkbox", name="Data saver").uncheck()
    expect(page.get_by_test_id("data-saver-status")).to_have_text("Data saver is off for this device.")
    requested.clear()
    page.get_by_role("link", name="Joyreel home").click()
    expect(page.get_by_test_id("current-video")).to_have_attribute("data-data-saver", "off")
    deadline = time.monotonic() + 30
    while not any(name.startswith("v540/") for name in segments()) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert any(name.startswith("v540/") for name in segments()), segments()
    context.close()
