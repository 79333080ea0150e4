"""/business/: every promotion with its spend, impressions and refunds, the totals, and the states."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from businesses import selectors
from businesses.models import Payment, Promotion, Refund
from tests.businesses.helpers import business_with_video
from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def _promotion(business, *, state, budget, spent=0, impressions=0, refunds=()):
    promotion = Promotion.objects.create(
        business=business, video=VideoFactory.create(owner=business.creator), goal="video_views",
        budget_cents=budget, currency="eur", duration_days=7, cpm_cents=6_00, state=state, spent_cents=spent,
        impressions_charged=impressions,
    )  # fmt: skip
    if refunds or spent:
        payment = Payment.objects.create(
            promotion=promotion, attempt=1, idempotency_key=f"p-{promotion.pk}", intent_id=f"pi_{promotion.pk}",
            amount_cents=budget, currency="eur", status=Payment.Status.SUCCEEDED,
        )  # fmt: skip
        for number, (amount, status) in enumerate(refunds):
            Refund.objects.create(
                payment=payment, amount_cents=amount, currency="eur", reason=Refund.Reason.UNSPENT,
                idempotency_key=f"r-{promotion.pk}-{number}", status=status,
            )  # fmt: skip
    return promotion


@pytest.fixture
def business():
    business, _ = business_with_video()
    _promotion(business, state="completed", budget=50_00, spent=30_00, impressions=5000,
               refunds=[(20_00, Refund.Status.SUCCEEDED)])  # fmt: skip
    _promotion(business, state="active", budget=25_00, spent=1_23, impressions=205)
    _promotion(business, state="active", budget=10_00, spent=0)
    # A failed refund is not money back; a pending one is on its way.
    _promotion(business, state="cancelled", budget=20_00, spent=5_00, impressions=833,
               refunds=[(15_00, Refund.Status.FAILED), (15_00, Refund.Status.PENDING)])  # fmt: skip
    _promotion(business, state="draft", budget=15_00)
    other, _ = business_with_video()  # another business's never count
    _promotion(other, state="completed", budget=99_00, spent=99_00, impressions=16500)
    return business


def test_the_overview_sums_each_promotion_and_all_of_them_in_one_query(business):
    with CaptureQueriesContext(connection) as queries:
        overview = selectors.promotions_overview(business=business)
    assert len(queries) == 1
    assert [(row.promotion.state, row.spent, row.impressions, row.refunded) for row in overview.rows] == [
        ("draft", "0.00 EUR", 0, "0.00 EUR"),
        ("cancelled", "5.00 EUR", 833, "15.00 EUR"),
        ("active", "0.00 EUR", 0, "0.00 EUR"),
        ("active", "1.23 EUR", 205, "0.00 EUR"),
        ("completed", "30.00 EUR", 5000, "20.00 EUR"),
    ]
    [total] = overview.totals
    assert (total.promotions, total.budget, total.spent, total.impressions, total.refunded) == (
        5, "120.00 EUR", "36.23 EUR", 6038, "35.00 EUR",
    )  # fmt: skip
    assert overview.states == [("draft", "Draft", 1), ("active", "Active", 2), ("completed", "Completed", 1),
                               ("cancelled", "Cancelled", 1)]  # fmt: skip


def test_the_dashboard_page_shows_the_totals_and_the_states(client, business):
    client.force_login(business.creator.user)
    page = client.get("/business/").content.decode()
    assert f"<h1>{business.legal_name}</h1>" in page
    assert '<dd data-total="spent">36.23 EUR</dd><dd class="figure-note">of 120.00 EUR budgeted</dd>' in page
    assert '<dd data-total="impressions">6038</dd>' in page
    assert '<dd data-total="refunded">35.00 EUR</dd>' in page
    assert '<li><span class="badge badge-active">Active</span> 2</li>' in page
    assert "99.00 EUR" not in page
    assert "<table" not in page  # cards, which a phone's width holds
