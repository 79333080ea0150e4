"""The business dashboard's promotion pages and the localstripe card step behind the payment form."""

import uuid
from urllib.parse import urlencode

import pytest
import requests
from django.test import Client

from businesses import gateway, services
from businesses.models import BusinessProfile, Payment, Promotion
from creators.models import Video
from tests.businesses.helpers import business_with_video, intent_event, post_event
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "legal_name": "Bea's Bakery GmbH",
    "category": "food_and_drink",
    "country": "DE",
    "region": "DE-BY",
}
FORM = {"goal": "video_views", "audience": "automatic", "budget": "50.00", "duration_days": "7"}


@pytest.fixture
def owner(client):
    business, video = business_with_video()
    client.force_login(business.creator.user)
    return business, video


def _draft(business, video):
    return services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=50_00, duration_days=7
    )


def test_the_new_promotion_page_shows_the_published_prices(client, owner, settings):
    settings.PROMOTION_CPM_CENTS, settings.PROMOTION_CPM_CUSTOM_CENTS = 6_00, 8_00
    page = client.get("/business/promotions/new").content.decode()
    assert "6.00 EUR for the automatic audience" in page
    assert "8.00 EUR for a custom one" in page
    assert owner[1].caption in page


def test_the_form_drafts_a_promotion_in_exact_cents(client, owner):
    business, video = owner
    response = client.post(
        "/business/promotions/new", {**FORM, "video": str(video.public_id), "budget": "123.45"}
    )
    promotion = Promotion.objects.get()
    assert response["Location"] == f"/business/promotions/{promotion.public_id}/"
    assert (promotion.business, promotion.video, promotion.budget_cents, promotion.state) == (
        business,
        video,
        12345,
        "draft",
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"budget": "5.00"}, "The budget must be between 10 and 10000 EUR."),
        ({"budget": "12.345"}, "Ensure that there are no more than 2 decimal places."),
        ({"duration_days": "61"}, "A promotion runs from 1 to 60 days."),
        (
            {"audience": "custom", "age_bands": ["16_17"]},
            "Select a valid choice. 16_17 is not one of the available choices.",
        ),
        ({"audience": "custom", "regions": "DE-BY, XX-00"}, "Use ISO 3166-2 region codes, such as DE-BY."),
    ],
)
def test_the_form_shows_what_is_wrong_and_writes_nothing(client, owner, overrides, message):
    response = client.post(
        "/business/promotions/new", {**FORM, "video": str(owner[1].public_id), **overrides}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Promotion.objects.exists()


def test_the_form_offers_only_promotable_videos(client, owner):
    business, _ = owner
    mature = Video.objects.create(
        owner=business.creator,
        caption="Not for all",
        state="published",
        content_level="mature",
        original="x.mp4",
    )
    response = client.post("/business/promotions/new", {**FORM, "video": str(mature.public_id)})
    assert response.status_code == 400
    assert "Not for all" not in client.get("/business/promotions/new").content.decode()
    assert not Promotion.objects.exists()


def test_promotion_pages_need_a_business(client):
    _, video = business_with_video()
    client.force_login(UserFactory.create())
    # The form sends an adult without a business to make one first; nothing is written on the way.
    assert (
        client.get("/business/promotions/new")["Location"] == "/business/?next=%2Fbusiness%2Fpromotions%2Fnew"
    )
    assert client.post("/business/promotions/new", {**FORM, "video": str(video.public_id)}).status_code == 302
    assert not Promotion.objects.exists()
    assert client.get("/business/promotions/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_promotion_page_shows_the_price_and_the_card_form(client, owner, stripe_local):
    promotion = _draft(*owner)
    page = client.get(f"/business/promotions/{promotion.public_id}/").content.decode()
    assert "50.00 EUR over 7 days" in page
    # Nobody matching was active lately: no promise of the 8,333 views the budget would pay for.
    assert "nothing yet: no matching adults opened the app in the last 28 days" in page
    assert "8333" not in page
    assert f'<script src="{stripe_local}/js.stripe.com/v3/"></script>' in page
    assert 'data-publishable-key="pk_test_localstripe"' in page
    assert 'data-local="1"' in page


def test_a_paid_promotion_page_says_it_is_in_review_without_a_card_form(client, owner, stripe_local):
    promotion = _draft(*owner)
    intent_id = services.promotion_pay_start(promotion=promotion).intent_id
    gateway.payment_intent_confirm(intent_id=intent_id, payment_method="pm_card_visa")
    post_event(Client(), intent_event("payment_intent.succeeded", intent_id, amount=5000))
    page = client.get(f"/business/promotions/{promotion.public_id}/").content.decode()
    assert "Paid. Our team reviews the promotion before it runs." in page
    assert "data-pay-form" not in page
    assert "js.stripe.com" not in page


def test_another_business_promotion_page_is_not_found(client, owner):
    theirs = _draft(*business_with_video())
    assert client.get(f"/business/promotions/{theirs.public_id}/").status_code == 404


def test_minors_are_refused_on_the_promotion_pages(client):
    business, video = business_with_video(years=16)
    promotion = Promotion.objects.create(
        business=business, video=video, goal="video_views", budget_cents=5000, currency="eur", duration_days=7,
        cpm_cents=600,
    )  # fmt: skip
    client.force_login(business.creator.user)
    assert client.get("/business/promotions/new").status_code == 403
    assert client.post("/business/promotions/new", {**FORM, "video": str(video.public_id)}).status_code == 403
    assert client.get(f"/business/promotions/{promotion.public_id}/").status_code == 403
    assert Promotion.objects.count() == 1


# --- the localstripe card step ----------------------------------------------------------------


def _tokenised_card(base, number="4242424242424242"):
    """What localstripe's mock Stripe.js does in the page with the publishable key."""
    card = {"card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2030", "card[cvc]": "123"}
    return requests.post(f"{base}/v1/tokens", data={"key": "pk_test_localstripe", **card}, timeout=5).json()[
        "card"
    ]["id"]


def test_the_tokenised_card_pays_but_only_the_webhook_marks_it_paid(api_client, owner, stripe_local):
    promotion = _draft(*owner)
    api_client.force_authenticate(promotion.business.creator.user)
    api_client.post(f"/api/v1/business/promotions/{promotion.public_id}/pay")
    response = api_client.post(
        f"/api/v1/business/promotions/{promotion.public_id}/pay/local-card",
        {"payment_method": _tokenised_card(stripe_local)},
        format="json",
    )
    assert (response.status_code, response.json()) == (200, {"status": "succeeded"})
    promotion.refresh_from_db()
    assert promotion.state == "awaiting_payment"


def test_a_declined_tokenised_card_is_a_402_with_the_banks_words(api_client, owner, stripe_local):
    promotion = _draft(*owner)
    api_client.force_authenticate(promotion.business.creator.user)
    api_client.post(f"/api/v1/business/promotions/{promotion.public_id}/pay")
    response = api_client.post(
        f"/api/v1/business/promotions/{promotion.public_id}/pay/local-card",
        {"payment_method": _tokenised_card(stripe_local, "4000000000000341")},
        format="json",
    )
    assert (response.status_code, response.json()) == (
        402,
        {"detail": "Your card was declined.", "code": "payment_declined"},
    )
    assert Payment.objects.get().status == "requires_payment"


def test_the_card_step_needs_a_started_payment_and_a_card(api_client, owner, stripe_local):
    promotion = _draft(*owner)
    api_client.force_authenticate(promotion.business.creator.user)
    url = f"/api/v1/business/promotions/{promotion.public_id}/pay/local-card"
    assert api_client.post(url, {"payment_method": "card_x"}, format="json").status_code == 409
    api_client.post(f"/api/v1/business/promotions/{promotion.public_id}/pay")
    bad = api_client.post(url, {"payment_method": "tok_x"}, format="json")
    assert (bad.status_code, bad.json()) == (
        400,
        {
            "payment_method": ["That is not a card from the payment form."],
            "codes": {"payment_method": ["invalid"]},
        },
    )


def test_the_card_step_does_not_exist_with_real_stripe(api_client, owner, settings):
    promotion = _draft(*owner)
    settings.STRIPE_IS_LOCAL = False
    api_client.force_authenticate(promotion.business.creator.user)
    url = f"/api/v1/business/promotions/{promotion.public_id}/pay/local-card"
    assert api_client.post(url, {"payment_method": "card_x"}, format="json").status_code == 404


def test_another_business_cannot_use_the_card_step(api_client, owner, stripe_local):
    theirs = _draft(*business_with_video())
    api_client.force_authenticate(owner[0].creator.user)
    url = f"/api/v1/business/promotions/{theirs.public_id}/pay/local-card"
    assert api_client.post(url, {"payment_method": "card_x"}, format="json").status_code == 404
    assert not Payment.objects.exists()


# --- the way in from a "Promote" link, and the form's choices ----------------------------------


def test_a_promote_link_chooses_its_video_and_ignores_any_other(client, owner):
    business, video = owner
    other = VideoFactory.create(owner=business.creator, caption="The other one")
    page = client.get(f"/business/promotions/new?video={video.public_id}").content.decode()
    assert f'<option value="{video.public_id}" selected>' in page
    assert f'<option value="{other.public_id}">' in page
    stranger = VideoFactory.create(caption="Somebody else's")
    for chosen in (str(stranger.public_id), "not-a-uuid", ""):
        response = client.get(f"/business/promotions/new?video={chosen}")
        assert response.status_code == 200
        assert " selected>" not in response.content.decode().split('id="id_video"')[1].split("</select>")[0]


def test_without_a_business_the_link_leads_to_making_one_and_back_to_the_same_video(client):
    user = UserFactory.create()
    CreatorFactory.create(user=user)
    client.force_login(user)
    video_id = uuid.uuid4()
    response = client.get(f"/business/promotions/new?video={video_id}")
    back = f"/business/promotions/new?video={video_id}"
    assert response["Location"] == f"/business/?{urlencode({'next': back})}"
    home = client.get(response["Location"]).content.decode()
    assert "then you choose how to promote your video" in home
    made = client.post(response["Location"], PROFILE)
    assert made["Location"] == back
    assert BusinessProfile.objects.filter(creator__user=user).exists()


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/business/promotions/new",
        "//evil.example/business/promotions/new",
        "/business/receipts",
        "/business/promotions/new/../../admin/",
        "javascript:alert(1)",
    ],
)
def test_a_next_elsewhere_is_ignored(client, next_url):
    user = UserFactory.create()
    CreatorFactory.create(user=user)
    client.force_login(user)
    made = client.post(f"/business/?{urlencode({'next': next_url})}", PROFILE)
    assert made["Location"] == "/business/"


def test_a_next_keeps_only_the_video_id(client):
    user = UserFactory.create()
    CreatorFactory.create(user=user)
    client.force_login(user)
    video_id = uuid.uuid4()
    next_url = f"/business/promotions/new?video={video_id}&then=https://evil.example"
    made = client.post(f"/business/?{urlencode({'next': next_url})}", PROFILE)
    assert made["Location"] == f"/business/promotions/new?video={video_id}"


def test_goal_and_audience_are_choices_with_what_each_means(client, owner):
    page = client.get("/business/promotions/new").content.decode()
    assert "<legend>Goal</legend>" in page
    assert "A button on the video takes viewers to your website." in page
    assert "You choose regions, interests and age groups (adults only)." in page
    assert 'class="choice" for="id_goal_0"' in page
    assert "Budget type</legend>" in page


def test_a_daily_budget_is_saved_as_the_total(client, owner):
    _, video = owner
    response = client.post(
        "/business/promotions/new",
        {**FORM, "video": str(video.public_id), "budget": "5.00", "budget_per": "day", "duration_days": "5"},
    )
    promotion = Promotion.objects.get()
    assert response["Location"] == f"/business/promotions/{promotion.public_id}/"
    assert (promotion.budget_cents, promotion.duration_days) == (25_00, 5)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"budget": "1.00", "budget_per": "day", "duration_days": "5"}, "A daily budget over 5 days is 5.00 EUR in total."),
        ({"budget": "5.00", "budget_per": "week"}, "Select a valid choice. week is not one of the available choices."),
    ],
)  # fmt: skip
def test_a_bad_daily_budget_shows_what_is_wrong_and_writes_nothing(client, owner, overrides, message):
    response = client.post(
        "/business/promotions/new", {**FORM, "video": str(owner[1].public_id), **overrides}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Promotion.objects.exists()
