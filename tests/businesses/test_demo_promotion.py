"""The demo's business: `seed_demo_promotion` pays Bea's Bakery's promotion at localstripe, once, and it serves."""

import subprocess
import sys
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.urls import reverse

from businesses.models import BusinessProfile, Payment, Promotion, StripeEvent
from devtools.bench.throwaway import free_port
from devtools.demo.promotion import PROMOTED_CAPTION
from platform.models import User
from tests.businesses.conftest import _answers
from tests.factories import CreatorFactory, published_video
from tests.waiting import eventually
from tests.workers import ROOT, clean_environ

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(settings):
    """The demo accounts, Bea's creator profile with two published videos, and more videos than a page holds."""
    settings.PROMOTION_SNAPSHOT_SECONDS = 0  # the provider sees this test's promotions at once
    settings.FEED_PAGE_SIZE = 6
    call_command("seed_demo")
    bea = CreatorFactory.create(
        user=User.objects.get(email="business@joyreel.localhost"), handle="beasbakery"
    )
    videos = [
        published_video(owner=bea, caption=PROMOTED_CAPTION, topics=("food",)),
        published_video(owner=bea, caption="Plum cake season is here #cake", topics=("food",)),
    ]
    for topic in ("stem", "music", "sports", "art", "travel", "comedy") * 2:
        published_video(topics=(topic,))
    return videos


def _stripe_intent(base: str, intent_id: str | None) -> dict[str, Any]:
    answer = requests.get(
        f"{base}/v1/payment_intents/{intent_id}", auth=("sk_test_localstripe", ""), timeout=5
    )
    answer.raise_for_status()
    intent: dict[str, Any] = answer.json()
    return intent


def test_the_demo_business_has_one_active_promotion_paid_at_localstripe(demo_world, stripe_local, capsys):
    call_command("seed_demo_promotion")
    business = BusinessProfile.objects.get()
    assert (business.legal_name, business.category, str(business.country), business.region, business.website) == (
        "Bea's Bakery", "food_and_drink", "DE", "DE-BY", "https://beas-bakery.example"
    )  # fmt: skip
    assert business.is_verified is True
    promotion = Promotion.objects.get()
    assert promotion.video in demo_world
    assert (promotion.business, promotion.state, promotion.audience) == (business, "active", "automatic")
    payment = Payment.objects.get()
    assert (payment.promotion, payment.status, payment.amount_cents) == (promotion, "succeeded", 150_00)
    assert _stripe_intent(stripe_local, payment.intent_id)["status"] == "succeeded"
    # Paid by localstripe's own signed event, not by the seed's word.
    assert list(StripeEvent.objects.filter(object_id=payment.intent_id).values_list("type", flat=True)) == [
        "payment_intent.succeeded"
    ]
    assert "Demo promotion of Bea's Bakery is active: paid 150.00 EUR" in capsys.readouterr().out


def test_the_demo_viewer_sees_bea_s_bakery_in_the_first_for_you_page(demo_world, stripe_local, api_client):
    call_command("seed_demo_promotion")
    promoted = Promotion.objects.get().video
    api_client.force_authenticate(User.objects.get(email="viewer@joyreel.localhost"))
    page = api_client.get(reverse("api-feed-for-you")).json()["results"]
    sponsored = [item for item in page if item["is_sponsored"]]
    assert len(sponsored) == 1
    assert sponsored[0]["sponsor"]["name"] == "Bea's Bakery"
    assert sponsored[0]["video"]["id"] == str(promoted.public_id)
    assert sponsored[0]["source"] == "sponsored"


def test_seeding_again_makes_no_second_promotion_or_payment(demo_world, stripe_local, capsys):
    call_command("seed_demo_promotion")
    first = Payment.objects.get()
    call_command("seed_demo_promotion")
    assert Promotion.objects.count() == 1
    assert list(Payment.objects.values_list("pk", "status")) == [(first.pk, "succeeded")]
    assert StripeEvent.objects.filter(type="payment_intent.succeeded").count() == 1
    assert capsys.readouterr().out.endswith("Demo promotion of Bea's Bakery is active.\n")


def test_without_videos_the_seed_makes_the_business_but_no_promotion(settings, stripe_local, capsys):
    call_command("seed_demo")
    CreatorFactory.create(user=User.objects.get(email="business@joyreel.localhost"), handle="beasbakery")
    call_command("seed_demo_promotion")
    assert BusinessProfile.objects.get().legal_name == "Bea's Bakery"
    assert (Promotion.objects.count(), Payment.objects.count()) == (0, 0)
    assert "no promotable published video" in capsys.readouterr().out


def test_before_the_stripe_process_runs_the_seed_starts_localstripe_with_its_state_file(
    demo_world, stripe_local, settings, tmp_path
):
    """`make run` seeds before honcho starts localstripe: the seed runs its own on the configured port and
    stops it; the `stripe` process, started later with the same state file, knows the PaymentIntent."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings.STRIPE_API_BASE = base
    state = tmp_path / "localstripe.pickle"
    call_command("seed_demo_promotion", state_file=str(state))
    payment = Payment.objects.get()
    assert (payment.status, Promotion.objects.get().state) == ("succeeded", "active")
    assert not _answers(f"{base}/js.stripe.com/v3/")  # stopped again, for the stripe process to start
    later = subprocess.Popen(
        [sys.executable, "manage.py", "localstripe", "--port", str(port), "--state-file", str(state)],
        cwd=ROOT, env={**clean_environ(), "DJANGO_SETTINGS_MODULE": "platform.settings.test"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:

        def answers() -> bool:
            assert later.poll() is None
            return _answers(f"{base}/js.stripe.com/v3/")

        eventually(answers, timeout=30, what="the stripe process to answer")
        intent = _stripe_intent(base, payment.intent_id)
    finally:
        later.terminate()
        later.wait(timeout=30)
    assert (intent["status"], intent["amount"]) == ("succeeded", 150_00)
