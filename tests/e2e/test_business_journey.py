"""A small business's whole journey in one browser walk, as issue 23 asks: it finds its dashboard from the
header, promotes a video from the studio, reads an estimate its audience can really take, pays at
localstripe, and once an adult viewer has watched the sponsored slot, reads results that add up (recounted
here from the signal rows) and cancels, asked first what will be refunded."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from businesses import gateway, services
from businesses.models import Payment, Promotion, Refund
from businesses.rules import refund_due_cents, spend_for
from feeds.models import Signal, Source
from tests.businesses.conftest import localstripe, stripe_local  # noqa: F401  (the payment fixtures)
from tests.businesses.helpers import active_adult, business_with_video, established_adult
from tests.clips import Clips
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
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

SPONSORED_INDEX = 4  # the fifth item of a For You page
CAP = 3
DAYS = 3
CLIP_SECONDS = 3.0  # tests.clips' portrait clip


def _shot(page: Page, step: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"business-journey--{step}.png"), full_page=True)


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _figures(page: Page) -> dict[str, str]:
    names = ("impressions", "reach", "views", "completions", "average_watch", "spent")
    return {name: page.locator(f"[data-figure={name}]").inner_text() for name in names}


def _recount(promotion: Promotion) -> dict[str, str]:
    """The results by their definitions, from the signal rows alone: impressions are the sponsored
    impressions charged; a view is 2 s of the first play (the whole clip if shorter), a completion a
    view to the end, and the average watch is the first plays' seconds, capped at the clip, per view."""
    rows = Signal.objects.filter(video=promotion.video, source=Source.SPONSORED)
    impressions = rows.filter(kind=Signal.Kind.IMPRESSION).count()
    people = set(rows.filter(kind=Signal.Kind.IMPRESSION).values_list("viewer_key", flat=True))
    views = completions = 0
    watched_total = 0.0
    for person in people:
        first_play = [
            min(CLIP_SECONDS, row.watched_seconds)
            for row in rows.filter(viewer_key=person, looped=0)
            if row.watched_seconds is not None
        ]
        watched = max(first_play, default=0.0)
        if watched >= min(2.0, CLIP_SECONDS):
            views += 1
            completions += int(watched >= CLIP_SECONDS)
            watched_total += watched
    average = f"{watched_total / views:.1f} s" if views else "—"
    return {
        "impressions": str(impressions),
        "reach": str(len(people)),
        "views": str(views),
        "completions": str(completions),
        "average_watch": average,
    }


def test_a_business_finds_promotes_pays_reads_results_and_cancels(
    live_server,
    browser: Browser,
    clips: Clips,
    settings,
    stripe_local,  # noqa: F811
):
    settings.PROMOTION_SNAPSHOT_SECONDS = 0
    settings.PROMOTION_FREQUENCY_CAP = CAP
    settings.FEED_PAGE_SIZE = 5
    media_root = Path(settings.MEDIA_ROOT)
    business, promoted = business_with_video()
    with_rendition(promoted, clips.portrait, media_root)
    promoted.caption = "Fresh bread every morning"
    promoted.save(update_fields=["caption"])
    organic_videos(clips.portrait, media_root)
    # The audience the estimate reads: four adults who opened the app every day of the last 28.
    for _ in range(4):
        active_adult(active_days=28)
    viewer = established_adult(years=31)
    seen_in_for_you(viewer, promoted)

    # 1. From the header to the dashboard, then from the studio's Promote to the form, the video chosen.
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server.url, business.creator.user.email, "/guidelines/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Business").click()
    expect(page).to_have_url(f"{live_server.url}/business/")
    expect(page.get_by_role("heading", name=business.legal_name)).to_be_visible()
    _shot(page, "dashboard-desktop")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Studio").click()
    row = page.locator(".studio-row").filter(has_text="Fresh bread every morning")
    row.get_by_role("link", name="Promote").click()
    expect(page.get_by_role("heading", name="Promote a video")).to_be_visible()
    expect(page.get_by_label("Video to promote")).to_have_value(str(promoted.public_id))

    # 2. An estimate within what the audience can take: never more than people × cap × days views.
    page.get_by_role("radio", name=re.compile(r"^Total")).check()
    page.get_by_label("Budget (EUR)").fill("30.00")
    page.get_by_label("Duration in days").fill(str(DAYS))
    estimate = page.locator("[data-reach-estimate]")
    expect(estimate).to_contain_text("Estimated reach:")
    expect(estimate).to_contain_text("too small for the budget")
    text = estimate.inner_text()
    audience = int(re.search(r"(\d+) matching adults? opened the app", text).group(1))  # type: ignore[union-attr]
    most = int(re.search(r"can take at most ([\d,]+) sponsored views", text).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert audience >= 4  # the four active adults (the viewer too, once active)
    assert 0 < most <= audience * CAP * DAYS
    _no_sideways_scroll(page)
    _shot(page, "estimate-desktop")

    # 3. Pay at localstripe's card form; only its signed webhook moves the promotion on to review.
    gateway.webhook_endpoint_register_local(url=f"{live_server.url}/stripe/webhook")
    try:
        page.get_by_role("button", name="Continue to payment").click()
        expect(page).to_have_url(re.compile(r"/business/promotions/[0-9a-f-]+/$"))
        pay_with_test_card(page, "30.00 EUR")
        expect(page.locator("[data-role=state]")).to_have_text("In review", timeout=30_000)
    finally:
        gateway.webhook_endpoint_register_local(url="http://127.0.0.1:9/stripe/webhook")
    context.close()
    promotion = Promotion.objects.get()
    assert (promotion.video, promotion.budget_cents, promotion.duration_days) == (promoted, 30_00, DAYS)
    assert Payment.objects.get(promotion=promotion).status == Payment.Status.SUCCEEDED
    services.promotion_approve(
        promotion=promotion, actor=UserFactory.create(is_staff=True, is_superuser=True)
    )

    # 4. An adult viewer comes to the sponsored slot on a phone and watches it through.
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server.url, viewer.email, "/")
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    settled(page, 0)
    for index in range(1, SPONSORED_INDEX + 1):
        page.keyboard.press("ArrowDown")
        settled(page, index)
    expect(page.get_by_test_id("current-slide").get_by_test_id("sponsored-label")).to_be_visible()
    eventually(
        lambda: (
            Promotion.objects.get().impressions_charged == 1
            and Signal.objects.filter(
                video=promoted, source=Source.SPONSORED, watched_seconds__gte=CLIP_SECONDS
            ).exists()
        ),
        timeout=30,
        what="the sponsored impression charged and a play to the end reported",
    )
    context.close()
    services.promotion_results_rollup()  # what the beat task does every minute

    # 5. The results page: each figure as recounted from the signals, and they hold together.
    promotion.refresh_from_db()
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server.url, business.creator.user.email, f"/business/promotions/{promotion.public_id}/")
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    shown = _figures(page)
    recounted = _recount(promotion)
    assert {name: shown[name] for name in recounted} == recounted
    assert int(shown["completions"]) <= int(shown["views"]) <= int(shown["impressions"]) == 1
    assert shown["spent"] == f"{spend_for(impressions=1, cpm_cents=promotion.cpm_cents) / 100:.2f} EUR"
    _no_sideways_scroll(page)
    _shot(page, "results-phone")

    # 6. Cancelling asks first, with the refund the service will send; looking changes nothing.
    page.get_by_role("link", name="Cancel the promotion…").click()
    owed = refund_due_cents(paid_cents=30_00, spent_cents=promotion.spent_cents, refunded_cents=0)
    owed_text = f"{owed / 100:.2f} EUR"
    expect(page.get_by_test_id("cancel-confirm").locator("[data-role=refund]")).to_have_text(owed_text)
    _shot(page, "cancel-confirm-phone")
    promotion.refresh_from_db()
    assert promotion.state == Promotion.State.ACTIVE
    assert not Refund.objects.exists()
    page.get_by_role("button", name=f"Cancel and refund {owed_text}").click()
    expect(page.locator("[data-role=state]")).to_have_text("Cancelled")
    eventually(lambda: Refund.objects.filter(amount_cents=owed).exists(), timeout=20, what="the refund row")
    # The dashboard's totals agree with the promotion.
    page.goto(f"{live_server.url}/business/")
    totals = page.locator("[data-role=totals]")
    expect(totals.locator("[data-total=impressions]")).to_have_text("1")
    expect(totals.locator("[data-total=refunded]")).to_have_text(owed_text)
    _shot(page, "dashboard-after-phone")
    context.close()
