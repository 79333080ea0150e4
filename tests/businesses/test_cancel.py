"""A business cancels its promotion: unpaid, nothing is charged; paid, what it has not spent comes back."""

import datetime

import pytest
import requests
from django.utils import timezone

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
    assert (
        client.post(f"/business/promotions/{theirs.public_id}/cancel", {"confirm": "yes"}).status_code == 404
    )
    assert client.get(f"/business/promotions/{theirs.public_id}/cancel").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "draft"
    client.force_login(theirs.business.creator.user)
    page = client.get(f"/business/promotions/{theirs.public_id}/").content.decode()
    assert "Cancel the promotion" in page
    assert (
        client.post(f"/business/promotions/{theirs.public_id}/cancel", {"confirm": "yes"})["Location"]
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
    assert (
        client.post(f"/business/promotions/{promotion.public_id}/cancel", {"confirm": "yes"}).status_code
        == 403
    )
    assert client.get(f"/business/promotions/{promotion.public_id}/cancel").status_code == 403
    promotion.refresh_from_db()
    assert promotion.state == "draft"


# --- the confirmation step of the page ---------------------------------------------------------


def _running_paid(*, spent_cents):
    """A running promotion paid 50.00 EUR (the payment row as the webhook leaves it) that spent some."""
    business, video = business_with_video()
    promotion = Promotion.objects.create(
        business=business, video=video, goal="video_views", budget_cents=50_00, currency="eur", duration_days=7,
        cpm_cents=6_00, state="active", spent_cents=spent_cents, impressions_charged=spent_cents * 1000 // 600,
        paid_at=timezone.now(), starts_at=timezone.now(), ends_at=timezone.now() + datetime.timedelta(days=7),
    )  # fmt: skip
    Payment.objects.create(
        promotion=promotion, attempt=1, idempotency_key=f"pay-{promotion.pk}", intent_id=f"pi_{promotion.pk}",
        amount_cents=50_00, currency="eur", status=Payment.Status.SUCCEEDED, succeeded_at=timezone.now(),
    )  # fmt: skip
    return promotion


def test_a_post_without_the_confirmation_cancels_nothing(client):
    promotion = _running_paid(spent_cents=12_34)
    client.force_login(promotion.business.creator.user)
    url = f"/business/promotions/{promotion.public_id}/cancel"
    for data in ({}, {"confirm": ""}, {"confirm": "no"}):
        response = client.post(url, data)
        assert (response.status_code, response["Location"]) == (302, url)
    promotion.refresh_from_db()
    assert (promotion.state, promotion.finished_at) == ("active", None)
    assert not Refund.objects.exists()
    assert not AuditEntry.objects.filter(action="promotion.cancelled").exists()


def test_the_confirmation_shows_the_refund_that_cancelling_then_sends(client):
    promotion = _running_paid(spent_cents=12_34)
    client.force_login(promotion.business.creator.user)
    url = f"/business/promotions/{promotion.public_id}/cancel"
    page = client.get(url).content.decode()
    assert '<dd data-role="refund"><strong>37.66 EUR</strong></dd>' in page
    assert "Cancel and refund 37.66 EUR" in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert services.promotion_cancel_preview(promotion=promotion).refund_cents == 37_66
    # Nothing happened by looking.
    promotion.refresh_from_db()
    assert promotion.state == "active"
    assert not Refund.objects.exists()
    # The promotion page asks first: a link to the question, no form that cancels.
    detail = client.get(f"/business/promotions/{promotion.public_id}/").content.decode()
    assert f'href="{url}"' in detail
    assert f'action="{url}"' not in detail
    assert client.post(url, {"confirm": "yes"})["Location"] == f"/business/promotions/{promotion.public_id}/"
    promotion.refresh_from_db()
    assert promotion.state == "cancelled"
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.reason) == (37_66, "cancelled")


def test_an_unpaid_promotion_says_nothing_was_charged(client):
    promotion = _draft()
    client.force_login(promotion.business.creator.user)
    page = client.get(f"/business/promotions/{promotion.public_id}/cancel").content.decode()
    assert "Nothing has been charged" in page
    assert "Cancel and refund" not in page
    assert "Cancel the promotion</button>" in page
    assert services.promotion_cancel_preview(promotion=promotion).refund_cents == 0


def test_an_ended_promotion_has_no_question_to_ask(client):
    promotion = _draft()
    Promotion.objects.filter(pk=promotion.pk).update(state="completed")
    client.force_login(promotion.business.creator.user)
    response = client.get(f"/business/promotions/{promotion.public_id}/cancel")
    assert response["Location"] == f"/business/promotions/{promotion.public_id}/"
