"""A business on a phone and a desktop: the promotion form's choices and its honest estimate, the results
that add up, the question before cancelling, and the dashboard's totals; each screen is photographed."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from businesses.models import Payment, Promotion, PromotionDay, PromotionDelivery, Refund
from creators.models import Video
from tests.businesses.helpers import active_adult, business_with_video
from tests.e2e.helpers import PHONE, log_in
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1280, "height": 800}


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_form_offers_choices_and_an_estimate_within_the_cap(live_server, page, screenshot, settings):
    settings.PROMOTION_CPM_CENTS, settings.PROMOTION_FREQUENCY_CAP = 6_00, 3
    for _ in range(4):
        active_adult(active_days=28)
    business, video = business_with_video()
    Video.objects.filter(pk=video.pk).update(caption="Fresh bread every morning")
    page.set_viewport_size(WIDE)
    log_in(
        page,
        live_server.url,
        business.creator.user.email,
        f"/business/promotions/new?video={video.public_id}",
    )
    expect(page.get_by_role("heading", name="Promote a video")).to_be_visible()
    expect(page.get_by_label("Video to promote")).to_have_value(str(video.public_id))
    # Radio buttons are small circles beside their words, not the text inputs' full width.
    for radio in (
        page.get_by_role("radio", name="More website visits"),
        page.get_by_role("radio", name="Custom"),
    ):
        box = radio.bounding_box()
        assert box is not None
        assert box["width"] < 30, box
        assert box["height"] < 30, box
    custom = page.locator("[data-custom-audience]")
    expect(custom).to_be_hidden()  # only for a custom audience
    page.get_by_role("radio", name="Per day").check()
    page.get_by_label("Budget (EUR)").fill("5")
    page.get_by_label("Duration in days").fill("5")
    estimate = page.locator("[data-reach-estimate]")
    # 25 EUR pays for 4,166 views; four people at 3 a day for 5 days can take 60 at most.
    expect(estimate).to_contain_text("Estimated reach: about 4 people, 20–60 sponsored views in 5 days.")
    expect(estimate).to_contain_text("Total budget: 25.00 EUR (5 days).")
    expect(estimate).to_contain_text(
        "it can take at most 60 sponsored views in 5 days ≈ 0.36 EUR of the 25.00 EUR"
    )
    expect(estimate).to_contain_text(
        "The rest (24.64 EUR) would not be spent and is refunded when the promotion ends."
    )
    assert "4,166" not in estimate.inner_text()
    _fits(page)
    screenshot("form-desktop-1280")
    page.set_viewport_size(PHONE)
    page.get_by_role("radio", name="Custom").check()
    expect(custom).to_be_visible()
    page.get_by_role("radio", name="Automatic").check()
    expect(custom).to_be_hidden()
    _fits(page)
    screenshot("form-phone-390")
    page.get_by_role("button", name="Continue to payment").click()
    promotion = Promotion.objects.get()
    assert (promotion.video, promotion.budget_cents, promotion.duration_days) == (video, 25_00, 5)
    # The promotion page promises no more than the audience can take either.
    expect(page.locator("[data-role=estimate]")).to_have_text("20–60 sponsored views, about 4 people")
    expect(page.locator("[data-role=estimate-warning]")).to_contain_text(
        "The rest (24.64 EUR) would not be spent"
    )
    expect(page.get_by_text("4166")).to_have_count(0)
    screenshot("promotion-draft-phone-390")


def _running_with_results(business):
    """A running promotion of a 5-second clip, paid 40.00 EUR, with two days of results."""
    video = Video.objects.get(owner=business.creator)
    Video.objects.filter(pk=video.pk).update(caption="Sourdough at dawn", duration=5.0, trim_end=5.0)
    now = timezone.now()
    promotion = Promotion.objects.create(
        business=business, video=video, goal="video_views", budget_cents=40_00, currency="eur", duration_days=7,
        cpm_cents=6_00, state="active", spent_cents=9_24, impressions_charged=1540, paid_at=now,
        starts_at=now - datetime.timedelta(days=1), ends_at=now + datetime.timedelta(days=6),
    )  # fmt: skip
    Payment.objects.create(
        promotion=promotion, attempt=1, idempotency_key=f"p-{promotion.pk}", intent_id=f"pi_e2e_{promotion.pk}",
        amount_cents=40_00, currency="eur", status=Payment.Status.SUCCEEDED, succeeded_at=now,
    )  # fmt: skip
    today = timezone.localdate()
    for back, impressions, views in ((1, 900, 300), (0, 640, 210)):
        PromotionDay.objects.create(
            promotion=promotion, day=today - datetime.timedelta(days=back), impressions=impressions,
            spent_cents=impressions * 6 // 10, views=views, watch_seconds=views * 3.4, completions=views // 2,
            likes=views // 10, follows=views // 30,
        )  # fmt: skip
        for person in range(6):
            PromotionDelivery.objects.create(
                promotion=promotion, viewer_key=f"u:{person}", day=today - datetime.timedelta(days=back), served=1,
                impressions=1,
            )  # fmt: skip
    return promotion


def test_results_add_up_and_cancelling_asks_first_with_the_refund(live_server, page, screenshot):
    business, _ = business_with_video()
    promotion = _running_with_results(business)
    page.set_viewport_size(WIDE)
    log_in(page, live_server.url, business.creator.user.email, f"/business/promotions/{promotion.public_id}/")
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    figures = {name: page.locator(f"[data-figure={name}]").inner_text() for name in (
        "impressions", "views", "completions", "average_watch",
    )}  # fmt: skip
    assert figures == {"impressions": "1540", "views": "510", "completions": "255", "average_watch": "3.4 s"}
    _fits(page)
    screenshot("results-desktop-1280")
    page.set_viewport_size(PHONE)
    _fits(page)
    screenshot("results-phone-390")

    page.get_by_role("link", name="Cancel the promotion…").click()
    confirm = page.get_by_test_id("cancel-confirm")
    expect(confirm.locator("[data-role=refund]")).to_have_text("30.76 EUR")
    _fits(page)
    screenshot("cancel-confirm-phone-390")
    page.set_viewport_size(WIDE)
    screenshot("cancel-confirm-desktop-1280")
    promotion.refresh_from_db()
    assert promotion.state == "active"  # looking changed nothing
    assert not Refund.objects.exists()
    page.get_by_role("button", name="Cancel and refund 30.76 EUR").click()
    expect(page.locator("[data-role=state]")).to_have_text("Cancelled")
    assert Refund.objects.get().amount_cents == 30_76


def test_the_dashboard_totals_fit_a_phone(live_server, page, screenshot):
    business, _ = business_with_video()
    running = _running_with_results(business)
    for state, budget, spent in (("completed", 50_00, 50_00), ("in_review", 20_00, 0), ("draft", 12_00, 0)):
        Promotion.objects.create(
            business=business, video=Video.objects.create(owner=business.creator, caption=f"A {state} one",
            state="published", original="x.mp4"), goal="profile_visits", budget_cents=budget, currency="eur",
            duration_days=5, cpm_cents=6_00, state=state, spent_cents=spent, impressions_charged=spent * 1000 // 600,
        )  # fmt: skip
    Refund.objects.create(
        payment=running.payments.get(), amount_cents=5_00, currency="eur", reason=Refund.Reason.IN_STRIPE,
        idempotency_key="r-e2e", status=Refund.Status.SUCCEEDED,
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, business.creator.user.email, "/business/")
    totals = page.locator("[data-role=totals]")
    expect(totals.locator("[data-total=spent]")).to_have_text("59.24 EUR")
    expect(totals.locator("[data-total=impressions]")).to_have_text("9873")
    expect(totals.locator("[data-total=refunded]")).to_have_text("5.00 EUR")
    expect(page.locator("[data-role=state-counts] li")).to_have_count(4)
    _fits(page)
    screenshot("dashboard-phone-390")
    page.set_viewport_size(WIDE)
    _fits(page)
    screenshot("dashboard-desktop-1280")


def test_a_promote_link_without_a_business_makes_one_and_comes_back_to_the_video(
    live_server, page, screenshot
):
    user = UserFactory.create()
    creator = CreatorFactory.create(user=user)
    video = Video.objects.create(owner=creator, caption="Our new menu", state="published", original="x.mp4")
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, user.email, f"/business/promotions/new?video={video.public_id}")
    expect(page.locator("[data-role=next]")).to_be_visible()
    page.get_by_label("Legal name").fill("Menu Makers GmbH")
    page.get_by_label("Category").select_option(label="Food & drink")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("Region").fill("DE-BY")
    page.get_by_role("button", name="Create the business profile").click()
    expect(page.get_by_role("heading", name="Promote a video")).to_be_visible()
    expect(page.get_by_label("Video to promote")).to_have_value(str(video.public_id))
    screenshot("promote-link-back-phone-390")
