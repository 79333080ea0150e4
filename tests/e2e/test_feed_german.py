"""On a phone whose browser asks for German: the feed's player speaks German, the labels its JavaScript
writes (the sound button, the follow button, the live region, toasts) as much as the page's own."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.clips import Clips
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import PHONE, with_rendition
from tests.factories import CreatorFactory, published_video

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_feed_at_390_px_in_german(live_server, browser: Browser, clips: Clips, settings):
    media_root = Path(settings.MEDIA_ROOT)
    creator = CreatorFactory.create(handle="baeckerei_huber", display_name="Bäckerei Huber")
    for index in range(3):
        video = published_video(owner=creator, caption=f"Frische Brezn Nummer {index}")
        with_rendition(video, clips.portrait, media_root)

    context = browser.new_context(locale="de-DE", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url)
        expect(page.locator("html")).to_have_attribute("lang", "de")
        slide = page.get_by_test_id("current-slide")
        expect(slide).to_be_visible()
        # The rail's buttons, named for screen readers (the page's words, then the script's counts).
        expect(slide.get_by_role("button", name="Nichts für mich: weniger davon zeigen")).to_be_visible()
        expect(slide.get_by_role("button", name="Dieses Video melden")).to_be_visible()
        expect(slide.get_by_role("button", name="Link zu diesem Video kopieren")).to_be_visible()
        # Written by JavaScript: the sound button's name, the follow link's name, the live region.
        expect(page.get_by_test_id("sound-toggle")).to_have_attribute("aria-label", "Ton einschalten")
        expect(slide.get_by_test_id("follow-login")).to_have_attribute(
            "aria-label", "Melde dich an, um @baeckerei_huber zu folgen"
        )
        expect(page.locator("[data-role=announce]")).to_contain_text("von @baeckerei_huber")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "test_the_feed_at_390_px_in_german--player.png"))
        # A toast from the script: "not for me" says so in German.
        slide.get_by_test_id("not-interested-button").click()
        expect(page.get_by_test_id("toast")).to_have_text("Wir zeigen dir weniger Videos wie dieses")
        page.screenshot(path=str(SCREENSHOTS / "test_the_feed_at_390_px_in_german--toast.png"))
    finally:
        context.close()
