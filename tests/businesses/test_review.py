"""Staff review paid promotions: approve to run, or reject with a reason and refund in full through Stripe."""

import datetime

import pytest
import requests
from django.core.exceptions import ValidationError
from django.urls import reverse

from businesses import gateway, services
from businesses.models import Promotion, Refund
from creators.models import Video
from platform.errors import Conflict
from platform.models import AuditEntry
from tests.businesses.helpers import business_with_video

pytestmark = pytest.mark.django_db


def _stripe_refunds(base, intent_id):
    """What localstripe itself holds: the refunds made against a PaymentIntent."""
    answer = requests.get(
        f"{base}/v1/refunds",
        params={"payment_intent": intent_id},
        auth=("sk_test_localstripe", ""),
        timeout=5,
    )
    return [(refund["amount"], refund["status"]) for refund in answer.json()["data"]]


def test_an_approved_promotion_runs_from_now_for_its_days(in_review, reviewer):
    promotion, _ = in_review
    services.promotion_approve(promotion=promotion, actor=reviewer)
    promotion.refresh_from_db()
    assert promotion.state == "active"
    assert promotion.ends_at - promotion.starts_at == datetime.timedelta(days=7)
    entry = AuditEntry.objects.get(action="promotion.active")
    assert (entry.actor, entry.detail) == (reviewer, {"from": "in_review", "reason": ""})
    assert not Refund.objects.exists()


def test_only_a_promotion_in_review_can_be_approved_or_rejected(stripe_local, reviewer):
    business, video = business_with_video()
    draft = services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=2000, duration_days=2
    )
    with pytest.raises(Conflict):
        services.promotion_approve(promotion=draft, actor=reviewer)
    with pytest.raises(Conflict):
        services.promotion_reject(promotion=draft, actor=reviewer, reason="No.")
    draft.refresh_from_db()
    assert (draft.state, draft.starts_at, draft.state_reason) == ("draft", None, "")
    assert not Refund.objects.exists()


def test_a_promotion_whose_video_was_removed_meanwhile_cannot_be_approved(in_review, reviewer):
    promotion, _ = in_review
    Video.objects.filter(pk=promotion.video_id).update(moderation_state=Video.Moderation.REMOVED)
    with pytest.raises(ValidationError, match="reject it so the business is refunded"):
        services.promotion_approve(promotion=promotion, actor=reviewer)
    promotion.refresh_from_db()
    assert (promotion.state, promotion.starts_at) == ("in_review", None)


@pytest.mark.parametrize(("reason", "message"), [("  ", "Tell the business why"), ("x" * 301, "At most 300")])
def test_a_rejection_needs_a_short_reason_and_writes_nothing_without_one(
    in_review, reviewer, reason, message
):
    promotion, _ = in_review
    with pytest.raises(ValidationError, match=message):
        services.promotion_reject(promotion=promotion, actor=reviewer, reason=reason)
    promotion.refresh_from_db()
    assert promotion.state == "in_review"
    assert not Refund.objects.exists()
    assert not AuditEntry.objects.filter(action="promotion.rejected").exists()


def test_a_rejected_promotion_is_refunded_in_full_at_stripe(
    in_review, reviewer, eager_tasks, django_capture_on_commit_callbacks, stripe_local
):
    promotion, intent_id = in_review
    with django_capture_on_commit_callbacks(execute=True):
        services.promotion_reject(
            promotion=promotion, actor=reviewer, reason="The video shows a competitor's logo."
        )
    promotion.refresh_from_db()
    assert (promotion.state, promotion.state_reason) == ("rejected", "The video shows a competitor's logo.")
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.currency, refund.reason, refund.status) == (
        5000,
        "eur",
        "rejected",
        "succeeded",
    )
    assert str(refund.stripe_id).startswith("re_")
    assert _stripe_refunds(stripe_local, intent_id) == [(5000, "succeeded")]
    audit = AuditEntry.objects.get(action="payment.refund")
    assert audit.detail == {
        "refund": refund.stripe_id,
        "amount_cents": 5000,
        "currency": "eur",
        "reason": "rejected",
    }
    assert AuditEntry.objects.get(action="promotion.rejected").actor == reviewer


def test_sending_a_refund_again_never_refunds_twice(in_review, reviewer, stripe_local):
    promotion, intent_id = in_review
    services.promotion_reject(promotion=promotion, actor=reviewer, reason="Not allowed.")
    refund = Refund.objects.get()
    services.refund_send(refund_id=refund.pk)
    services.refund_send(refund_id=refund.pk)
    assert _stripe_refunds(stripe_local, intent_id) == [(5000, "succeeded")]
    assert AuditEntry.objects.filter(action="payment.refund").count() == 1
    assert services.refund_send(refund_id=0) is None


def test_an_unreachable_stripe_leaves_the_refund_pending_for_the_retry(
    in_review, reviewer, stripe_local, settings
):
    promotion, intent_id = in_review
    services.promotion_reject(promotion=promotion, actor=reviewer, reason="Not allowed.")
    refund = Refund.objects.get()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(gateway.GatewayError):
        services.refund_send(refund_id=refund.pk)
    refund.refresh_from_db()
    assert (refund.status, refund.stripe_id) == ("pending", None)
    settings.STRIPE_API_BASE = stripe_local
    services.refund_send(refund_id=refund.pk)
    refund.refresh_from_db()
    assert refund.status == "succeeded"
    assert _stripe_refunds(stripe_local, intent_id) == [(5000, "succeeded")]


def test_the_admin_review_queue_approves_and_rejects_with_a_reason(client, reviewer, in_review, stripe_local):
    promotion, _ = in_review
    business, video = business_with_video()
    other = services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=2000, duration_days=2
    )
    client.force_login(reviewer)
    changelist = reverse("admin:businesses_promotion_changelist")
    assert client.get(changelist, {"state__exact": "in_review"}).status_code == 200
    client.post(
        changelist, {"action": "reject", "_selected_action": [promotion.pk], "reason": "Misleading claim."}
    )
    promotion.refresh_from_db()
    assert (promotion.state, promotion.state_reason) == ("rejected", "Misleading claim.")
    response = client.post(changelist, {"action": "approve", "_selected_action": [other.pk]}, follow=True)
    assert "Only a paid promotion in review can be approved." in response.content.decode()
    other.refresh_from_db()
    assert other.state == "draft"
    assert client.get(reverse("admin:businesses_promotion_change", args=[promotion.pk])).status_code == 200


def test_the_business_sees_why_and_what_comes_back(client, in_review, reviewer):
    promotion, _ = in_review
    services.promotion_reject(promotion=promotion, actor=reviewer, reason="Misleading claim.")
    client.force_login(promotion.business.creator.user)
    page = client.get(f"/business/promotions/{promotion.public_id}/").content.decode()
    assert "Misleading claim." in page
    assert "50.00 EUR · Promotion rejected · Being refunded" in page
    assert Promotion.objects.get().state == "rejected"
