"""Staff review of paid promotions (approve, or reject with a reason), cancelling, and refunds sent to Stripe.

A refund is a row written in the same transaction as the decision that owes it; after commit a task
sends it to Stripe with the row's idempotency key, so a retried task never refunds twice.
"""

from __future__ import annotations

import datetime
import functools
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from businesses import gateway
from businesses.models import Payment, Promotion, Refund
from businesses.rules import refund_due_cents
from businesses.services.profiles import business_user_check
from businesses.services.promotions import promotion_locked, promotion_move, video_promotable_problem
from platform.errors import Conflict
from platform.models import User
from platform.services import audit_record

logger = logging.getLogger(__name__)


@transaction.atomic
def promotion_approve(*, promotion: Promotion, actor: User) -> Promotion:
    """A reviewer lets a paid promotion run, from now for its number of days."""
    promotion = promotion_locked(promotion=promotion)
    if promotion.state != Promotion.State.IN_REVIEW:
        raise Conflict(_("Only a paid promotion in review can be approved."))
    problem = video_promotable_problem(
        video=promotion.video, business=promotion.business, promotion=promotion
    )
    if problem:
        raise ValidationError(
            _("Its video can no longer be promoted; reject it so the business is refunded.")
        )
    promotion.starts_at = timezone.now()
    promotion.ends_at = promotion.starts_at + datetime.timedelta(days=promotion.duration_days)
    promotion.save(update_fields=["starts_at", "ends_at", "updated_at"])
    transaction.on_commit(_slots_forget)
    return promotion_move(promotion=promotion, to=Promotion.State.ACTIVE, actor=actor)


def promotion_reject(*, promotion: Promotion, actor: User | None, reason: str) -> Promotion:
    """A reviewer turns a paid promotion down; the business sees the reason and gets everything back."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the business why, in a sentence it can act on.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("At most 300 characters.")})
    with transaction.atomic():
        promotion = promotion_locked(promotion=promotion)
        if promotion.state != Promotion.State.IN_REVIEW:
            raise Conflict(_("Only a paid promotion in review can be rejected."))
        promotion_move(promotion=promotion, to=Promotion.State.REJECTED, reason=reason, actor=actor)
        refund = refund_owed(promotion=promotion, reason=Refund.Reason.REJECTED)
    if refund is not None:
        refund_send_after_commit(refund=refund)
    return promotion


def refunded_cents(payment: Payment) -> int:
    """What a payment has had refunded, or has on its way back (failed refunds do not count)."""
    return int(
        payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount_cents"))["total"]
        or 0
    )


def refund_owed(*, promotion: Promotion, reason: str) -> Refund | None:
    """The refund of what was paid and not spent, as a row; inside the caller's transaction."""
    payment = (
        Payment.objects.select_for_update()
        .filter(promotion=promotion, status=Payment.Status.SUCCEEDED)
        .first()
    )
    if payment is None:
        return None
    amount = refund_due_cents(
        paid_cents=payment.amount_cents,
        spent_cents=promotion.spent_cents,
        refunded_cents=refunded_cents(payment),
    )
    if amount <= 0:
        return None
    number = payment.refunds.count() + 1
    return Refund.objects.create(
        payment=payment,
        amount_cents=amount,
        currency=payment.currency,
        reason=reason,
        idempotency_key=f"payment-{payment.pk}-refund-{number}",
    )


@dataclass(frozen=True, slots=True)
class CancelPreview:
    """What cancelling a promotion now would do with its money, as ``promotion_cancel`` would do it."""

    refund_cents: int  # what ``refund_owed`` would refund at this moment
    paid_cents: int
    spent_cents: int
    # A payment started and not finished: cancelling cancels it at Stripe.
    is_payment_open: bool
    # Still running: it may spend a little more before the business confirms.
    is_running: bool


def promotion_cancel_preview(*, promotion: Promotion) -> CancelPreview:
    """The refund cancelling would send now, from the same numbers and rule as ``refund_owed``."""
    payments = list(
        promotion.payments.filter(status__in=[Payment.Status.SUCCEEDED, Payment.Status.REQUIRES_PAYMENT])
    )
    paid = next((payment for payment in payments if payment.status == Payment.Status.SUCCEEDED), None)
    refund = (
        refund_due_cents(
            paid_cents=paid.amount_cents,
            spent_cents=promotion.spent_cents,
            refunded_cents=refunded_cents(paid),
        )
        if paid is not None
        else 0
    )
    return CancelPreview(
        refund_cents=refund,
        paid_cents=paid.amount_cents if paid is not None else 0,
        spent_cents=promotion.spent_cents,
        is_payment_open=any(payment.status == Payment.Status.REQUIRES_PAYMENT for payment in payments),
        is_running=promotion.state in (Promotion.State.ACTIVE, Promotion.State.PAUSED),
    )


def refund_send_after_commit(*, refund: Refund) -> None:
    from businesses.tasks import refund_send_task

    refund_id = refund.pk
    transaction.on_commit(lambda: refund_send_task.delay(refund_id=refund_id))


def refund_send(*, refund_id: int) -> Refund | None:
    """Send a pending refund to Stripe; quietly nothing if it is gone or done.

    ``GatewayError`` with code ``unreachable`` propagates so the task retries (same idempotency key);
    a refusal is recorded as a failure for staff to look at.
    """
    refund = Refund.objects.select_related("payment").filter(pk=refund_id).first()
    if refund is None or refund.status != Refund.Status.PENDING or refund.payment.intent_id is None:
        return refund
    try:
        result = gateway.refund_create(
            intent_id=refund.payment.intent_id,
            amount_cents=refund.amount_cents,
            idempotency_key=refund.idempotency_key,
        )
    except gateway.GatewayError as error:
        if error.code == "unreachable":
            raise
        with transaction.atomic():
            refund = Refund.objects.select_for_update().get(pk=refund_id)
            if refund.status == Refund.Status.PENDING:
                refund.status = Refund.Status.FAILED
                refund.failure_reason = error.message[:300]
                refund.save(update_fields=["status", "failure_reason", "updated_at"])
        logger.error("Refund %s failed: %s", refund_id, error.message)
        return refund
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != Refund.Status.PENDING:
            return refund
        refund.stripe_id = result.id
        refund.status = Refund.Status.SUCCEEDED
        refund.succeeded_at = timezone.now()
        refund.save(update_fields=["stripe_id", "status", "succeeded_at", "updated_at"])
        audit_record(
            actor=None,
            action="payment.refund",
            target=refund,
            detail={"refund": result.id, "amount_cents": refund.amount_cents, "currency": refund.currency,
                    "reason": refund.reason},
        )  # fmt: skip
    return refund


_CANCELLABLE = (
    Promotion.State.DRAFT,
    Promotion.State.AWAITING_PAYMENT,
    Promotion.State.IN_REVIEW,
    Promotion.State.ACTIVE,
    Promotion.State.PAUSED,
)


def promotion_cancel(
    *, promotion: Promotion, actor: User | None, reason: str = gettext_noop("Cancelled by the business.")
) -> Promotion:
    """The business stops its promotion (or the platform does, with ``actor`` None and a reason): an
    unpaid one's PaymentIntent is cancelled, a paid one is refunded what it has not spent."""
    with transaction.atomic():
        promotion = promotion_locked(promotion=promotion)
        if actor is not None:
            business_user_check(user=promotion.business.creator.user)
        if promotion.state not in _CANCELLABLE:
            raise Conflict(_("This promotion has already ended."))
        if promotion.state in (Promotion.State.ACTIVE, Promotion.State.PAUSED):
            promotion.finished_at = timezone.now()
            promotion.save(update_fields=["finished_at", "updated_at"])
        promotion_move(promotion=promotion, to=Promotion.State.CANCELLED, reason=reason, actor=actor)
        unpaid = list(
            Payment.objects.select_for_update().filter(
                promotion=promotion, status=Payment.Status.REQUIRES_PAYMENT
            )
        )
        for payment in unpaid:
            payment.status = Payment.Status.CANCELLED
            payment.save(update_fields=["status", "updated_at"])
        refund = refund_owed(promotion=promotion, reason=Refund.Reason.CANCELLED)
    for payment in unpaid:
        if payment.intent_id:
            # Best effort: if the card was charged meanwhile, the success event refunds it.
            intent_id = payment.intent_id
            transaction.on_commit(functools.partial(intent_cancel_quietly, intent_id=intent_id))
    if refund is not None:
        refund_send_after_commit(refund=refund)
    transaction.on_commit(_slots_forget)
    return promotion


def _slots_forget() -> None:
    from businesses.serving import slots

    slots.forget()


def promotion_refund_late_payment(*, promotion: Promotion) -> None:
    """Money arrived for a promotion that had already been cancelled or rejected: give it all back.

    Runs inside the caller's transaction (the webhook's), with the promotion locked.
    """
    refund = refund_owed(promotion=promotion, reason=Refund.Reason.CANCELLED)
    if refund is not None:
        refund_send_after_commit(refund=refund)


def intent_cancel_quietly(*, intent_id: str) -> None:
    try:
        gateway.payment_intent_cancel(intent_id=intent_id)
    except gateway.GatewayError:
        # Already paid (its success event then refunds it) or Stripe unreachable (it stays unpaid).
        logger.warning("Could not cancel the PaymentIntent %s", intent_id)


def promotion_pause(*, promotion: Promotion, actor: User) -> Promotion:
    """The business holds its running promotion: no slots until it resumes; its end date stays."""
    with transaction.atomic():
        promotion = promotion_locked(promotion=promotion)
        business_user_check(user=promotion.business.creator.user)
        if promotion.state != Promotion.State.ACTIVE:
            raise Conflict(_("Only a running promotion can be paused."))
        promotion_move(
            promotion=promotion,
            to=Promotion.State.PAUSED,
            reason=gettext_noop("Paused by the business."),
            actor=actor,
        )
    transaction.on_commit(_slots_forget)
    return promotion


def promotion_resume(*, promotion: Promotion, actor: User) -> Promotion:
    """A paused promotion runs again until its end date; pacing spreads what is left over the days left."""
    with transaction.atomic():
        promotion = promotion_locked(promotion=promotion)
        business_user_check(user=promotion.business.creator.user)
        if promotion.state != Promotion.State.PAUSED:
            raise Conflict(_("Only a paused promotion can be resumed."))
        if promotion.ends_at is not None and promotion.ends_at <= timezone.now():
            raise Conflict(_("Its days are over; it completes in a moment."))
        problem = video_promotable_problem(
            video=promotion.video, business=promotion.business, promotion=promotion
        )
        if problem:
            raise ValidationError({"video": problem})
        promotion_move(promotion=promotion, to=Promotion.State.ACTIVE, actor=actor)
    transaction.on_commit(_slots_forget)
    return promotion
