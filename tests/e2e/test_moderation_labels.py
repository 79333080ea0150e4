"""Moderation labels in a real Chromium at phone width: the unverified banner in the player, "Share anyway?"
before sharing such a video (and the share signal only after yes), and the admin's transparency page."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from creators import services as creator_services
from creators.models import Decision, Report
from feeds.models import Signal
from tests.clips import Clips
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import with_rendition
from tests.factories import TEST_PASSWORD, CreatorFactory, UserFactory, published_video
from tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

PHONE: ViewportSize = {"width": 390, "height": 844}


def test_an_unverified_video_shows_its_banner_and_asks_before_sharing(
    live_server, browser: Browser, clips: Clips, settings
):
    unverified = published_video(
        owner=CreatorFactory.create(), caption="The moon is cheese", is_unverified=True
    )
    with_rendition(unverified, clips.portrait, Path(settings.MEDIA_ROOT))
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/v/{unverified.public_id}/")
    slide = page.get_by_test_id("current-slide")
    expect(slide.get_by_test_id("unverified-banner")).to_have_text(
        "This video contains claims that could not be verified"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "unverified-banner--390px.png"))

    slide.get_by_test_id("share-button").click()
    confirm = page.get_by_test_id("share-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Share anyway?")
    page.screenshot(path=str(SCREENSHOTS / "unverified-share-confirm--390px.png"))
    confirm.get_by_test_id("share-cancel").click()
    expect(confirm).to_be_hidden()

    slide.get_by_test_id("share-button").click()
    confirm.get_by_test_id("share-anyway").click()
    expect(page.get_by_test_id("toast")).to_have_text("Link copied")

    page.goto(f"{live_server.url}/guidelines/")  # leaving sends what is queued
    shares = eventually(
        lambda: Signal.objects.filter(video=unverified, kind="share").count(), timeout=15, what="the share"
    )
    assert shares == 1  # the cancelled share sent nothing
    context.close()


def test_a_labelled_free_video_shares_without_asking(live_server, browser: Browser, clips: Clips, settings):
    video = published_video(owner=CreatorFactory.create(), caption="Bread")
    with_rendition(video, clips.portrait, Path(settings.MEDIA_ROOT))
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/v/{video.public_id}/")
    slide = page.get_by_test_id("current-slide")
    expect(slide).to_be_visible()
    expect(slide.get_by_test_id("unverified-banner")).to_be_hidden()
    slide.get_by_test_id("share-button").click()
    expect(page.get_by_test_id("toast")).to_have_text("Link copied")
    expect(page.get_by_test_id("share-confirm")).to_be_hidden()
    context.close()


def test_the_transparency_page_at_phone_width(live_server, browser: Browser):
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    video = published_video()
    Report.objects.create(video=video, viewer_key="u:1", reason="misinformation")
    creator_services.decision_take(
        actor=staff,
        action=Decision.Action.LABEL_UNVERIFIED,
        facts="No source.",
        guideline="misinformation",
        video=video,
    )
    creator_services.decision_take(
        actor=None, action=Decision.Action.LIMIT, facts="Matched.", guideline="spam", video=published_video()
    )
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/transparency/")
    page.locator("#id_username").fill(staff.email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    month = page.get_by_test_id("transparency-month").first
    expect(month.get_by_test_id("reports")).to_have_text("1")
    expect(month.get_by_test_id("decisions")).to_have_text("2")
    expect(month.get_by_test_id("automated-share")).to_have_text("1 (50%)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing forces sideways scrolling
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "transparency--390px.png"), full_page=True)
    context.close()
