"""A promotion from start to screen: the business pays in the browser, an admin approves it in the admin,
and an adult viewer's For You shows it, labelled, and charges it for the impression the player reports."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from businesses import gateway
from businesses.models import Payment, Promotion
from businesses.rules import spend_for
from feeds.models import Signal
from tests.businesses.conftest import localstripe, stripe_local  # noqa: F401  (the payment fixtures)
from tests.businesses.helpers import business_with_video, established_adult
from tests.clips import Clips
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import (
    log_in,
    organic_videos,
    pay_with_test_card,
    seen_in_for_you,
    settled,
    with_rendition,
)
from tests.factories import UserFactory
from tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

PHONE: ViewportSize = {"width": 375, "height": 812}
SPONSORED_INDEX = 4  # the fifth item of a For You page


def test_a_paid_and_approved_promotion_reaches_an_adult_viewer_and_charges_its_impression(
    live_server,
    browser: Browser,
    clips: Clips,
    settings,
    stripe_local,  # noqa: F811
):
    # The live server shares this process: the provider reloads its promotions on every request.
    settings.PROMOTION_SNAPSHOT_SECONDS = 0
    settings.FEED_PAGE_SIZE = 5
    media_root = Path(settings.MEDIA_ROOT)
    business, promoted = business_with_video()
    with_rendition(promoted, clips.portrait, media_root)
    organic_videos(clips.portrait, media_root)
    reviewer = UserFactory.create(is_staff=True, is_superuser=True)
    viewer = established_adult(years=31)  # charged for: not an account made a minute ago
    seen_in_for_you(viewer, promoted)
    gateway.webhook_endpoint_register_local(url=f"{live_server.url}/stripe/webhook")
    try:
        # 1. The business drafts the promotion and pays with localstripe's card form.
        context = browser.new_context(viewport=PHONE, device_scale_factor=1)
        page = context.new_page()
        log_in(page, live_server.url, business.creator.user.email, "/business/promotions/new")
        expect(page.get_by_role("heading", name="Promote a video")).to_be_visible()
        page.get_by_label("Budget (EUR)").fill("30.00")
        page.get_by_label("Duration in days").fill("3")
        page.get_by_role("button", name="Continue to payment").click()
        expect(page).to_have_url(re.compile(r"/business/promotions/[0-9a-f-]+/$"))
        pay_with_test_card(page, "30.00 EUR")
        # Only localstripe's signed webhook moves it on.
        expect(page.locator("[data-role=state]")).to_have_text("In review", timeout=30_000)
        context.close()
    finally:
        gateway.webhook_endpoint_register_local(url="http://127.0.0.1:9/stripe/webhook")
    promotion = Promotion.objects.get()
    assert (promotion.video, promotion.state) == (promoted, "in_review")
    assert Payment.objects.get().status == "succeeded"

    # 2. An admin approves it from the review queue.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server.url, reviewer.email, "/admin/businesses/promotion/?state__exact=in_review")
    row = page.get_by_role("row").filter(has_text=business.legal_name)
    row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(label="Approve (it starts running now)")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("1 promotion approved.")).to_be_visible()
    context.close()
    promotion.refresh_from_db()
    assert promotion.state == "active"

    # 3. An adult viewer opens For You on a phone and comes to the sponsored video, fifth on the page.
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server.url, viewer.email, "/")
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    settled(page, 0)
    for index in range(1, SPONSORED_INDEX + 1):
        page.keyboard.press("ArrowDown")
        settled(page, index)
    slide = page.get_by_test_id("current-slide")
    expect(slide.get_by_test_id("sponsored-label")).to_be_visible()
    expect(slide.get_by_test_id("sponsored-label")).to_have_text(
        f"Sponsored · paid for by {business.legal_name}"
    )
    expect(slide.get_by_test_id("learn-more")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "promotion-flow--sponsored-slide-375x812.png"))

    # 4. The player reports the sponsored impression (batched, flushed within seconds); it is charged once.
    eventually(
        lambda: Promotion.objects.get().impressions_charged == 1,
        timeout=20,
        what="the sponsored impression to be charged",
    )
    context.close()
    assert Signal.objects.filter(video=promoted, source="sponsored", kind="impression").count() == 1
    promotion.refresh_from_db()
    assert (promotion.impressions_charged, promotion.spent_cents) == (
        1, spend_for(impressions=1, cpm_cents=promotion.cpm_cents)
    )  # fmt: skip

    # 5. The business's results page shows the impression and what it cost.
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server.url, business.creator.user.email, f"/business/promotions/{promotion.public_id}/")
    expect(page.locator("[data-figure=impressions]")).to_have_text("1")
    expect(page.locator("[data-results-chart] canvas")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "promotion-flow--results-375x812.png"), full_page=True)
    context.close()
