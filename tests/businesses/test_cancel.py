"""A business cancels its promotion: unpaid, nothing is charged; paid, what it has not spent comes back."""

import pytest
import requests

from businesses import gateway, services
from businesses.models import Payment, Promotion, Refund
from platform.errors import Conflict
from platform.models import AuditEntry
from tests.businesses.helpers import business_with_video, intent_event, post_event

pytestmark = pytest.mark.django_db


def _draft(**fields):
    business, video = business_with_video()
    return services.promotion_create(
        business=business,
        video=video,
        goal="video_views",
        budget_cents=fields.get("budget_cents", 50_00),
        duration_days=7,
    )


def _paid(client):
    promotion = _draft()
    started = services.promotion_pay_start(promotion=promotion)
    gateway.payment_intent_confirm(intent_id=started.intent_id, payment_method="pm_card_visa")
    post_event(client, intent_event("payment_intent.succeeded", started.intent_id, amount=50_00))
    promotion.refresh_from_db()
    assert promotion.state == "in_review"
    return promotion, started.intent_id


def _stripe_refunds(base, intent_id):
    answer = requests.get(
        f"{base}/v1/refunds",
        params={"payment_intent": intent_id},
        auth=("sk_test_localstripe", ""),
        timeout=5,
    )
    return [(refund["amount"], refund["status"]) for refund in answer.json()["data"]]


def test_a_draft_is_cancelled_without_any_payment(stripe_local):
    promotion = _draft()
    services.promotion_cancel(promotion=promotion, actor=promotion.business.creator.user)
    promotion.refresh_from_db()
    assert (promotion.state, promotion.state_reason) == ("cancelled", "Cancelled by the business.")
    assert not Payment.objects.exists()
    assert not Refund.objects.exists()
    assert AuditEntry.objects.get(action="promotion.cancelled").actor == promotion.business.creator.user


def test_an_unpaid_promotion_cancels_its_payment_intent_at_stripe(
    stripe_local, django_capture_on_commit_callbacks
):
    promotion = _draft()
    intent_id = services.promotion_pay_start(promotion=promotion).intent_id
    with django_capture_on_commit_callbacks(execute=True):
        services.promotion_cancel(promotion=promotion, actor=promotion.business.creator.user)
    assert Payment.objects.get().status == "cancelled"
    assert gateway.payment_intent_retrieve(intent_id=intent_id).status == "canceled"
    assert not Refund.objects.exists()


def test_a_paid_promotion_in_review_is_refunded_in_full(
    client, stripe_local, eager_tasks, django_capture_on_commit_callbacks
):
    promotion, intent_id = _paid(client)
    with django_capture_on_commit_callbacks(execute=True):
        services.promotion_cancel(promotion=promotion, actor=promotion.business.creator.user)
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.reason, refund.status) == (5000, "cancelled", "succeeded")
    assert _stripe_refunds(stripe_local, intent_id) == [(5000, "succeeded")]


def test_only_the_unspent_budget_comes_back(client, stripe_local):
    promotion, _ = _paid(client)
    Promotion.objects.filter(pk=promotion.pk).update(spent_cents=1234)
    services.promotion_cancel(promotion=promotion, actor=promotion.business.creator.user)
    assert Refund.objects.get().amount_cents == 5000 - 1234


@pytest.mark.parametrize("state", ["cancelled", "rejected", "completed"])
def test_an_ended_promotion_cannot_be_cancelled_and_nothing_changes(stripe_local, state):
    promotion = _draft()
    Promotion.objects.filter(pk=promotion.pk).update(state=state)
    with pytest.raises(Conflict, match="already ended"):
        services.promotion_cancel(promotion=promotion, actor=promotion.business.creator.user)
    promotion.refresh_from_db()
    assert promotion.state == state
    assert not AuditEntry.objects.filter(action="promotion.cancelled").exists()


def test_a_payment_that_lands_after_the_cancel_is_refunded(
    client, stripe_local, eager_tasks, django_capture_on_commit_callbacks
):
    """The card was being charged as the business cancelled: the success event gives the money back."""
    promotion = _draft()
    intent_id = services.promotion_pay_start(promotion=promotion).intent_id
    gateway.payment_intent_confirm(intent_id=intent_id, payment_method="pm_card_visa")
    with django_capture_on_commit_callbacks(execute=True):
        # Cancelling the PaymentIntent at Stripe fails quietly: it is already paid.
        services.promotion_cancel(promotion=promotion, actor=promotion.business.creator.user)
    assert gateway.payment_intent_retrieve(intent_id=intent_id).status == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, intent_event("payment_intent.succeeded", intent_id, amount=50_00))
    promotion.refresh_from_db()
    assert promotion.state == "cancelled"
    assert Payment.objects.get().status == "succeeded"
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.status) == (5000, "succeeded")
    assert _stripe_refunds(stripe_local, intent_id) == [(5000, "succeeded")]


def test_the_api_and_the_page_cancel_only_the_own_promotion(api_client, client, stripe_local):
    mine, theirs = _draft(), _draft()
    api_client.force_authenticate(mine.business.creator.user)
    assert api_client.post(f"/api/v1/business/promotions/{theirs.public_id}/cancel").status_code == 404
    response = api_client.post(f"/api/v1/business/promotions/{mine.public_id}/cancel")
    assert (response.status_code, response.json()["state"]) == (200, "cancelled")
    again = api_client.post(f"/api/v1/business/promotions/{mine.public_id}/cancel")
    assert (again.status_code, again.json()) == (
        409,
        {"detail": "This promotion has already ended.", "code": "conflict"},
    )
    client.force_login(mine.business.creator.user)
    assert client.post(f"/business/promotions/{theirs.public_id}/cancel").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "draft"
    client.force_login(theirs.business.creator.user)
    page = client.get(f"/business/promotions/{theirs.public_id}/").content.decode()
    assert "Cancel the promotion" in page
    assert (
        client.post(f"/business/promotions/{theirs.public_id}/cancel")["Location"]
        == f"/business/promotions/{theirs.public_id}/"
    )
    theirs.refresh_from_db()
    assert theirs.state == "cancelled"
    assert (
        "Cancel the promotion" not in client.get(f"/business/promotions/{theirs.public_id}/").content.decode()
    )


def test_minors_cannot_cancel(api_client, client, stripe_local):
    business, video = business_with_video(years=17)
    promotion = Promotion.objects.create(
        business=business, video=video, goal="video_views", budget_cents=5000, currency="eur", duration_days=7,
        cpm_cents=600,
    )  # fmt: skip
    api_client.force_authenticate(business.creator.user)
    assert api_client.post(f"/api/v1/business/promotions/{promotion.public_id}/cancel").status_code == 403
    client.force_login(business.creator.user)
    assert client.post(f"/business/promotions/{promotion.public_id}/cancel").status_code == 403
    promotion.refresh_from_db()
    assert promotion.state == "draft"
