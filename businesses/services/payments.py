"""Paying for a promotion: the PaymentIntent, and Stripe's webhook events that alone mark it paid.

Paying twice never charges twice: a promotion has at most one live ``Payment`` (a database
constraint), the row is written (and committed) before Stripe is asked, and Stripe is asked with
that row's idempotency key, so a retry after a timeout gets the same PaymentIntent back. No lock is
held while Stripe is on the line.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from businesses import gateway
from businesses.models import Payment, Promotion, Refund, StripeEvent
from businesses.services.profiles import business_user_check
from businesses.services.promotions import (
    ALREADY_PROMOTED,
    promotion_locked,
    promotion_move,
    video_promotable_problem,
)
from businesses.services.review import intent_cancel_quietly, promotion_refund_late_payment, refunded_cents
from platform.errors import Conflict, NotFound

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PaymentStart:
    """What the payment page needs to confirm the PaymentIntent with Stripe.js."""

    payment: Payment
    intent_id: str
    client_secret: str
    publishable_key: str
    stripe_js_url: str


def _payment_live(*, promotion: Promotion) -> Payment:
    """The promotion's live payment attempt, made (as a row, not yet at Stripe) if there is none."""
    with transaction.atomic():
        promotion = promotion_locked(promotion=promotion)
        business_user_check(user=promotion.business.creator.user)
        if promotion.state not in (Promotion.State.DRAFT, Promotion.State.AWAITING_PAYMENT):
            raise Conflict(_("This promotion is already paid, or no longer waits for payment."))
        problem = video_promotable_problem(
            video=promotion.video, business=promotion.business, promotion=promotion
        )
        if problem:
            raise ValidationError({"video": problem})
        if promotion.state == Promotion.State.DRAFT:
            try:
                with transaction.atomic():
                    promotion_move(promotion=promotion, to=Promotion.State.AWAITING_PAYMENT)
            except IntegrityError as error:  # another promotion of the video went live meanwhile
                raise ValidationError({"video": _(ALREADY_PROMOTED)}) from error
        live = promotion.payments.filter(status=Payment.Status.REQUIRES_PAYMENT).first()
        if live is not None:
            return live
        attempt = promotion.payments.count() + 1
        return Payment.objects.create(
            promotion=promotion,
            attempt=attempt,
            idempotency_key=f"promotion-{promotion.public_id}-attempt-{attempt}",
            amount_cents=promotion.budget_cents,
            currency=promotion.currency,
        )


def promotion_pay_start(*, promotion: Promotion) -> PaymentStart:
    """Start (or resume) paying a promotion's budget: a PaymentIntent for the page to confirm."""
    payment = _payment_live(promotion=promotion)
    if payment.intent_id:
        intent = gateway.payment_intent_retrieve(intent_id=payment.intent_id)
    else:
        intent = gateway.payment_intent_create(
            amount_cents=payment.amount_cents,
            currency=payment.currency,
            metadata={"promotion": str(promotion.public_id), "payment": str(payment.pk)},
            idempotency_key=payment.idempotency_key,
        )
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=payment.pk)
            if not payment.intent_id:
                payment.intent_id = intent.id
                payment.save(update_fields=["intent_id", "updated_at"])
        if payment.intent_id != intent.id:
            # A concurrent request saved its PaymentIntent first. Stripe returns the same one for the
            # same idempotency key, but a server that ignores the key (localstripe) made a second:
            # cancel it, so that only the recorded one can ever take money.
            intent_cancel_quietly(intent_id=intent.id)
            intent = gateway.payment_intent_retrieve(intent_id=str(payment.intent_id))
    return PaymentStart(
        payment=payment,
        intent_id=intent.id,
        client_secret=intent.client_secret,
        publishable_key=gateway.publishable_key(),
        stripe_js_url=gateway.stripe_js_url(),
    )


# --- webhook events ----------------------------------------------------------------------------


def _payment_for(event: gateway.WebhookEvent) -> Payment | None:
    """Our payment for the event's PaymentIntent, locked; found by the id Stripe gave it, or ours in its metadata."""
    intent_id = str(event.data_object.get("id", ""))
    payment = Payment.objects.select_for_update().filter(intent_id=intent_id).first()
    if payment is None:
        metadata = event.data_object.get("metadata") or {}
        payment_pk = str(metadata.get("payment", ""))
        if payment_pk.isdigit():
            payment = (
                Payment.objects.select_for_update().filter(pk=int(payment_pk), intent_id__isnull=True).first()
            )
            if payment is not None:
                payment.intent_id = intent_id
                payment.save(update_fields=["intent_id", "updated_at"])
    return payment


def _payment_awaited(event: gateway.WebhookEvent) -> Payment | None:
    """Without locking: the unpaid payment a success event would mark paid, found as ``_payment_for`` will."""
    intent_id = str(event.data_object.get("id", ""))
    payment = Payment.objects.filter(intent_id=intent_id).first()
    if payment is None:
        payment_pk = str((event.data_object.get("metadata") or {}).get("payment", ""))
        if payment_pk.isdigit():
            payment = Payment.objects.filter(pk=int(payment_pk), intent_id__isnull=True).first()
    return payment if payment is not None and payment.status != Payment.Status.SUCCEEDED else None


def _intent_at_stripe(event: gateway.WebhookEvent) -> gateway.Intent | None:
    """The event's PaymentIntent as Stripe's API shows it now, read before any lock is taken; None when
    no unpaid payment of ours waits for it (nothing to trust it for). ``GatewayError`` if Stripe cannot
    say: the webhook then fails and Stripe sends the event again later."""
    if _payment_awaited(event) is None:
        return None
    intent_id = str(event.data_object.get("id", ""))
    if not intent_id.startswith("pi_"):
        return None  # not a PaymentIntent id: nothing at Stripe can vouch for it
    try:
        return gateway.payment_intent_retrieve(intent_id=intent_id)
    except gateway.GatewayError as error:
        if error.code != "resource_missing":
            raise
        return None  # Stripe has no such PaymentIntent: not paid


def _untrusted_why(*, payment: Payment, at_stripe: gateway.Intent | None) -> str:
    """Why Stripe's own record does not back the success event for ``payment``; "" when it does."""
    if at_stripe is None or at_stripe.id != payment.intent_id:
        return "Stripe has no such PaymentIntent"
    if at_stripe.metadata.get("payment") != str(payment.pk):
        return "the PaymentIntent at Stripe belongs to another payment"
    if at_stripe.status != "succeeded":
        return f"the PaymentIntent at Stripe is {at_stripe.status}, not succeeded"
    if (
        at_stripe.amount_cents != payment.amount_cents
        or at_stripe.currency.lower() != payment.currency.lower()
    ):
        return (
            f"the PaymentIntent at Stripe is for {at_stripe.amount_cents} {at_stripe.currency}, "
            f"not {payment.amount_cents} {payment.currency}"
        )
    return ""


def _intent_succeeded(event: gateway.WebhookEvent, at_stripe: gateway.Intent | None) -> None:
    """Mark the payment paid, but only as far as Stripe's API confirms it: a signature proves who sent
    the event only while the webhook secret stays secret, and the event's own amount is the sender's
    word; the PaymentIntent read back from Stripe is the truth."""
    payment = _payment_for(event)
    if payment is None or payment.status == Payment.Status.SUCCEEDED:
        return
    why = _untrusted_why(payment=payment, at_stripe=at_stripe)
    if why:
        logger.warning(
            "Ignored payment_intent.succeeded %s for payment %s (PaymentIntent %s): %s",
            event.id, payment.pk, event.data_object.get("id"), why,
        )  # fmt: skip
        # Rolls back the event's row and anything the lookup wrote: the refused event leaves no trace,
        # and a genuine one Stripe sends again later is processed then.
        raise gateway.WebhookRejected(
            "Stripe does not show this PaymentIntent as paid for this payment.", code="payment_not_confirmed"
        )
    payment.status = Payment.Status.SUCCEEDED
    payment.succeeded_at = timezone.now()
    payment.failure_reason = ""
    payment.save(update_fields=["status", "succeeded_at", "failure_reason", "updated_at"])
    promotion = promotion_locked(promotion=payment.promotion)
    refunded = refunded_cents(payment)
    if refunded >= payment.amount_cents and promotion.state in (
        Promotion.State.DRAFT,
        Promotion.State.AWAITING_PAYMENT,
    ):
        # Stripe told us of a full refund first (``charge.refunded`` before this event): nothing to run.
        if promotion.state == Promotion.State.DRAFT:
            promotion_move(promotion=promotion, to=Promotion.State.AWAITING_PAYMENT)
        promotion_move(promotion=promotion, to=Promotion.State.CANCELLED, reason=REFUNDED_IN_STRIPE)
        return
    if promotion.state != Promotion.State.AWAITING_PAYMENT:
        # Cancelled while the card was being charged: the money goes straight back.
        logger.warning("Promotion %s was %s when its payment succeeded", promotion.public_id, promotion.state)
        promotion_refund_late_payment(promotion=promotion)
        return
    promotion.paid_at = payment.succeeded_at
    promotion.save(update_fields=["paid_at", "updated_at"])
    promotion_move(
        promotion=promotion,
        to=Promotion.State.IN_REVIEW,
        detail={
            "payment_intent": payment.intent_id,
            "amount_cents": payment.amount_cents,
            "currency": payment.currency,
        },
    )


def _intent_failed(event: gateway.WebhookEvent) -> None:
    """A declined attempt: the PaymentIntent stays usable with another card; a later success wins."""
    payment = _payment_for(event)
    if payment is None or payment.status != Payment.Status.REQUIRES_PAYMENT:
        return
    error = event.data_object.get("last_payment_error") or {}
    payment.failure_reason = str(error.get("message") or "The payment failed.")[:300]
    payment.save(update_fields=["failure_reason", "updated_at"])


def _intent_canceled(event: gateway.WebhookEvent) -> None:
    payment = _payment_for(event)
    if payment is None or payment.status != Payment.Status.REQUIRES_PAYMENT:
        return
    payment.status = Payment.Status.CANCELLED
    payment.save(update_fields=["status", "updated_at"])


REFUNDED_IN_STRIPE = gettext_noop("Cancelled: the payment was refunded in full in Stripe.")


def _charge_refunded(event: gateway.WebhookEvent) -> None:
    """Refunds of a charge, as Stripe reports them: ours are confirmed, any made in Stripe's dashboard
    are recorded, and a paid promotion refunded past what it has left stops. Stored even when the
    payment's own success event has not arrived yet (that event then sees the refunds)."""
    charge = event.data_object
    intent_id = str(charge.get("payment_intent") or "")
    payment = Payment.objects.select_for_update().filter(intent_id=intent_id).first() if intent_id else None
    if payment is None:
        logger.warning("charge.refunded for an unknown PaymentIntent %r", intent_id)
        return
    listed = (charge.get("refunds") or {}).get("data") or []
    for item in listed:
        refund_id, amount = str(item.get("id") or ""), item.get("amount")
        if not refund_id or not isinstance(amount, int) or item.get("status") not in ("succeeded", None):
            continue
        ours = Refund.objects.select_for_update().filter(stripe_id=refund_id).first()
        if ours is None:
            key = str((item.get("metadata") or {}).get("joyreel") or "")
            ours = (
                Refund.objects.select_for_update().filter(payment=payment, idempotency_key=key).first()
                if key
                else None
            )
        if ours is None:
            Refund.objects.create(
                payment=payment,
                amount_cents=amount,
                currency=payment.currency,
                reason=Refund.Reason.IN_STRIPE,
                idempotency_key=f"stripe-{refund_id}",
                stripe_id=refund_id,
                status=Refund.Status.SUCCEEDED,
                succeeded_at=timezone.now(),
            )
        elif ours.status != Refund.Status.SUCCEEDED:
            ours.stripe_id, ours.status, ours.succeeded_at = (
                refund_id,
                Refund.Status.SUCCEEDED,
                timezone.now(),
            )
            ours.save(update_fields=["stripe_id", "status", "succeeded_at", "updated_at"])
    if payment.status != Payment.Status.SUCCEEDED:
        return
    promotion = promotion_locked(promotion=payment.promotion)
    running = (Promotion.State.IN_REVIEW, Promotion.State.ACTIVE, Promotion.State.PAUSED)
    if promotion.state in running and refunded_cents(payment) >= payment.amount_cents - promotion.spent_cents:
        if promotion.state != Promotion.State.IN_REVIEW:
            promotion.finished_at = timezone.now()
            promotion.save(update_fields=["finished_at", "updated_at"])
        promotion_move(promotion=promotion, to=Promotion.State.CANCELLED, reason=REFUNDED_IN_STRIPE)


_EFFECTS: dict[str, Callable[[gateway.WebhookEvent], None]] = {
    "charge.refunded": _charge_refunded,
    "payment_intent.payment_failed": _intent_failed,
    "payment_intent.canceled": _intent_canceled,
}


def stripe_event_process(*, event: gateway.WebhookEvent) -> bool:
    """Apply a verified event once; False when its id was already processed (a replay).

    The event's row and its effect commit together, so a crash between them retries both. Each
    effect only moves things forward (a success is final), so events may arrive in any order.
    A success is applied only as Stripe's API confirms it (read before the transaction, so no lock
    waits on Stripe); one it does not confirm raises ``WebhookRejected`` and writes nothing.
    """
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return False  # a replay: not worth asking Stripe about (the insert below is still the guard)
    at_stripe = _intent_at_stripe(event) if event.type == "payment_intent.succeeded" else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(
                    event_id=event.id,
                    type=event.type,
                    object_id=str(event.data_object.get("id", ""))[:255],
                    created=datetime.datetime.fromtimestamp(event.created, tz=datetime.UTC),
                )
        except IntegrityError:
            return False
        if event.type == "payment_intent.succeeded":
            _intent_succeeded(event, at_stripe)
        effect = _EFFECTS.get(event.type)
        if effect is not None:
            effect(event)
    return True


def promotion_pay_confirm_local(*, promotion: Promotion, payment_method: str) -> str:
    """localstripe only: attach the card the page tokenised to the live PaymentIntent, and confirm.

    localstripe's mock Stripe.js cannot confirm a PaymentIntent with a card (its ``confirmCardPayment``
    only completes 3-D Secure), so with localstripe the page tokenises the card and this attaches it;
    with Stripe, Stripe.js confirms in the page and this is never called. Still only the webhook marks
    the promotion paid. Returns the PaymentIntent's status.
    """
    if not gateway.is_local():
        raise NotFound()
    business_user_check(user=promotion.business.creator.user)
    if not payment_method.startswith(("card_", "pm_")):
        raise ValidationError({"payment_method": _("That is not a card from the payment form.")})
    payment = promotion.payments.filter(
        status=Payment.Status.REQUIRES_PAYMENT, intent_id__isnull=False
    ).first()
    if payment is None or payment.intent_id is None:
        raise Conflict(_("Start the payment first."))
    return gateway.payment_intent_confirm(intent_id=payment.intent_id, payment_method=payment_method).status
