"""Stripe's webhook: only a verified, fresh event moves a promotion, once, in whatever order events come."""

import json
import random
import time

import pytest
from django.db import transaction

from businesses import gateway, services
from businesses.models import Payment, Promotion, StripeEvent
from businesses.services.payments import _payment_live
from platform.models import AuditEntry
from tests.businesses.helpers import business_with_video, intent_event, post_event, post_signed
from tests.waiting import eventually

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(stripe_local):
    """A promotion waiting for payment, with its PaymentIntent made at localstripe."""
    business, video = business_with_video()
    promotion = services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=50_00, duration_days=7
    )
    started = services.promotion_pay_start(promotion=promotion)
    promotion.refresh_from_db()
    return promotion, started.payment


@pytest.fixture
def paid(awaiting):
    """The same, with the card confirmed at localstripe: Stripe's API shows the PaymentIntent succeeded."""
    promotion, payment = awaiting
    confirmed = gateway.payment_intent_confirm(intent_id=payment.intent_id, payment_method="pm_card_visa")
    assert confirmed.status == "succeeded"
    return promotion, payment


def _succeeded(payment, **kwargs):
    return intent_event("payment_intent.succeeded", payment.intent_id, amount=payment.amount_cents, **kwargs)


def _nothing_changed(promotion):
    promotion.refresh_from_db()
    assert (promotion.state, promotion.paid_at) == ("awaiting_payment", None)
    assert Payment.objects.get(promotion=promotion).status == "requires_payment"
    assert not AuditEntry.objects.filter(action="promotion.in_review").exists()


def test_a_verified_success_event_sends_the_paid_promotion_to_review(client, paid):
    promotion, payment = paid
    response = post_event(client, _succeeded(payment))
    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False}
    promotion.refresh_from_db()
    payment.refresh_from_db()
    assert (promotion.state, payment.status) == ("in_review", "succeeded")
    assert promotion.paid_at == payment.succeeded_at
    entry = AuditEntry.objects.get(action="promotion.in_review")
    assert entry.detail == {
        "from": "awaiting_payment", "reason": "", "payment_intent": payment.intent_id, "amount_cents": 5000,
        "currency": "eur",
    }  # fmt: skip


def test_a_wrong_signature_is_refused_and_changes_nothing(client, awaiting):
    promotion, payment = awaiting
    response = post_event(client, _succeeded(payment), secret="whsec_someone_else")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The signature does not match, or the event is too old.",
        "code": "bad_signature",
    }
    assert not StripeEvent.objects.exists()
    _nothing_changed(promotion)


def test_a_missing_signature_is_refused(client, awaiting):
    promotion, payment = awaiting
    response = client.post(
        "/stripe/webhook", json.dumps(_succeeded(payment)), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_signature"
    assert not StripeEvent.objects.exists()
    _nothing_changed(promotion)


def test_a_stale_event_is_refused_even_with_a_good_signature(client, awaiting):
    promotion, payment = awaiting
    response = post_event(client, _succeeded(payment), timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_signature"
    assert not StripeEvent.objects.exists()
    _nothing_changed(promotion)


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        "[1, 2]",
        '{"id": "evt_1"}',
        '{"id": "nope", "type": "x", "created": 1, "data": {"object": {}}}',
    ],
)
def test_a_malformed_event_is_refused_even_when_signed(client, awaiting, payload):
    promotion, _ = awaiting
    response = post_signed(client, payload)
    assert response.status_code == 400
    assert response.json() == {"detail": "The event is not well-formed.", "code": "malformed_event"}
    assert not StripeEvent.objects.exists()
    _nothing_changed(promotion)


def test_an_unknown_event_type_is_acknowledged_and_ignored(client, awaiting):
    promotion, payment = awaiting
    event = intent_event("customer.created", payment.intent_id, amount=5000)
    assert post_event(client, event).status_code == 200
    assert list(StripeEvent.objects.values_list("event_id", "type")) == [(event["id"], "customer.created")]
    _nothing_changed(promotion)


def test_only_post_reaches_the_webhook(client):
    assert client.get("/stripe/webhook").status_code == 405


def test_a_replayed_event_takes_effect_once(client, paid):
    promotion, payment = paid
    event = _succeeded(payment)
    answers = [post_event(client, event).json() for _ in range(3)]
    assert answers == [
        {"received": True, "duplicate": False},
        {"received": True, "duplicate": True},
        {"received": True, "duplicate": True},
    ]
    assert StripeEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="promotion.in_review").count() == 1
    promotion.refresh_from_db()
    assert promotion.state == "in_review"


@pytest.mark.parametrize("seed", range(6))
def test_events_in_any_order_and_replayed_end_in_the_same_state(client, paid, seed):
    promotion, payment = paid
    now = int(time.time())
    failed = intent_event("payment_intent.payment_failed", payment.intent_id, amount=5000, created=now - 30)
    succeeded = _succeeded(payment, created=now - 10)
    charge = intent_event("charge.succeeded", payment.intent_id, amount=5000, created=now - 10)
    deliveries = [failed, succeeded, charge, failed, succeeded, succeeded]
    random.Random(seed).shuffle(deliveries)
    for event in deliveries:
        assert post_event(client, event).status_code == 200
    promotion.refresh_from_db()
    payment.refresh_from_db()
    assert (promotion.state, payment.status, payment.failure_reason) == ("in_review", "succeeded", "")
    assert StripeEvent.objects.count() == 3
    assert AuditEntry.objects.filter(action="promotion.in_review").count() == 1


def test_a_declined_attempt_is_recorded_and_the_promotion_still_waits(client, awaiting):
    promotion, payment = awaiting
    post_event(client, intent_event("payment_intent.payment_failed", payment.intent_id, amount=5000))
    payment.refresh_from_db()
    assert (payment.status, payment.failure_reason) == ("requires_payment", "Your card was declined.")
    _nothing_changed(promotion)


def test_a_signed_success_stripe_does_not_show_is_refused_and_writes_nothing(client, awaiting):
    """The card was never confirmed: Stripe's API shows requires_payment_method, whatever the event says."""
    promotion, payment = awaiting
    response = post_event(client, _succeeded(payment))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Stripe does not show this PaymentIntent as paid for this payment.",
        "code": "payment_not_confirmed",
    }
    assert not StripeEvent.objects.exists()
    _nothing_changed(promotion)


def test_a_success_stripe_cannot_confirm_now_is_a_503_for_stripe_to_retry_and_writes_nothing(
    client, paid, settings
):
    promotion, payment = paid
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # the discard port: nothing listens
    response = post_event(client, _succeeded(payment))
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The payment service cannot be reached; please try again.",
        "code": "upstream_error",
    }
    assert not StripeEvent.objects.exists()
    _nothing_changed(promotion)


def test_the_events_own_amount_is_not_believed_stripes_is(client, paid):
    """What Stripe charged decides: an event that misstates the amount changes nothing about the truth."""
    promotion, payment = paid
    event = _succeeded(payment)
    event["data"]["object"]["amount"] = 1
    assert post_event(client, event).status_code == 200
    promotion.refresh_from_db()
    assert promotion.state == "in_review"
    assert AuditEntry.objects.get(action="promotion.in_review").detail["amount_cents"] == 5000


def test_an_event_for_an_unknown_payment_intent_changes_nothing(client, awaiting):
    promotion, _ = awaiting
    assert (
        post_event(client, intent_event("payment_intent.succeeded", "pi_not_ours", amount=5000)).status_code
        == 200
    )
    _nothing_changed(promotion)


def test_a_success_that_overtakes_our_record_of_the_intent_still_applies(client, stripe_local):
    """Stripe answered, but our saving of its id had not happened yet: the metadata names our payment."""
    business, video = business_with_video()
    promotion = services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=2000, duration_days=3
    )
    payment = _payment_live(promotion=promotion)
    assert payment.intent_id is None
    metadata = {"promotion": str(promotion.public_id), "payment": str(payment.pk)}
    intent = gateway.payment_intent_create(
        amount_cents=2000, currency="eur", metadata=metadata, idempotency_key=payment.idempotency_key
    )
    gateway.payment_intent_confirm(intent_id=intent.id, payment_method="pm_card_visa")
    event = intent_event("payment_intent.succeeded", intent.id, amount=2000, metadata=metadata)
    assert post_event(client, event).status_code == 200
    payment = Payment.objects.get(pk=payment.pk)
    promotion.refresh_from_db()
    assert (payment.intent_id, payment.status, promotion.state) == (intent.id, "succeeded", "in_review")


def test_a_paid_promotion_cannot_be_paid_again(api_client, client, paid):
    promotion, payment = paid
    post_event(client, _succeeded(payment))
    api_client.force_authenticate(promotion.business.creator.user)
    response = api_client.post(f"/api/v1/business/promotions/{promotion.public_id}/pay")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This promotion is already paid, or no longer waits for payment.",
        "code": "conflict",
    }
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_create_pay_and_localstripes_own_webhook_send_the_promotion_to_review(
    api_client, live_server, stripe_local
):
    """The whole path over real HTTP: our API, localstripe, and localstripe calling our live server."""
    business, video = business_with_video()
    api_client.force_authenticate(business.creator.user)
    gateway.webhook_endpoint_register_local(url=f"{live_server.url}/stripe/webhook")
    try:
        created = api_client.post(
            "/api/v1/business/promotions",
            {
                "video": str(video.public_id),
                "goal": "website_visits",
                "budget_cents": 25_00,
                "duration_days": 5,
            },
            format="json",
        ).json()
        pay = api_client.post(f"/api/v1/business/promotions/{created['public_id']}/pay").json()
        # What Stripe.js does in the page with the card: attach it and confirm.
        gateway.payment_intent_confirm(intent_id=pay["payment_intent"], payment_method="pm_card_visa")
        eventually(
            lambda: Promotion.objects.get(public_id=created["public_id"]).state == "in_review",
            timeout=20,
            what="a webhook to move the promotion to review",
        )
    finally:
        # Later tests' payments must not reach this session-wide live server.
        gateway.webhook_endpoint_register_local(url="http://127.0.0.1:9/stripe/webhook")
    assert Payment.objects.get().status == "succeeded"
    assert (
        StripeEvent.objects.filter(type="payment_intent.succeeded", object_id=pay["payment_intent"]).count()
        == 1
    )
    assert (
        api_client.get(f"/api/v1/business/promotions/{created['public_id']}").json()["state"] == "in_review"
    )


def _charge_refunded(payment, refunds, *, created=None):
    """A ``charge.refunded`` event as Stripe sends it: the charge, with its refunds so far."""
    event = intent_event("charge.refunded", f"ch_{payment.pk}x", amount=payment.amount_cents, created=created)
    event["data"]["object"].update(
        {
            "object": "charge",
            "payment_intent": payment.intent_id,
            "amount_refunded": sum(amount for _, amount, _ in refunds),
            "refunds": {
                "object": "list",
                "data": [
                    {"id": refund_id, "object": "refund", "amount": amount, "status": "succeeded",
                     "metadata": metadata}
                    for refund_id, amount, metadata in refunds
                ],
            },
        }
    )  # fmt: skip
    return event


@pytest.mark.parametrize("refund_first", [True, False])
def test_a_full_refund_in_stripe_cancels_the_promotion_in_either_order(client, paid, refund_first):
    from businesses.models import Refund

    promotion, payment = paid
    now = int(time.time())
    events = [
        _succeeded(payment, created=now - 20),
        _charge_refunded(payment, [("re_dash1", 5000, {})], created=now),
    ]
    for event in reversed(events) if refund_first else events:
        assert post_event(client, event).status_code == 200
    promotion.refresh_from_db()
    assert (promotion.state, promotion.state_reason) == (
        "cancelled",
        "Cancelled: the payment was refunded in full in Stripe.",
    )
    refund = Refund.objects.get()
    assert (refund.stripe_id, refund.amount_cents, refund.reason, refund.status) == (
        "re_dash1",
        5000,
        "in_stripe",
        "succeeded",
    )
    assert post_event(client, events[1]).json()["duplicate"] is True  # replayed: once
    assert Refund.objects.count() == 1


def test_a_refund_event_confirms_our_own_pending_refund_instead_of_adding_one(client, paid):
    from businesses.models import Refund
    from businesses.services.review import refund_owed

    promotion, payment = paid
    post_event(client, _succeeded(payment))
    Promotion.objects.filter(pk=promotion.pk).update(state="completed", spent_cents=1000)
    promotion.refresh_from_db()
    with transaction.atomic():
        ours = refund_owed(promotion=promotion, reason="unspent")
    assert ours is not None
    # Stripe refunded it, but our record of its answer was lost; the event carries our key.
    post_event(client, _charge_refunded(payment, [("re_ours", 4000, {"joyreel": ours.idempotency_key})]))
    ours.refresh_from_db()
    assert (ours.stripe_id, ours.status, Refund.objects.count()) == ("re_ours", "succeeded", 1)


def test_a_partial_refund_in_stripe_is_recorded_and_a_running_promotion_keeps_running(client, paid):
    from businesses.models import Refund

    promotion, payment = paid
    post_event(client, _succeeded(payment))
    post_event(client, _charge_refunded(payment, [("re_part", 1000, {})]))
    promotion.refresh_from_db()
    assert promotion.state == "in_review"
    assert Refund.objects.get().amount_cents == 1000
    # What it would get back later is what is left: 4,000 of 5,000.
    from businesses.services.review import refund_owed

    Promotion.objects.filter(pk=promotion.pk).update(state="completed")
    with transaction.atomic():
        rest = refund_owed(promotion=promotion, reason="unspent")
    assert rest is not None
    assert rest.amount_cents == 4000
