"""For You never runs dry: a viewer can keep swiping long after they have seen every video there is."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.clips import Clips
from tests.e2e.helpers import DESKTOP, settled, with_rendition
from tests.factories import CreatorFactory, published_video

pytestmark = pytest.mark.django_db(transaction=True)

SWIPES = 16  # four times the catalogue


def test_for_you_keeps_going_past_the_last_video_and_says_why(
    live_server, browser: Browser, clips: Clips, settings
):
    topics = ("food", "art", "sports", "music")
    ours = set()
    for index, topic in enumerate(topics):
        video = published_video(owner=CreatorFactory.create(), topics=(topic,), caption=f"Only {index}")
        with_rendition(video, clips.portrait, Path(settings.MEDIA_ROOT))
        ours.add(str(video.public_id))
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    page.goto(live_server.url)
    settled(page, 0)
    shown = [page.locator("#feed").get_attribute("data-current-video-id")]
    for position in range(1, SWIPES + 1):
        page.keyboard.press("j")
        settled(page, position)
        expect(page.get_by_test_id("feed-end")).to_have_count(0)
        shown.append(page.locator("#feed").get_attribute("data-current-video-id"))
    assert set(shown) == ours
    assert len(shown) == SWIPES + 1
    # Every video came back more than once, and the sheet says why.
    assert all(shown.count(video_id) >= 3 for video_id in ours)
    page.get_by_test_id("current-slide").get_by_test_id("why-button").click()
    expect(page.get_by_test_id("why-reasons")).to_contain_text("here is one of your best matches again")
    context.close()
