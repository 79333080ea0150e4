"""The Stripe gateway against a real localstripe process: payments, refunds, errors and signed webhooks."""

import pytest
import requests
import stripe

from businesses import gateway
from tests.businesses.helpers import webhook_inbox
from tests.waiting import eventually


def _intent(**overrides):
    fields = {
        "amount_cents": 5000,
        "currency": "eur",
        "metadata": {"promotion": "7"},
        "idempotency_key": "t-1",
    }
    return gateway.payment_intent_create(**{**fields, **overrides})


def test_a_payment_intent_is_created_paid_and_partly_refunded(stripe_local):
    created = _intent()
    assert (created.status, created.amount_cents, created.currency) == (
        "requires_payment_method",
        5000,
        "eur",
    )
    assert created.metadata == {"promotion": "7"}
    assert created.client_secret.startswith(f"{created.id}_secret_")

    paid = gateway.payment_intent_confirm(intent_id=created.id, payment_method="pm_card_visa")
    assert paid.status == "succeeded"
    assert gateway.payment_intent_retrieve(intent_id=created.id).status == "succeeded"

    refund = gateway.refund_create(intent_id=created.id, amount_cents=1200, idempotency_key="r-1")
    assert (refund.status, refund.amount_cents) == ("succeeded", 1200)
    assert refund.id.startswith("re_")


def test_an_unpaid_payment_intent_can_be_cancelled(stripe_local):
    created = _intent()
    assert gateway.payment_intent_cancel(intent_id=created.id).status == "canceled"


def test_a_declined_card_is_a_gateway_error_the_payer_can_read(stripe_local):
    created = _intent()
    with pytest.raises(gateway.GatewayError) as declined:
        gateway.payment_intent_confirm(intent_id=created.id, payment_method="pm_card_chargeCustomerFail")
    assert declined.value.message == "Your card was declined."
    assert gateway.payment_intent_retrieve(intent_id=created.id).status == "requires_payment_method"


def test_an_unreachable_stripe_is_a_gateway_error(stripe_local, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # the discard port: nothing listens
    with pytest.raises(gateway.GatewayError) as unreachable:
        _intent()
    assert unreachable.value.code == "unreachable"


def test_the_gateway_sets_no_global_stripe_state(stripe_local):
    _intent()
    assert stripe.api_key is None
    assert stripe.api_base == "https://api.stripe.com"


def test_the_page_loads_localstripes_mock_stripe_js(stripe_local):
    assert gateway.stripe_js_url() == f"{stripe_local}/js.stripe.com/v3/"
    response = requests.get(gateway.stripe_js_url(), timeout=5)
    assert response.status_code == 200
    assert "localstripe" in response.text


def test_the_real_stripe_js_is_used_with_real_keys(settings):
    settings.STRIPE_IS_LOCAL = False
    assert gateway.stripe_js_url() == "https://js.stripe.com/v3/"
    with pytest.raises(gateway.GatewayError):
        gateway.webhook_endpoint_register_local(url="http://127.0.0.1:1/stripe/webhook")


def test_localstripe_signs_its_webhooks_the_way_the_gateway_verifies(stripe_local):
    with webhook_inbox() as inbox:
        gateway.webhook_endpoint_register_local(url=inbox.url)
        created = _intent()
        gateway.payment_intent_confirm(intent_id=created.id, payment_method="pm_card_visa")
        body, signature = eventually(
            lambda: inbox.first("payment_intent.succeeded", about=created.id),
            timeout=15,
            what="localstripe's payment_intent.succeeded",
        )
    event = gateway.webhook_event_verify(payload=body, signature_header=signature)
    assert event.type == "payment_intent.succeeded"
    assert event.id.startswith("evt_")
    assert event.data_object["id"] == created.id
    assert event.data_object["amount"] == 5000
    with pytest.raises(gateway.WebhookRejected):
        gateway.webhook_event_verify(payload=body.replace(b"5000", b"1"), signature_header=signature)
