"""What a promotion bought: the rollup of sponsored signals, the results figures, and the receipts."""

import datetime
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from businesses import gateway, selectors, services
from businesses.models import Payment, Promotion, PromotionDay, PromotionDelivery, Refund
from creators.models import Video
from feeds.models import Signal, Source
from tests.businesses.helpers import business_with_video

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 5, 3, 15, 0, tzinfo=datetime.UTC)
DAY_1, DAY_2, DAY_3 = datetime.date(2025, 5, 1), datetime.date(2025, 5, 2), datetime.date(2025, 5, 3)


def _running(business, video, *, goal="video_views", budget_cents=50_00, state="active", **fields):
    return Promotion.objects.create(
        business=business, video=video, goal=goal, budget_cents=budget_cents, currency="EUR", duration_days=7,
        cpm_cents=10_00, state=state, paid_at=NOW - datetime.timedelta(days=3),
        starts_at=datetime.datetime(2025, 5, 1, 9, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2025, 5, 8, 9, 0, tzinfo=datetime.UTC), **fields,
    )  # fmt: skip


@pytest.fixture
def promotion():
    """A running promotion of a 10-second clip."""
    business, video = business_with_video()
    Video.objects.filter(pk=video.pk).update(duration=10.0, trim_end=10.0)
    video.refresh_from_db()
    return _running(business, video)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def _served(promotion, viewer_key, day=DAY_3, *, impressions=1):
    return PromotionDelivery.objects.create(
        promotion=promotion,
        viewer_key=viewer_key,
        day=day,
        served=max(1, impressions),
        impressions=impressions,
    )


def _signal(promotion, viewer_key, kind, *, watched=0.0, looped=0, source=Source.SPONSORED, at=NOW):
    return Signal.objects.create(
        viewer_key=viewer_key, event_id=uuid.uuid4(), video=promotion.video, kind=kind, source=source,
        watched_seconds=watched, looped=looped, created_at=at,
    )  # fmt: skip


def _day(promotion, day=DAY_3):
    return PromotionDay.objects.get(promotion=promotion, day=day)


# --- the rollup ------------------------------------------------------------------------------


def test_a_view_is_counted_once_per_person_and_day_at_two_seconds(promotion):
    _served(promotion, "u:1")
    _served(promotion, "u:2")
    for watched in (0.5, 1.5, 2.0, 3.5):
        _signal(promotion, "u:1", Signal.Kind.PROGRESS, watched=watched)
    _signal(promotion, "u:2", Signal.Kind.PROGRESS, watched=1.9)
    assert services.promotion_results_rollup() == 5
    day = _day(promotion)
    # Watch time is that of views: 1.9 s is not one, so it adds none (the average stays per view).
    assert (day.views, day.watch_seconds, day.completions) == (1, 3.5, 0)
    assert PromotionDelivery.objects.get(viewer_key="u:1").watched_seconds == 3.5


def test_watch_time_is_the_first_play_at_most_the_clip_and_a_completion_is_one_view(promotion):
    _served(promotion, "u:1")
    _signal(promotion, "u:1", Signal.Kind.PROGRESS, watched=4.0)
    _signal(promotion, "u:1", Signal.Kind.PROGRESS, watched=2.0)  # seeking back adds nothing
    _signal(promotion, "u:1", Signal.Kind.COMPLETE, watched=10.0)
    _signal(promotion, "u:1", Signal.Kind.COMPLETE, watched=10.0, looped=1)  # replays add nothing
    _signal(promotion, "u:1", Signal.Kind.PROGRESS, watched=6.0, looped=2)
    services.promotion_results_rollup()
    day = _day(promotion)
    assert (day.views, day.watch_seconds, day.completions) == (1, 10.0, 1)


def test_a_point_past_the_clip_counts_as_the_clip(promotion):
    """A signal stored before the clip was trimmed shorter: never more than the clip as it is."""
    _served(promotion, "u:1")
    _signal(promotion, "u:1", Signal.Kind.PROGRESS, watched=25.0)
    services.promotion_results_rollup()
    assert (_day(promotion).watch_seconds, _day(promotion).completions) == (10.0, 1)
    assert PromotionDelivery.objects.get().watched_seconds == 10.0


def test_a_slot_served_but_never_reported_buys_no_views(promotion):
    _served(promotion, "u:1", impressions=0)
    _signal(promotion, "u:1", Signal.Kind.PROGRESS, watched=5.0)
    _signal(promotion, "u:1", Signal.Kind.LIKE)
    services.promotion_results_rollup()
    assert not PromotionDay.objects.exists()


def test_likes_follows_and_completions_are_counted(promotion):
    for key in ("u:1", "u:2", "u:3"):
        _served(promotion, key)
    _signal(promotion, "u:1", Signal.Kind.LIKE)
    _signal(promotion, "u:2", Signal.Kind.LIKE)
    _signal(promotion, "u:2", Signal.Kind.UNLIKE)
    _signal(promotion, "u:3", Signal.Kind.LIKE)
    _signal(promotion, "u:1", Signal.Kind.FOLLOW)
    _signal(promotion, "u:3", Signal.Kind.COMPLETE, watched=8.0)
    services.promotion_results_rollup()
    day = _day(promotion)
    assert (day.likes, day.follows, day.completions, day.views) == (2, 1, 1, 1)


def test_signals_without_a_served_delivery_are_not_counted(promotion):
    _served(promotion, "u:1", day=DAY_2)  # served yesterday, not on the day of the signal
    _signal(promotion, "u:1", Signal.Kind.PROGRESS, watched=5.0)
    _signal(promotion, "u:9", Signal.Kind.LIKE)  # never served this promotion
    _served(promotion, "u:2")
    _signal(promotion, "u:2", Signal.Kind.LIKE, source=Source.FOR_YOU)  # the same video, not the slot
    assert services.promotion_results_rollup() == 3
    assert not PromotionDay.objects.exists()
    assert PromotionDelivery.objects.get(viewer_key="u:1").watched_seconds == 0.0


def test_signals_of_invalid_traffic_are_not_counted_as_results(promotion):
    """An account not charged for (too new, or no watching of its own) buys the business no views."""
    PromotionDelivery.objects.create(
        promotion=promotion, viewer_key="u:7", day=DAY_3, served=1, impressions=0, invalid_impressions=1
    )
    _signal(promotion, "u:7", Signal.Kind.PROGRESS, watched=5.0)
    _signal(promotion, "u:7", Signal.Kind.LIKE)
    assert services.promotion_results_rollup() == 2
    assert not PromotionDay.objects.exists()


def test_running_the_rollup_twice_counts_nothing_twice(promotion):
    _served(promotion, "u:1")
    _signal(promotion, "u:1", Signal.Kind.PROGRESS, watched=3.0)
    _signal(promotion, "u:1", Signal.Kind.LIKE)
    assert services.promotion_results_rollup() == 2
    assert services.promotion_results_rollup() == 0
    day = _day(promotion)
    assert (day.views, day.watch_seconds, day.likes) == (1, 3.0, 1)
    # Later in the day the same person watches further: only the extra seconds, and no second view.
    _signal(promotion, "u:1", Signal.Kind.PROGRESS, watched=5.0)
    assert services.promotion_results_rollup() == 1
    day.refresh_from_db()
    assert (day.views, day.watch_seconds, day.likes) == (1, 5.0, 1)


# --- the figures -----------------------------------------------------------------------------


def _crafted(promotion):
    """Two days of results: 1,000 + 500 impressions by three people, 15.00 EUR spent."""
    PromotionDay.objects.create(
        promotion=promotion, day=DAY_1, impressions=1000, spent_cents=10_00, views=40, watch_seconds=130.0,
        completions=12, likes=5, follows=2, profile_visits=6, website_clicks=4,
    )  # fmt: skip
    PromotionDay.objects.create(
        promotion=promotion, day=DAY_3, impressions=500, invalid_impressions=7, spent_cents=5_00, views=20,
        watch_seconds=50.0, completions=3, likes=1, follows=0, profile_visits=3, website_clicks=2,
    )  # fmt: skip
    _served(promotion, "u:1", DAY_1, impressions=2)
    _served(promotion, "u:2", DAY_1)
    _served(promotion, "u:1", DAY_3)
    _served(promotion, "u:3", DAY_3)
    _served(promotion, "u:4", DAY_3, impressions=0)  # served, never reported: not reached
    # Reported, but by an account not charged for: invalid traffic, no reach.
    PromotionDelivery.objects.create(
        promotion=promotion, viewer_key="u:5", day=DAY_3, served=1, impressions=0, invalid_impressions=1
    )


def test_the_results_add_up_the_days_and_count_each_person_once(
    promotion, frozen_now, django_assert_num_queries
):
    _crafted(promotion)
    with django_assert_num_queries(3):
        results = selectors.promotion_results(promotion=promotion)
    assert (results.impressions, results.reach, results.views) == (1500, 3, 60)
    assert results.invalid_impressions == 7  # beside the impressions, not in them: 1,500 were charged
    assert (results.completions, results.likes, results.follows) == (15, 6, 2)
    assert (results.profile_visits, results.website_clicks) == (9, 6)
    assert results.average_watch == "3.0 s"  # 180 s over 60 views
    assert results.ctr == "1.0%"  # 15 visits and clicks over 1,500 impressions
    assert (results.spent_cents, results.spent) == (15_00, "15.00 EUR")
    assert (results.remaining_cents, results.remaining) == (35_00, "35.00 EUR")
    assert (results.result_name, results.results) == ("video view", 60)
    assert (results.cost_per_result_cents, results.cost_per_result) == (25, "0.25 EUR")
    # Every day from the start to today, the quiet one as zeros.
    assert [(d.day, d.impressions, d.reach, d.views, d.clicks, d.spent) for d in results.days] == [
        (DAY_1, 1000, 2, 40, 10, "10.00 EUR"),
        (DAY_2, 0, 0, 0, 0, "0.00 EUR"),
        (DAY_3, 500, 2, 20, 5, "5.00 EUR"),
    ]


@pytest.mark.parametrize(
    ("goal", "name", "count", "cost"),
    [("profile_visits", "profile visit", 9, "1.67 EUR"), ("website_visits", "website click", 6, "2.50 EUR")],
)
def test_the_cost_per_result_follows_the_goal(goal, name, count, cost, frozen_now):
    business, video = business_with_video()
    promotion = _running(business, video, goal=goal)
    _crafted(promotion)
    results = selectors.promotion_results(promotion=promotion)
    assert (results.result_name, results.results, results.cost_per_result) == (name, count, cost)


def test_with_nothing_to_divide_by_the_ratios_read_a_dash(promotion, frozen_now):
    results = selectors.promotion_results(promotion=promotion)
    assert (results.ctr, results.average_watch, results.cost_per_result) == ("—", "—", "—")
    assert results.cost_per_result_cents is None
    assert (results.remaining, results.reach) == ("50.00 EUR", 0)
    assert [day.impressions for day in results.days] == [0, 0, 0]


# --- the page and the API --------------------------------------------------------------------


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_results_api_shows_the_figures(api_client, promotion, frozen_now):
    _crafted(promotion)
    api_client.force_authenticate(promotion.business.creator.user)
    response = api_client.get(f"/api/v1/business/promotions/{promotion.public_id}/results")
    assert response.status_code == 200
    body = response.json()
    assert {
        key: body[key] for key in ("impressions", "invalid_impressions", "reach", "views", "ctr", "spent", "remaining")
    } == {
        "impressions": 1500, "invalid_impressions": 7, "reach": 3, "views": 60, "ctr": "1.0%", "spent": "15.00 EUR",
        "remaining": "35.00 EUR",
    }  # fmt: skip
    assert (body["cost_per_result_cents"], body["average_watch"], body["currency"]) == (25, "3.0 s", "EUR")
    assert body["days"][0] == {
        "day": "2025-05-01", "impressions": 1000, "reach": 2, "views": 40, "clicks": 10, "spent_cents": 1000,
        "spent": "10.00 EUR", "spent_amount": "10.00",
    }  # fmt: skip
    assert len(body["days"]) == 3


def test_the_promotion_page_shows_the_results_chart_and_table(promotion, frozen_now):
    _crafted(promotion)
    page = _logged_in(promotion.business.creator.user).get(f"/business/promotions/{promotion.public_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<dd data-figure="impressions">1500</dd>' in html
    assert '<dt>Invalid traffic</dt><dd data-figure="invalid_impressions">7</dd>' in html
    assert '<dd data-figure="reach">3</dd>' in html
    assert '<dd data-figure="cost_per_result">0.25 EUR</dd>' in html
    assert '<dd data-figure="remaining">35.00 EUR</dd>' in html
    assert (
        '<tr><th scope="row">1 May</th><td>1000</td><td>2</td><td>40</td><td>10</td><td>10.00</td></tr>'
        in html
    )
    assert "data-results-chart" in html
    assert "vendor/uplot/uPlot.min.css" in html
    # The chart starts from the same JSON the API answers, embedded in the page.
    embedded = html.split('<script id="results-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(embedded)["days"][2]["impressions"] == 500


def test_a_promotion_that_never_started_has_no_results_section(frozen_now):
    business, video = business_with_video()
    promotion = Promotion.objects.create(
        business=business, video=video, goal="video_views", budget_cents=50_00, currency="EUR", duration_days=7,
        cpm_cents=10_00, state="cancelled",
    )  # fmt: skip
    page = _logged_in(business.creator.user).get(f"/business/promotions/{promotion.public_id}/")
    assert page.status_code == 200
    assert "data-results" not in page.content.decode()


def test_another_business_gets_404_for_the_results(api_client, promotion):
    _crafted(promotion)
    other, _ = business_with_video()
    api_client.force_authenticate(other.creator.user)
    assert api_client.get(f"/api/v1/business/promotions/{promotion.public_id}/results").status_code == 404
    page = _logged_in(other.creator.user).get(f"/business/promotions/{promotion.public_id}/")
    assert page.status_code == 404
    assert b"1500" not in page.content


def test_a_minor_is_refused_the_results_and_the_receipts(api_client):
    business, video = business_with_video(years=17)
    promotion = _running(business, video)
    api_client.force_authenticate(business.creator.user)
    for url in (f"/api/v1/business/promotions/{promotion.public_id}/results", "/api/v1/business/receipts"):
        response = api_client.get(url)
        assert response.status_code == 403, url
        assert response.json() == {
            "detail": "Business accounts and promotions are for adults (18+).",
            "code": "permission_denied",
        }
    page = _logged_in(business.creator.user)
    assert page.get("/business/receipts").status_code == 403
    assert page.get(f"/business/promotions/{promotion.public_id}/").status_code == 403


# --- receipts --------------------------------------------------------------------------------


def _paid(promotion, *, intent_id, at, attempt=1):
    return Payment.objects.create(
        promotion=promotion, attempt=attempt, idempotency_key=f"pay-{intent_id}", intent_id=intent_id,
        amount_cents=promotion.budget_cents, currency="EUR", status=Payment.Status.SUCCEEDED, created_at=at,
        succeeded_at=at,
    )  # fmt: skip


def _receipts_set_up():
    business, video = business_with_video()
    first = _running(business, video, state="completed", finished_at=NOW - datetime.timedelta(hours=3))
    paid = _paid(first, intent_id="pi_first", at=NOW - datetime.timedelta(days=3))
    Refund.objects.create(
        payment=paid, amount_cents=12_34, currency="EUR", reason=Refund.Reason.UNSPENT, idempotency_key="r-1",
        stripe_id="re_first", status=Refund.Status.SUCCEEDED, created_at=NOW - datetime.timedelta(hours=2),
    )  # fmt: skip
    # Waiting for the card and cancelled payments are not receipts.
    second = _running(business, video, budget_cents=20_00)
    Payment.objects.create(
        promotion=second, attempt=1, idempotency_key="pay-c", intent_id="pi_cancelled", amount_cents=20_00,
        currency="EUR", status=Payment.Status.CANCELLED, created_at=NOW - datetime.timedelta(days=1),
    )  # fmt: skip
    _paid(second, intent_id="pi_second", at=NOW - datetime.timedelta(hours=1), attempt=2)
    return business, first, second


def test_the_receipts_list_payments_and_refunds_newest_first(api_client, stripe_local):
    business, first, second = _receipts_set_up()
    api_client.force_authenticate(business.creator.user)
    body = api_client.get("/api/v1/business/receipts").json()
    assert [
        (r["kind"], r["amount"], r["status"], r["promotion"], r["stripe_id"], r["payment_intent"])
        for r in body
    ] == [
        ("payment", "20.00 EUR", "succeeded", str(second.public_id), "pi_second", "pi_second"),
        ("refund", "12.34 EUR", "succeeded", str(first.public_id), "re_first", "pi_first"),
        ("payment", "50.00 EUR", "succeeded", str(first.public_id), "pi_first", "pi_first"),
    ]
    # localstripe's charges carry no receipt_url (and these intents are not in it): no link is made up.
    assert [r["receipt_url"] for r in body] == [None, None, None]
    page = _logged_in(business.creator.user).get("/business/receipts").content.decode()
    order = [page.index(f'data-receipt="{stripe_id}"') for stripe_id in ("pi_second", "re_first", "pi_first")]
    assert order == sorted(order)
    assert "\N{MINUS SIGN}12.34 EUR" in page  # a refund reads as money back
    assert f"/business/promotions/{first.public_id}/" in page
    assert "Stripe receipt" not in page


def test_localstripe_answers_the_receipt_call_without_a_receipt_url(stripe_local):
    created = gateway.payment_intent_create(
        amount_cents=50_00, currency="eur", metadata={}, idempotency_key=f"k-{uuid.uuid4()}"
    )
    assert gateway.payment_receipt_url(intent_id=created.id) is None  # no charge yet
    gateway.payment_intent_confirm(intent_id=created.id, payment_method="pm_card_visa")
    assert gateway.payment_receipt_url(intent_id=created.id) is None  # a charge, but no receipt_url
    with pytest.raises(gateway.GatewayError):
        gateway.payment_receipt_url(intent_id="pi_unknown")


def test_the_receipt_link_is_stripes_when_stripe_has_one(api_client, settings):
    business, _first, _second = _receipts_set_up()
    from django.core.cache import cache

    cache.set("businesses:receipt-url:pi_first", ("https://pay.stripe.com/receipts/acct_1/ch_1/rcpt_1",), 60)
    cache.set("businesses:receipt-url:pi_second", (None,), 60)
    api_client.force_authenticate(business.creator.user)
    urls = [(r["stripe_id"], r["receipt_url"]) for r in api_client.get("/api/v1/business/receipts").json()]
    assert urls == [
        ("pi_second", None),
        ("re_first", "https://pay.stripe.com/receipts/acct_1/ch_1/rcpt_1"),
        ("pi_first", "https://pay.stripe.com/receipts/acct_1/ch_1/rcpt_1"),
    ]


def test_another_business_never_sees_others_receipts(api_client, stripe_local):
    _receipts_set_up()
    other, _ = business_with_video()
    api_client.force_authenticate(other.creator.user)
    assert api_client.get("/api/v1/business/receipts").json() == []
    page = _logged_in(other.creator.user).get("/business/receipts").content.decode()
    assert "pi_first" not in page
    assert "No payments yet." in page


def test_the_business_home_links_to_the_receipts():
    business, _ = business_with_video()
    page = _logged_in(business.creator.user).get("/business/").content.decode()
    assert 'href="/business/receipts"' in page


def test_an_unlike_on_another_day_than_its_like_never_takes_a_day_below_zero():
    from businesses.services.results import _day_increment

    business, video = business_with_video()
    promotion = Promotion.objects.create(
        business=business, video=video, goal="video_views", budget_cents=1000, currency="eur",
        duration_days=1, cpm_cents=600,
    )  # fmt: skip
    _day_increment(promotion_id=promotion.pk, day=datetime.date(2026, 1, 2), likes=-1, follows=2)
    day = PromotionDay.objects.get(promotion=promotion)
    assert (day.likes, day.follows) == (0, 2)
