"""What ``businesses`` keeps about a person, for "download your data" and account deletion: their
business profile, its promotions with their results, and the payments and refunds (amounts and states;
card details never reach Joyreel). Registered in ``BusinessesConfig.ready()``.

Deleting an account first cancels its live promotions through ``promotion_cancel``, which refunds the
unspent part; the rows go only once every refund has been settled with Stripe (until then erasure is
deferred to the next run), so no refund is lost with its row; a PaymentIntent cancelled then waits 3
days for a late success event, which refunds it. Stripe keeps its own record of the money,
and the audit log keeps each payment and refund by id and amount. The person's own sponsored deliveries
(as a viewer of other businesses' promotions) are re-keyed to one random key, so the businesses' reach
counts stay right without naming anyone.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from businesses.models import BusinessProfile, Payment, Promotion, PromotionDelivery, Refund
from businesses.services.review import promotion_cancel
from platform.models import User
from platform.personal_data import Content, ErasureDeferred, audit_entries_scrub, json_bytes

LATE_EVENT_WINDOW = datetime.timedelta(days=3)

FILES = {
    "business.json": gettext_lazy(
        "Your business profile: legal name, category, place, website and verification."
    ),
    "promotions.json": gettext_lazy(
        "Every promotion you made: goal, audience, budget, price, state, spend, dates, "
        "daily results, and its payments and refunds (amounts, states and dates; no card details)."
    ),
}

_LIVE = (
    Promotion.State.DRAFT,
    Promotion.State.AWAITING_PAYMENT,
    Promotion.State.IN_REVIEW,
    Promotion.State.ACTIVE,
    Promotion.State.PAUSED,
)


def businesses_export(user: User) -> Iterable[tuple[str, Content]]:
    business = BusinessProfile.objects.filter(creator__user=user).first()
    if business is None:
        return
    yield (
        "business.json",
        json_bytes(
            {
                "legal_name": business.legal_name,
                "category": business.category,
                "country": business.country.code,
                "region": business.region,
                "website": business.website,
                "website_clicks": business.website_clicks,
                "is_verified": business.is_verified,
                "verified_at": business.verified_at,
                "created_at": business.created_at,
            }
        ),
    )
    promotions = []
    for promotion in (
        business.promotions.select_related("video").prefetch_related("topics").order_by("created_at")
    ):
        payments = Payment.objects.filter(promotion=promotion).order_by("created_at")
        promotions.append(
            {
                "id": str(promotion.public_id),
                "video": str(promotion.video.public_id),
                "goal": promotion.goal,
                "audience": promotion.audience,
                "regions": promotion.regions,
                "age_bands": promotion.age_bands,
                "topics": sorted(topic.slug for topic in promotion.topics.all()),
                "budget_cents": promotion.budget_cents,
                "currency": promotion.currency,
                "duration_days": promotion.duration_days,
                "cpm_cents": promotion.cpm_cents,
                "impressions_charged": promotion.impressions_charged,
                "spent_cents": promotion.spent_cents,
                "state": promotion.state,
                "state_reason": promotion.state_reason,
                "created_at": promotion.created_at,
                "paid_at": promotion.paid_at,
                "starts_at": promotion.starts_at,
                "ends_at": promotion.ends_at,
                "finished_at": promotion.finished_at,
                "days": list(
                    promotion.days.values(
                        "day", "impressions", "spent_cents", "views", "completions", "likes", "website_clicks"
                    )
                ),
                "payments": [
                    {
                        "receipt": payment.intent_id,
                        "amount_cents": payment.amount_cents,
                        "currency": payment.currency,
                        "status": payment.status,
                        "created_at": payment.created_at,
                        "succeeded_at": payment.succeeded_at,
                        "refunds": list(
                            payment.refunds.order_by("created_at").values(
                                "amount_cents", "currency", "reason", "status", "created_at", "succeeded_at"
                            )
                        ),
                    }
                    for payment in payments
                ],
            }
        )
    yield "promotions.json", json_bytes(promotions)


def businesses_erase(user: User) -> None:
    PromotionDelivery.objects.filter(viewer_key=f"u:{user.pk}").update(
        viewer_key=f"gone:{secrets.token_hex(16)}"
    )
    business = BusinessProfile.objects.filter(creator__user=user).first()
    if business is None:
        return
    for promotion in Promotion.objects.filter(business=business, state__in=_LIVE):
        promotion_cancel(promotion=promotion, actor=None, reason=gettext_noop("The account was deleted."))
    payments = Payment.objects.filter(promotion__business=business)
    if Refund.objects.filter(payment__in=payments, status=Refund.Status.PENDING).exists():
        raise ErasureDeferred("a refund is still on its way to the business")
    # A card charged just as its PaymentIntent was cancelled is refunded when Stripe's success event finds
    # the payment row: keep the rows while Stripe may still deliver that event (it retries for 3 days).
    if payments.filter(
        status=Payment.Status.CANCELLED,
        intent_id__isnull=False,
        updated_at__gt=timezone.now() - LATE_EVENT_WINDOW,
    ).exists():
        raise ErasureDeferred("a cancelled payment may still be charged")
    promotion_ids = list(Promotion.objects.filter(business=business).values_list("pk", flat=True))
    payment_ids = list(payments.values_list("pk", flat=True))
    refund_ids = list(Refund.objects.filter(payment_id__in=payment_ids).values_list("pk", flat=True))
    audit_entries_scrub(model=Refund, ids=refund_ids)
    audit_entries_scrub(model=Payment, ids=payment_ids)
    audit_entries_scrub(model=Promotion, ids=promotion_ids)
    audit_entries_scrub(model=BusinessProfile, ids=[business.pk])
    Refund.objects.filter(pk__in=refund_ids).delete()
    Payment.objects.filter(pk__in=payment_ids).delete()
    # Deliveries and days go with their promotion (CASCADE); its topics' link rows too.
    Promotion.objects.filter(pk__in=promotion_ids).delete()
    business.delete()
