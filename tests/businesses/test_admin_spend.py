"""The admin's price table (audited) and the "Spend today" summary a moderator reads."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from businesses.models import Promotion, PromotionDay, PromotionPrice
from platform.models import AuditEntry
from tests.businesses.helpers import business_with_video
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

SPEND_TODAY = "/admin/businesses/promotion/spend-today/"


@pytest.fixture
def boss(client):
    user = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _promotion(business, *, state, budget_cents=100_00, spent_cents=0, video=None):
    now = timezone.now()
    return Promotion.objects.create(
        business=business, video=video or VideoFactory.create(owner=business.creator), goal="video_views",
        budget_cents=budget_cents, currency="eur", duration_days=7, cpm_cents=600, state=state,
        spent_cents=spent_cents, starts_at=now - datetime.timedelta(days=1), ends_at=now + datetime.timedelta(days=6),
    )  # fmt: skip


def test_staff_add_and_change_a_price_through_the_audited_service(client, boss):
    added = client.post(
        reverse("admin:businesses_promotionprice_add"),
        {"audience": "custom", "cpm_cents": "925", "currency": "eur"},
    )
    assert added.status_code == 302
    price = PromotionPrice.objects.get()
    assert (price.audience, price.cpm_cents, price.currency) == ("custom", 925, "eur")
    changed = client.post(
        reverse("admin:businesses_promotionprice_change", args=[price.pk]),
        {"cpm_cents": "1000", "currency": "eur"},
    )
    assert changed.status_code == 302
    price.refresh_from_db()
    assert price.cpm_cents == 1000
    listing = client.get(reverse("admin:businesses_promotionprice_changelist")).content.decode()
    assert "10.00 EUR" in listing
    assert [
        (entry.actor, entry.action, entry.detail["to"]["cpm_cents"])
        for entry in AuditEntry.objects.order_by("pk")
    ] == [
        (boss, "promotion_price.set", 925),
        (boss, "promotion_price.set", 1000),
    ]
    deleted = client.post(reverse("admin:businesses_promotionprice_delete", args=[price.pk]), {"post": "yes"})
    assert deleted.status_code == 302
    assert not PromotionPrice.objects.exists()
    assert AuditEntry.objects.filter(action="promotion_price.delete", actor=boss).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"audience": "custom", "cpm_cents": "900", "currency": "usd"}, "Prices are in EUR"),
        (
            {"audience": "custom", "cpm_cents": "0", "currency": "eur"},
            "The price is a positive whole number of cents.",
        ),
        ({"audience": "minors", "cpm_cents": "900", "currency": "eur"}, "Select a valid choice."),
    ],
)
def test_a_bad_price_in_the_admin_is_refused_and_nothing_is_written(client, boss, data, message):
    response = client.post(reverse("admin:businesses_promotionprice_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PromotionPrice.objects.exists()
    assert not AuditEntry.objects.exists()


def test_spend_today_lists_todays_impressions_and_spend_per_running_promotion(client, boss):
    business, video = business_with_video()
    business.legal_name = "Bea's <Bakery>"
    business.save(update_fields=["legal_name"])
    running = _promotion(business, state="active", video=video, spent_cents=40_00)
    paused = _promotion(business, state="paused", spent_cents=1_20)
    finished_today = _promotion(business, state="completed", budget_cents=20_00, spent_cents=20_00)
    old = _promotion(business, state="completed", spent_cents=5_00)
    today = timezone.localdate()
    PromotionDay.objects.create(promotion=running, day=today, impressions=1200, spent_cents=7_20)
    PromotionDay.objects.create(
        promotion=running, day=today - datetime.timedelta(days=1), impressions=9999, spent_cents=32_80
    )
    PromotionDay.objects.create(promotion=finished_today, day=today, impressions=300, spent_cents=1_80)
    PromotionDay.objects.create(
        promotion=old, day=today - datetime.timedelta(days=3), impressions=50, spent_cents=30
    )

    response = client.get(SPEND_TODAY)
    assert response.status_code == 200
    rows = [
        (
            row["promotion"],
            row["impressions_today"],
            row["spent_today"],
            row["budget"],
            row["spent"],
            row["remaining"],
        )
        for row in response.context["rows"]
    ]
    assert rows == [
        (running, 1200, "7.20 EUR", "100.00 EUR", "40.00 EUR", "60.00 EUR"),
        (finished_today, 300, "1.80 EUR", "20.00 EUR", "20.00 EUR", "0.00 EUR"),
        (paused, 0, "0.00 EUR", "100.00 EUR", "1.20 EUR", "98.80 EUR"),
    ]
    assert response.context["totals"] == [{"impressions": 1500, "spent": "9.00 EUR"}]
    page = response.content.decode()
    assert "Bea&#x27;s &lt;Bakery&gt;" in page
    for state in ("<td>Active</td>", "<td>Paused</td>", "<td>Completed</td>", "<td>7.20 EUR</td>"):
        assert state in page
    assert str(old.public_id) not in page
    # Linked from the promotions' changelist.
    assert SPEND_TODAY in client.get(reverse("admin:businesses_promotion_changelist")).content.decode()


def test_spend_today_with_nothing_running(client, boss):
    response = client.get(SPEND_TODAY)
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Nothing charged today." in response.content.decode()


def test_spend_today_is_for_staff_only(client):
    client.force_login(UserFactory.create())
    response = client.get(SPEND_TODAY)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={SPEND_TODAY}"
    client.logout()
    assert client.get(SPEND_TODAY)["Location"] == f"/admin/login/?next={SPEND_TODAY}"
    # Staff without the permission to view promotions are refused.
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get(SPEND_TODAY).status_code == 403


def test_a_promotion_shows_its_days_read_only_and_the_review_queue_still_works(client, boss):
    business, video = business_with_video()
    running = _promotion(business, state="active", video=video)
    PromotionDay.objects.create(promotion=running, day=timezone.localdate(), impressions=77, spent_cents=46)
    page = client.get(reverse("admin:businesses_promotion_change", args=[running.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Results per day" in html
    assert "77" in html
    assert 'name="days-0-impressions"' not in html  # shown, not editable
    queue = client.get(reverse("admin:businesses_promotion_changelist") + "?state__exact=in_review")
    assert queue.status_code == 200
    # No "delete selected": a promotion's record outlives it.
    assert [action for action, _ in queue.context["action_form"].fields["action"].choices if action] == [
        "approve",
        "reject",
    ]


def test_payments_and_refunds_are_read_only_records_linked_to_stripe(client, settings):
    from businesses.admin import _stripe_link
    from businesses.models import Payment

    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(staff)
    business, video = business_with_video()
    promotion = Promotion.objects.create(
        business=business, video=video, goal="video_views", budget_cents=1000, currency="eur",
        duration_days=3, cpm_cents=600,
    )  # fmt: skip
    payment = Payment.objects.create(
        promotion=promotion,
        attempt=1,
        idempotency_key="k1",
        intent_id="pi_123",
        amount_cents=1000,
        currency="eur",
    )
    page = client.get(f"/admin/businesses/payment/{payment.pk}/change/")
    assert page.status_code == 200
    assert b"Save" not in page.content
    assert client.get("/admin/businesses/refund/").status_code == 200
    assert client.post(f"/admin/businesses/payment/{payment.pk}/delete/").status_code == 403
    assert client.post(f"/admin/businesses/promotion/{promotion.pk}/delete/").status_code == 403
    assert Payment.objects.count() == 1
    settings.STRIPE_IS_LOCAL = False
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert 'href="https://dashboard.stripe.com/test/payments/pi_123"' in _stripe_link("payments", "pi_123")
