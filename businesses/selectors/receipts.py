"""A business's receipts: its paid payments and its refunds, with Stripe's receipt page where it has one."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.cache import cache

from businesses import gateway
from businesses.models import BusinessProfile, Payment, Refund
from businesses.rules import (
    money_format,
)


@dataclass(frozen=True, slots=True)
class Receipt:
    """A payment or a refund as the business's receipts list shows it."""

    kind: str  # "payment" or "refund"
    at: datetime.datetime
    amount_cents: int
    currency: str
    amount: str
    status: str
    status_display: str
    reason: str
    promotion_id: uuid.UUID
    promotion_caption: str
    # Stripe's ids (PaymentIntent, and the Refund's for a refund), and its receipt page when it has one.
    payment_intent: str
    stripe_id: str
    receipt_url: str | None


RECEIPT_URL_SECONDS = 3600


def receipt_url(*, intent_id: str) -> str | None:
    """Stripe's receipt page of a paid PaymentIntent, asked once an hour at most; None if Stripe has none
    (localstripe never has) or cannot be asked right now: the list then shows Stripe's ids alone."""
    key = f"businesses:receipt-url:{intent_id}"
    cached: tuple[str | None] | None = cache.get(key)
    if cached is not None:
        return cached[0]
    try:
        url = gateway.payment_receipt_url(intent_id=intent_id)
    except gateway.GatewayError:
        return None
    cache.set(key, (url,), RECEIPT_URL_SECONDS)
    return url


def receipts_of(*, business: BusinessProfile) -> list[Receipt]:
    """Every paid payment and every refund (whatever its state) of a business's promotions, newest first."""
    payments = list(
        Payment.objects.filter(promotion__business=business, status=Payment.Status.SUCCEEDED)
        .select_related("promotion__video")
        .order_by("-succeeded_at", "-id")
    )
    refunds = list(
        Refund.objects.filter(payment__promotion__business=business)
        .select_related("payment__promotion__video")
        .order_by("-created_at", "-id")
    )
    urls = {
        payment.intent_id: receipt_url(intent_id=payment.intent_id)
        for payment in payments
        if payment.intent_id
    }
    receipts = [
        Receipt(
            kind="payment",
            at=payment.succeeded_at or payment.created_at,
            amount_cents=payment.amount_cents,
            currency=payment.currency,
            amount=money_format(cents=payment.amount_cents, currency=payment.currency),
            status=payment.status,
            status_display=payment.get_status_display(),
            reason="",
            promotion_id=payment.promotion.public_id,
            promotion_caption=payment.promotion.video.caption,
            payment_intent=payment.intent_id or "",
            stripe_id=payment.intent_id or "",
            receipt_url=urls.get(payment.intent_id or ""),
        )
        for payment in payments
    ]
    # Stripe keeps no receipt of its own for a refund: the charge's receipt page lists its refunds.
    receipts += [
        Receipt(
            kind="refund",
            at=refund.created_at,
            amount_cents=refund.amount_cents,
            currency=refund.currency,
            amount=money_format(cents=refund.amount_cents, currency=refund.currency),
            status=refund.status,
            status_display=refund.get_status_display(),
            reason=refund.get_reason_display(),
            promotion_id=refund.payment.promotion.public_id,
            promotion_caption=refund.payment.promotion.video.caption,
            payment_intent=refund.payment.intent_id or "",
            stripe_id=refund.stripe_id or "",
            receipt_url=urls.get(refund.payment.intent_id or ""),
        )
        for refund in refunds
    ]
    return sorted(receipts, key=lambda receipt: receipt.at, reverse=True)
