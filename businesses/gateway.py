"""The one door to Stripe: every call to its API and every webhook check goes through this module.

It uses the official ``stripe`` package. With ``STRIPE_SECRET_KEY`` set it talks to Stripe; without
it, to the embedded localstripe on loopback (``STRIPE_API_BASE``). Each call builds its own
``stripe.StripeClient`` from the settings of the moment, so nothing global is set at import time and a
test can point the site at its own localstripe process. Callers get small typed values back, never
Stripe objects, and one error type for "Stripe did not do it".

The calls, and whether localstripe 1.15.10 covers them:

- ``POST /v1/payment_intents`` (create; amount, currency, metadata, an ``Idempotency-Key``):
  covered, but localstripe ignores the idempotency key, so the promotion services never rely on it
  alone (they keep one open PaymentIntent per promotion, on a locked row).
  localstripe refuses parameters it does not know (``automatic_payment_methods``, ``description``),
  so none are sent.
- ``GET /v1/payment_intents/<id>``: covered (an unknown id is a 404 without Stripe's
  ``resource_missing`` code, which this module then supplies). The webhook reads each
  ``payment_intent.succeeded`` back through it before trusting the event.
- ``POST /v1/payment_intents/<id>`` with ``payment_method``, then ``.../confirm``: covered.
  localstripe answers 500 to ``confirm`` *with* a ``payment_method``, so this module always attaches
  first and confirms second, which Stripe accepts too.
- ``POST /v1/payment_intents/<id>/cancel``: covered.
- ``POST /v1/refunds`` (payment_intent, amount, metadata with our refund's key): covered; localstripe
  sends no ``charge.refunded`` webhook for it, so the tests post signed ``charge.refunded`` events
  themselves (``services.payments._charge_refunded`` matches them by refund id or by that key).
- ``GET /v1/payment_intents/<id>?expand[]=latest_charge`` for the charge's ``receipt_url`` (Stripe's
  receipt page, which also lists the charge's refunds): localstripe answers the call, but its charges
  have no ``receipt_url``, so with localstripe the receipts show Stripe's ids and no link.
- Webhooks: localstripe signs each event with Stripe's scheme (``t=…,v1=…``) and the secret given when
  the endpoint is registered through its own ``POST /_config/webhooks/<id>`` (not part of Stripe's
  API; with real Stripe the endpoint is configured in the dashboard). ``stripe.Webhook.construct_event``
  verifies both the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from platform.errors import UpstreamError

LOCALSTRIPE_WEBHOOK_ID = "joyreel"
# Seconds a signed webhook stays acceptable; older ones are replays or a badly skewed clock.
WEBHOOK_TOLERANCE_SECONDS = 300
_TIMEOUT_SECONDS = 20


class GatewayError(UpstreamError):
    """Stripe could not be reached, or refused the call; ``message`` is safe to show to the payer.
    The API's error boundary answers it (502, or 402 for a declined card)."""


class WebhookRejected(Exception):
    """A webhook request that is not a genuine, fresh, well-formed Stripe event; ``code`` says which
    (``bad_signature``, ``malformed_event``, ``payment_not_confirmed``), for the answer's body."""

    def __init__(self, message: str, *, code: str = "malformed_event") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Intent:
    id: str
    client_secret: str
    status: str
    amount_cents: int
    currency: str
    metadata: dict[str, str]


@dataclass(frozen=True, slots=True)
class RefundResult:
    id: str
    status: str
    amount_cents: int


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    id: str
    type: str
    created: int
    # The ``data.object`` of the event as plain JSON.
    data_object: dict[str, Any]


def is_local() -> bool:
    return bool(settings.STRIPE_IS_LOCAL)


def publishable_key() -> str:
    return str(settings.STRIPE_PUBLISHABLE_KEY)


def stripe_js_url() -> str:
    """Where the payment page loads Stripe.js from: Stripe's, or localstripe's mock of it."""
    if is_local():
        return f"{settings.STRIPE_API_BASE.rstrip('/')}/js.stripe.com/v3/"
    return "https://js.stripe.com/v3/"


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE.rstrip("/")},
        http_client=stripe.RequestsClient(timeout=_TIMEOUT_SECONDS),
        # Retries of POSTs reuse the idempotency key, so Stripe never does the work twice.
        max_network_retries=2,
    )


def _intent(intent: stripe.PaymentIntent) -> Intent:
    return Intent(
        id=intent.id,
        client_secret=intent.client_secret or "",
        status=str(intent.status),
        amount_cents=int(intent.amount),
        currency=str(intent.currency),
        metadata={str(key): str(value) for key, value in intent.metadata.to_dict().items()},
    )


def _failed(error: stripe.StripeError) -> GatewayError:
    if isinstance(error, stripe.CardError):
        return GatewayError(
            error.user_message or _("The card was declined."),
            code=error.code or "card_error",
            is_declined=True,
        )
    if isinstance(error, stripe.APIConnectionError):
        return GatewayError(_("The payment service cannot be reached; please try again."), code="unreachable")
    # Stripe names a missing object ``resource_missing``; localstripe answers a bare 404.
    missing = "resource_missing" if error.http_status == 404 else "stripe_error"
    return GatewayError(_("The payment service refused the request."), code=error.code or missing)


def payment_intent_create(
    *, amount_cents: int, currency: str, metadata: dict[str, str], idempotency_key: str
) -> Intent:
    try:
        intent = _client().v1.payment_intents.create(
            params={
                "amount": amount_cents,
                "currency": currency,
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        raise _failed(error) from error
    return _intent(intent)


def payment_intent_retrieve(*, intent_id: str) -> Intent:
    try:
        return _intent(_client().v1.payment_intents.retrieve(intent_id))
    except stripe.StripeError as error:
        raise _failed(error) from error


def payment_receipt_url(*, intent_id: str) -> str | None:
    """Stripe's receipt page for a PaymentIntent's latest charge, or None while it has none (and always
    with localstripe, whose charges carry no ``receipt_url``)."""
    try:
        intent = _client().v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]})
    except stripe.StripeError as error:
        raise _failed(error) from error
    # Expanded, ``latest_charge`` is a Charge; a bare id (or None) means there is no charge to show.
    charge = intent.to_dict().get("latest_charge")
    url = charge.get("receipt_url") if isinstance(charge, dict) else None
    return str(url) if url else None


def payment_intent_confirm(*, intent_id: str, payment_method: str) -> Intent:
    """Attach a payment method and confirm, as Stripe.js does in the page (tests and the demo use it)."""
    client = _client()
    try:
        client.v1.payment_intents.update(intent_id, params={"payment_method": payment_method})
        return _intent(client.v1.payment_intents.confirm(intent_id))
    except stripe.StripeError as error:
        raise _failed(error) from error


def payment_intent_cancel(*, intent_id: str) -> Intent:
    try:
        return _intent(_client().v1.payment_intents.cancel(intent_id))
    except stripe.StripeError as error:
        raise _failed(error) from error


def refund_create(*, intent_id: str, amount_cents: int, idempotency_key: str) -> RefundResult:
    """Refund part of a PaymentIntent; our key also goes in the metadata, so that a ``charge.refunded``
    event arriving before our own record of the answer is matched to it."""
    try:
        refund = _client().v1.refunds.create(
            params={
                "payment_intent": intent_id,
                "amount": amount_cents,
                "metadata": {"joyreel": idempotency_key},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        raise _failed(error) from error
    return RefundResult(id=refund.id, status=str(refund.status), amount_cents=int(refund.amount))


def webhook_event_verify(*, payload: bytes, signature_header: str) -> WebhookEvent:
    """The event a webhook request carries, once its signature and age check out; else ``WebhookRejected``."""
    try:
        event = stripe.Webhook.construct_event(
            payload,
            signature_header,
            settings.STRIPE_WEBHOOK_SECRET,
            WEBHOOK_TOLERANCE_SECONDS,
            api_key=settings.STRIPE_SECRET_KEY,
        )
    except stripe.SignatureVerificationError as error:
        raise WebhookRejected(
            "The signature does not match, or the event is too old.", code="bad_signature"
        ) from error
    except (ValueError, AttributeError, TypeError) as error:  # not UTF-8, not JSON, or not an object
        raise WebhookRejected("The event is not well-formed.") from error
    try:
        body = event.to_dict()
        verified = WebhookEvent(
            id=str(body["id"]),
            type=str(body["type"]),
            created=int(body["created"]),
            data_object=dict(body["data"]["object"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise WebhookRejected("The event is not well-formed.") from error
    if not verified.id.startswith("evt_"):
        raise WebhookRejected("The event is not well-formed.")
    return verified


def webhook_endpoint_register_local(
    *, url: str, endpoint_id: str = LOCALSTRIPE_WEBHOOK_ID, event_types: list[str] | None = None
) -> None:
    """Tell localstripe where to send its signed events (localstripe only; Stripe's is set in its dashboard).

    Each ``endpoint_id`` is one more endpoint that gets every event, or only ``event_types``;
    localstripe cannot remove one, only point it elsewhere or narrow its types."""
    if not is_local():
        raise GatewayError("Webhook endpoints of the real Stripe are configured in its dashboard.")
    data: dict[str, str | list[str]] = {"url": url, "secret": settings.STRIPE_WEBHOOK_SECRET}
    if event_types is not None:
        data["events[]"] = event_types
    try:
        response = requests.post(
            f"{settings.STRIPE_API_BASE.rstrip('/')}/_config/webhooks/{endpoint_id}",
            data=data,
            timeout=_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
    except requests.RequestException as error:
        raise GatewayError("localstripe did not accept the webhook endpoint.", code="unreachable") from error
