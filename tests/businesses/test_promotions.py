"""Promotions: drafting one for an eligible video, paying for it once, and who may touch it."""

import uuid

import pytest

from businesses import gateway
from businesses.models import Payment, Promotion
from businesses.services.promotions import NOT_ELIGIBLE
from creators.models import Video
from platform.models import AuditEntry
from tests.businesses.helpers import business_with_video
from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db

PROMOTIONS = "/api/v1/business/promotions"


def _body(video, **overrides):
    return {
        "video": str(video.public_id),
        "goal": "video_views",
        "budget_cents": 50_00,
        "duration_days": 7,
        **overrides,
    }


@pytest.fixture
def owner(api_client):
    business, video = business_with_video()
    api_client.force_authenticate(business.creator.user)
    return business, video


def test_a_business_drafts_a_promotion_at_the_published_price(api_client, owner, settings):
    business, video = owner
    settings.PROMOTION_CPM_CENTS = 5_00
    response = api_client.post(PROMOTIONS, _body(video), format="json")
    assert response.status_code == 201
    promotion = Promotion.objects.get()
    body = response.json()
    assert body["public_id"] == str(promotion.public_id)
    assert {key: body[key] for key in ("video", "goal", "audience", "regions", "topics", "age_bands")} == {
        "video": str(video.public_id), "goal": "video_views", "audience": "automatic", "regions": [], "topics": [],
        "age_bands": [],
    }  # fmt: skip
    assert {key: body[key] for key in ("budget_cents", "currency", "duration_days", "cpm_cents")} == {
        "budget_cents": 5000, "currency": "eur", "duration_days": 7, "cpm_cents": 500,
    }  # fmt: skip
    assert (body["estimated_impressions"], body["spent_cents"], body["state"]) == (10000, 0, "draft")
    assert (promotion.business, promotion.video, promotion.state) == (business, video, "draft")
    assert api_client.get(PROMOTIONS).json()[0]["public_id"] == str(promotion.public_id)


def test_a_custom_audience_keeps_its_targeting_and_its_own_price(api_client, owner, settings):
    _, video = owner
    settings.PROMOTION_CPM_CUSTOM_CENTS = 8_00
    body = _body(
        video, audience="custom", regions=["de-by", "DE-BE"], topics=["stem"], age_bands=["25_34", "55_plus"]
    )
    response = api_client.post(PROMOTIONS, body, format="json")
    assert response.status_code == 201, response.json()
    promotion = Promotion.objects.get()
    assert (promotion.regions, promotion.age_bands, promotion.cpm_cents) == (
        ["DE-BY", "DE-BE"],
        ["25_34", "55_plus"],
        800,
    )
    assert list(promotion.topics.values_list("slug", flat=True)) == ["stem"]


def test_an_automatic_audience_stores_no_targeting(api_client, owner):
    _, video = owner
    response = api_client.post(
        PROMOTIONS, _body(video, regions=["DE-BY"], age_bands=["18_24"]), format="json"
    )
    assert response.status_code == 201
    assert (Promotion.objects.get().regions, Promotion.objects.get().age_bands) == ([], [])


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"budget_cents": 999}, {"budget_cents": ["The budget must be between 10 and 10000 EUR."]}),
        ({"budget_cents": 10_000_01}, {"budget_cents": ["The budget must be between 10 and 10000 EUR."]}),
        ({"budget_cents": -5000}, {"budget_cents": ["The budget must be between 10 and 10000 EUR."]}),
        ({"budget_cents": 50.5}, {"budget_cents": ["A valid integer is required."]}),
        ({"budget_cents": "fifty"}, {"budget_cents": ["A valid integer is required."]}),
        ({"duration_days": 0}, {"duration_days": ["A promotion runs from 1 to 60 days."]}),
        ({"duration_days": 61}, {"duration_days": ["A promotion runs from 1 to 60 days."]}),
        (
            {"audience": "custom", "age_bands": ["13_15"]},
            {"age_bands": ["Promotions reach adults only: choose from 18–24, 25–34, 35–54 and 55+."]},
        ),
        (
            {"audience": "custom", "age_bands": ["18_24", "16_17"]},
            {"age_bands": ["Promotions reach adults only: choose from 18–24, 25–34, 35–54 and 55+."]},
        ),
        (
            {"age_bands": ["under_13"]},
            {"age_bands": ["Promotions reach adults only: choose from 18–24, 25–34, 35–54 and 55+."]},
        ),
        (
            {"audience": "custom", "regions": ["DE-XX"]},
            {"regions": ["Use ISO 3166-2 region codes, such as DE-BY."]},
        ),
        ({"audience": "custom", "topics": ["casinos"]}, {"topics": ["Choose topics from the list."]}),
        ({"goal": "likes"}, {"goal": ["Choose a goal."]}),
        ({"audience": "everyone"}, {"audience": ["Choose an automatic or a custom audience."]}),
    ],
)
def test_bad_promotion_input_is_refused_and_nothing_is_written(api_client, owner, overrides, errors):
    _, video = owner
    response = api_client.post(PROMOTIONS, _body(video, **overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    codes = body.pop("codes")  # one code per message (their values: tests/platform/test_api_errors.py)
    assert body == errors
    assert {field: len(each) for field, each in codes.items()} == dict.fromkeys(errors, 1)
    assert not Promotion.objects.exists()
    assert not Promotion.topics.through.objects.exists()


@pytest.mark.parametrize(
    "video_fields",
    [
        {"state": Video.State.DRAFT},
        {"moderation_state": Video.Moderation.REMOVED},
        {"moderation_state": Video.Moderation.LIMITED},
        {"visibility": Video.Visibility.PRIVATE},
        {"visibility": Video.Visibility.FOLLOWERS},
        {"content_level": Video.ContentLevel.MATURE},
    ],
)
def test_only_a_published_public_general_visible_video_can_be_promoted(api_client, owner, video_fields):
    business, _ = owner
    video = VideoFactory.create(owner=business.creator, **video_fields)
    response = api_client.post(PROMOTIONS, _body(video), format="json")
    assert response.status_code == 400
    assert response.json() == {"video": [NOT_ELIGIBLE], "codes": {"video": ["invalid"]}}
    assert not Promotion.objects.exists()


def test_someone_elses_video_or_no_video_cannot_be_promoted(api_client, owner):
    for public_id in (VideoFactory.create().public_id, uuid.uuid4()):
        response = api_client.post(PROMOTIONS, {**_body(owner[1]), "video": str(public_id)}, format="json")
        assert response.status_code == 400
        assert response.json() == {"video": [NOT_ELIGIBLE], "codes": {"video": ["invalid"]}}
    assert not Promotion.objects.exists()


def test_a_user_without_a_business_profile_cannot_promote(api_client):
    _, video = business_with_video()
    api_client.force_authenticate(VideoFactory.create().owner.user)
    assert api_client.post(PROMOTIONS, _body(video), format="json").status_code == 404
    assert api_client.get(PROMOTIONS).status_code == 404
    assert not Promotion.objects.exists()


def test_minors_are_refused_on_every_business_route_and_nothing_is_written(api_client):
    # A business whose owner's recorded age is 17 (e.g. a corrected birthday): every route says no.
    business, video = business_with_video(years=17)
    promotion = Promotion.objects.create(
        business=business, video=video, goal="video_views", budget_cents=5000, currency="eur", duration_days=7,
        cpm_cents=600,
    )  # fmt: skip
    api_client.force_authenticate(business.creator.user)
    calls = [
        ("get", "/api/v1/business/profile", None),
        (
            "post",
            "/api/v1/business/profile",
            {"legal_name": "X", "category": "retail", "country": "DE", "region": "DE-BY"},
        ),
        ("get", PROMOTIONS, None),
        ("post", PROMOTIONS, _body(video)),
        ("get", f"{PROMOTIONS}/{promotion.public_id}", None),
        ("post", f"{PROMOTIONS}/{promotion.public_id}/pay", None),
        ("post", f"{PROMOTIONS}/{promotion.public_id}/pay/local-card", {"payment_method": "card_x"}),
    ]
    for method, url, data in calls:
        response = getattr(api_client, method)(url, data, format="json")
        assert response.status_code == 403, url
        assert response.json() == {
            "detail": "Business accounts and promotions are for adults (18+).",
            "code": "permission_denied",
        }
    assert Promotion.objects.count() == 1
    assert Promotion.objects.get().state == "draft"
    assert not Payment.objects.exists()
    from django.test import Client

    page = Client()
    page.force_login(business.creator.user)
    assert page.get("/business/").status_code == 403
    assert page.post("/business/", {"legal_name": "X"}).status_code == 403


def test_another_business_promotion_is_not_found_on_every_route(api_client, owner, stripe_local):
    theirs, their_video = business_with_video()
    promotion = Promotion.objects.create(
        business=theirs, video=their_video, goal="video_views", budget_cents=5000, currency="eur",
        duration_days=7, cpm_cents=600,
    )  # fmt: skip
    assert api_client.get(f"{PROMOTIONS}/{promotion.public_id}").status_code == 404
    assert api_client.post(f"{PROMOTIONS}/{promotion.public_id}/pay").status_code == 404
    assert api_client.get(PROMOTIONS).json() == []
    promotion.refresh_from_db()
    assert promotion.state == "draft"
    assert not Payment.objects.exists()


# --- paying ----------------------------------------------------------------------------------


def _draft(api_client, video):
    return Promotion.objects.get(
        public_id=api_client.post(PROMOTIONS, _body(video), format="json").json()["public_id"]
    )


def test_paying_starts_one_payment_intent_and_paying_again_resumes_it(api_client, owner, stripe_local):
    promotion = _draft(api_client, owner[1])
    first = api_client.post(f"{PROMOTIONS}/{promotion.public_id}/pay")
    assert first.status_code == 200
    body = first.json()
    intent_id = body["payment_intent"]
    assert (body["attempt"], body["amount_cents"], body["currency"]) == (1, 5000, "eur")
    assert body["client_secret"].startswith(f"{intent_id}_secret_")
    assert (body["publishable_key"], body["stripe_js_url"]) == (
        "pk_test_localstripe",
        f"{stripe_local}/js.stripe.com/v3/",
    )
    again = api_client.post(f"{PROMOTIONS}/{promotion.public_id}/pay").json()
    assert (again["payment_intent"], again["client_secret"]) == (intent_id, body["client_secret"])
    payment = Payment.objects.get()
    assert (payment.intent_id, payment.attempt, payment.status) == (intent_id, 1, "requires_payment")
    assert payment.idempotency_key == f"promotion-{promotion.public_id}-attempt-1"
    promotion.refresh_from_db()
    assert promotion.state == "awaiting_payment"
    stripe_side = gateway.payment_intent_retrieve(intent_id=intent_id)
    assert (stripe_side.amount_cents, stripe_side.metadata) == (
        5000,
        {"promotion": str(promotion.public_id), "payment": str(payment.pk)},
    )


def test_the_browsers_word_is_not_enough_a_paid_intent_waits_for_the_webhook(api_client, owner, stripe_local):
    promotion = _draft(api_client, owner[1])
    intent_id = api_client.post(f"{PROMOTIONS}/{promotion.public_id}/pay").json()["payment_intent"]
    assert (
        gateway.payment_intent_confirm(intent_id=intent_id, payment_method="pm_card_visa").status
        == "succeeded"
    )
    promotion.refresh_from_db()
    assert (promotion.state, promotion.paid_at) == ("awaiting_payment", None)
    assert Payment.objects.get().status == "requires_payment"


def test_when_stripe_is_unreachable_paying_again_reuses_the_same_attempt(
    api_client, owner, stripe_local, settings
):
    promotion = _draft(api_client, owner[1])
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    failed = api_client.post(f"{PROMOTIONS}/{promotion.public_id}/pay")
    assert failed.status_code == 502
    assert failed.json() == {
        "detail": "The payment service cannot be reached; please try again.",
        "code": "upstream_error",
    }
    payment = Payment.objects.get()
    assert (payment.intent_id, payment.attempt) == (None, 1)
    settings.STRIPE_API_BASE = stripe_local
    resumed = api_client.post(f"{PROMOTIONS}/{promotion.public_id}/pay").json()
    assert resumed["attempt"] == 1
    assert Payment.objects.get().intent_id == resumed["payment_intent"]


def test_a_video_removed_before_paying_stops_the_payment(api_client, owner, stripe_local):
    promotion = _draft(api_client, owner[1])
    Video.objects.filter(pk=owner[1].pk).update(moderation_state=Video.Moderation.REMOVED)
    response = api_client.post(f"{PROMOTIONS}/{promotion.public_id}/pay")
    assert response.status_code == 400
    assert response.json() == {"video": [NOT_ELIGIBLE], "codes": {"video": ["invalid"]}}
    promotion.refresh_from_db()
    assert promotion.state == "draft"
    assert not Payment.objects.exists()


def test_moving_to_awaiting_payment_is_audited(api_client, owner, stripe_local):
    promotion = _draft(api_client, owner[1])
    api_client.post(f"{PROMOTIONS}/{promotion.public_id}/pay")
    entry = AuditEntry.objects.get(target_id=str(promotion.pk))
    assert (entry.action, entry.detail) == ("promotion.awaiting_payment", {"from": "draft", "reason": ""})


def test_a_concurrent_second_payment_intent_is_cancelled_and_the_first_is_paid(
    api_client, owner, stripe_local, monkeypatch
):
    """Two pay requests race past the row lock to Stripe; localstripe ignores idempotency keys."""
    promotion = _draft(api_client, owner[1])
    real_create = gateway.payment_intent_create
    made: list[str] = []

    def create_after_the_other_request_won(**arguments):
        winner = real_create(**arguments)  # the other request's PaymentIntent, saved first
        Payment.objects.filter(promotion=promotion).update(intent_id=winner.id)
        ours = real_create(**arguments)
        made.extend([winner.id, ours.id])
        return ours

    monkeypatch.setattr(gateway, "payment_intent_create", create_after_the_other_request_won)
    body = api_client.post(f"{PROMOTIONS}/{promotion.public_id}/pay").json()
    winner, duplicate = made
    assert body["payment_intent"] == winner
    assert Payment.objects.get().intent_id == winner
    assert gateway.payment_intent_retrieve(intent_id=winner).status == "requires_payment_method"
    assert gateway.payment_intent_retrieve(intent_id=duplicate).status == "canceled"
