"""Forged Stripe webhooks: signed with the secret that once shipped in the repository, or with the right
secret for a PaymentIntent Stripe does not show as paid, they mark nothing paid and write nothing."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import stripe

import platform.settings.test as test_settings
from businesses import gateway, services
from businesses.models import Payment, StripeEvent
from businesses.services.payments import _payment_live
from devtools.bench.throwaway import free_port
from platform.models import AuditEntry
from tests.businesses.conftest import _answers, localstripe, stripe_local  # noqa: F401  (the payment fixtures)
from tests.businesses.helpers import business_with_video, intent_event, post_event, webhook_inbox
from tests.waiting import eventually
from tests.workers import ROOT, clean_environ

pytestmark = pytest.mark.django_db

SHIPPED_SECRET = "whsec_localstripe"  # what every checkout of the repository once used


@pytest.fixture
def awaiting(stripe_local, settings):  # noqa: F811  (the fixture imported above)
    """A promotion waiting for its 50.00 EUR, its PaymentIntent made at localstripe, and the site verifying
    webhooks with the secret its settings made for this installation (not the test session's)."""
    settings.STRIPE_WEBHOOK_SECRET = test_settings.STRIPE_WEBHOOK_SECRET
    business, video = business_with_video()
    promotion = services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=50_00, duration_days=7
    )
    started = services.promotion_pay_start(promotion=promotion)
    promotion.refresh_from_db()
    return promotion, started.payment


def _unpaid_and_untouched(promotion, payment):
    promotion.refresh_from_db()
    assert (promotion.state, promotion.paid_at) == ("awaiting_payment", None)
    assert list(Payment.objects.filter(promotion=promotion).values_list("pk", "status", "intent_id")) == [
        (payment.pk, "requires_payment", payment.intent_id)
    ]
    assert not StripeEvent.objects.exists()
    assert not AuditEntry.objects.filter(action="promotion.in_review").exists()


def test_the_embedded_default_secret_is_not_the_one_that_shipped(awaiting):
    assert test_settings.STRIPE_WEBHOOK_SECRET != SHIPPED_SECRET
    assert test_settings.STRIPE_WEBHOOK_SECRET.startswith("whsec_")


def test_a_success_signed_with_the_shipped_secret_is_refused(client, awaiting):
    promotion, payment = awaiting
    # Even for a PaymentIntent the card really paid: the signature is what is forged here.
    gateway.payment_intent_confirm(intent_id=payment.intent_id, payment_method="pm_card_visa")
    event = intent_event("payment_intent.succeeded", payment.intent_id, amount=50_00)
    response = post_event(client, event, secret=SHIPPED_SECRET)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The signature does not match, or the event is too old.",
        "code": "bad_signature",
    }
    _unpaid_and_untouched(promotion, payment)


def test_a_rightly_signed_success_for_an_unpaid_payment_intent_is_refused(client, awaiting, settings):
    promotion, payment = awaiting
    assert gateway.payment_intent_retrieve(intent_id=payment.intent_id).status == "requires_payment_method"
    event = intent_event("payment_intent.succeeded", payment.intent_id, amount=50_00)
    response = post_event(client, event, secret=settings.STRIPE_WEBHOOK_SECRET)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Stripe does not show this PaymentIntent as paid for this payment.",
        "code": "payment_not_confirmed",
    }
    _unpaid_and_untouched(promotion, payment)
    # Replaying it changes nothing either, and the genuine success that follows still pays.
    assert post_event(client, event, secret=settings.STRIPE_WEBHOOK_SECRET).status_code == 400
    _unpaid_and_untouched(promotion, payment)
    gateway.payment_intent_confirm(intent_id=payment.intent_id, payment_method="pm_card_visa")
    genuine = intent_event("payment_intent.succeeded", payment.intent_id, amount=50_00)
    assert post_event(client, genuine, secret=settings.STRIPE_WEBHOOK_SECRET).status_code == 200
    promotion.refresh_from_db()
    assert promotion.state == "in_review"


@pytest.mark.parametrize(("amount", "currency"), [(1_00, "eur"), (50_00, "usd")])
def test_a_rightly_signed_success_for_a_payment_intent_of_another_amount_is_refused(
    client,
    stripe_local,  # noqa: F811  (the fixture imported above)
    settings,
    amount,
    currency,
):
    """Paid at Stripe, but 1.00 EUR (or dollars) for a 50.00 EUR promotion: the event claims 50.00 EUR
    and names our payment (as Stripe's metadata would, before we saved the PaymentIntent's id)."""
    settings.STRIPE_WEBHOOK_SECRET = test_settings.STRIPE_WEBHOOK_SECRET
    business, video = business_with_video()
    promotion = services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=50_00, duration_days=7
    )
    payment = _payment_live(promotion=promotion)
    metadata = {"promotion": str(promotion.public_id), "payment": str(payment.pk)}
    cheap = gateway.payment_intent_create(
        amount_cents=amount, currency=currency, metadata=metadata, idempotency_key="cheap"
    )
    gateway.payment_intent_confirm(intent_id=cheap.id, payment_method="pm_card_visa")
    event = intent_event("payment_intent.succeeded", cheap.id, amount=50_00, metadata=metadata)
    response = post_event(client, event, secret=settings.STRIPE_WEBHOOK_SECRET)
    assert response.status_code == 400
    promotion.refresh_from_db()
    assert (promotion.state, promotion.paid_at) == ("awaiting_payment", None)
    # Not even the PaymentIntent's id was taken over by our payment.
    assert list(Payment.objects.values_list("status", "intent_id")) == [("requires_payment", None)]
    assert not StripeEvent.objects.exists()
    assert not AuditEntry.objects.filter(action="promotion.in_review").exists()


def test_a_rightly_signed_success_stripe_confirms_still_pays(client, awaiting, settings):
    promotion, payment = awaiting
    gateway.payment_intent_confirm(intent_id=payment.intent_id, payment_method="pm_card_visa")
    event = intent_event("payment_intent.succeeded", payment.intent_id, amount=50_00)
    assert post_event(client, event, secret=settings.STRIPE_WEBHOOK_SECRET).json() == {
        "received": True,
        "duplicate": False,
    }
    promotion.refresh_from_db()
    assert (promotion.state, Payment.objects.get().status) == ("in_review", "succeeded")
    assert list(StripeEvent.objects.values_list("event_id", flat=True)) == [event["id"]]


def test_while_stripe_cannot_be_asked_a_success_waits_and_writes_nothing(client, awaiting, settings):
    promotion, payment = awaiting
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: Stripe is unreachable
    event = intent_event("payment_intent.succeeded", payment.intent_id, amount=50_00)
    response = post_event(client, event, secret=settings.STRIPE_WEBHOOK_SECRET)
    assert response.status_code == 503  # Stripe sends it again later
    # Stripe's own error code stays in the logs; the answer carries ours.
    assert response.json()["code"] == "upstream_error"
    _unpaid_and_untouched(promotion, payment)


# --- the installation's own secret ------------------------------------------------------------------


def _settings_secret(var_dir: Path, **environ: str) -> str:
    env = {key: value for key, value in clean_environ().items() if not key.startswith("STRIPE_")}
    env.update(
        {"JOYREEL_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "platform.settings.local", **environ}
    )
    code = "from django.conf import settings; print(settings.STRIPE_WEBHOOK_SECRET)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.processes
def test_each_installation_makes_its_own_secret_once_and_keeps_it_private(tmp_path):
    first = _settings_secret(tmp_path / "one")
    kept = tmp_path / "one" / "stripe-webhook-secret"
    assert first.startswith("whsec_")
    assert len(first) > 40
    assert first != SHIPPED_SECRET
    assert kept.read_text().strip() == first
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    assert _settings_secret(tmp_path / "one") == first  # kept across restarts
    assert _settings_secret(tmp_path / "two") != first  # another installation, another secret
    # An explicit secret in the environment wins, and no file is made for it.
    assert _settings_secret(tmp_path / "three", STRIPE_WEBHOOK_SECRET="whsec_from_env") == "whsec_from_env"
    assert not (tmp_path / "three" / "stripe-webhook-secret").exists()


@pytest.mark.processes
@pytest.mark.stripe
def test_the_stripe_process_signs_with_the_installations_secret(tmp_path, settings):
    """`make run`'s stripe line: localstripe, started with no secret in its environment, signs the events
    it sends the site with the secret the site's settings read from var/."""
    secret = _settings_secret(tmp_path)
    port = free_port()
    env = {key: value for key, value in clean_environ().items() if not key.startswith("STRIPE_")}
    env.update({"JOYREEL_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "platform.settings.local"})
    with webhook_inbox() as inbox:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "localstripe", "--port", str(port), "--state-file", "",
             "--webhook-url", inbox.url],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            eventually(lambda: _answers(f"{base}/js.stripe.com/v3/"), timeout=60, what="localstripe")
            settings.STRIPE_IS_LOCAL, settings.STRIPE_API_BASE = True, base
            settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
            created = gateway.payment_intent_create(
                amount_cents=50_00, currency="eur", metadata={}, idempotency_key="installation"
            )
            gateway.payment_intent_confirm(intent_id=created.id, payment_method="pm_card_visa")
            body, signature = eventually(
                lambda: inbox.first("payment_intent.succeeded", about=created.id),
                timeout=30,
                what="localstripe's payment_intent.succeeded",
            )
        finally:
            process.terminate()
            process.wait(timeout=30)
    settings.STRIPE_WEBHOOK_SECRET = secret
    assert (
        gateway.webhook_event_verify(payload=body, signature_header=signature).data_object["id"] == created.id
    )
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(body.decode(), signature, SHIPPED_SECRET, 300)
