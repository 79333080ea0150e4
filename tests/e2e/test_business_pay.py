"""A business drafts a promotion in the browser, pays with localstripe's card form, and sees it go to review."""

import re

import pytest
from playwright.sync_api import expect

from businesses import gateway
from businesses.models import Payment, Promotion
from tests.businesses.conftest import localstripe, stripe_local  # noqa: F401  (the payment fixtures)
from tests.businesses.helpers import business_with_video
from tests.e2e.helpers import pay_with_test_card
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_business_promotes_a_video_and_pays_with_the_card_form(live_server, page, screenshot, stripe_local):  # noqa: F811
    business, video = business_with_video()
    gateway.webhook_endpoint_register_local(url=f"{live_server.url}/stripe/webhook")
    try:
        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        page.goto(f"{live_server.url}/accounts/login/?next=/business/promotions/new")
        page.get_by_label("Email").fill(business.creator.user.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Promote a video")).to_be_visible()
        page.get_by_label("Budget (EUR)").fill("25.00")
        page.get_by_label("Duration in days").fill("5")
        page.get_by_role("button", name="Continue to payment").click()
        expect(page).to_have_url(re.compile(r"/business/promotions/[0-9a-f-]+/$"))
        expect(page.locator("[data-role=state]")).to_have_text("Draft")
        # localstripe's mock card element: plain inputs named by their placeholders.
        expect(page.get_by_placeholder("number")).to_be_visible()
        screenshot("promotion-draft")
        pay_with_test_card(page, "25.00 EUR")
        # Back from the card form the page waits, reloading, until Stripe's webhook arrives.
        expect(page.locator("[data-role=state]")).to_have_text("In review", timeout=30_000)
        expect(page.get_by_text("Paid. Our team reviews the promotion before it runs.")).to_be_visible()
        screenshot("promotion-in-review")
    finally:
        gateway.webhook_endpoint_register_local(url="http://127.0.0.1:9/stripe/webhook")
    promotion = Promotion.objects.get()
    assert (promotion.video, promotion.budget_cents, promotion.state) == (video, 2500, "in_review")
    assert Payment.objects.get().status == "succeeded"
