"""Fake adult accounts made in seconds are served sponsored slots, but the business is not charged for
them: their impressions are recorded as invalid traffic, and the results say how many."""

import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from businesses.models import Promotion, PromotionDay, PromotionDelivery
from businesses.serving import slots
from feeds.models import Signal, Source
from tests.businesses.helpers import business_with_video, established_adult
from tests.factories import UserFactory, VideoFactory, born_years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_snapshot(settings):
    settings.PROMOTION_SNAPSHOT_SECONDS = 0
    slots.forget()
    yield
    slots.forget()


@pytest.fixture
def promotion():
    business, video = business_with_video()
    starts = timezone.now() - datetime.timedelta(hours=12)
    return Promotion.objects.create(
        business=business, video=video, goal=Promotion.Goal.VIDEO_VIEWS, budget_cents=50_00, currency="eur",
        duration_days=7, cpm_cents=10_00, state=Promotion.State.ACTIVE, paid_at=starts, starts_at=starts,
        ends_at=starts + datetime.timedelta(days=7),
    )  # fmt: skip


def _watched(user, *, seconds=5.0, source=Source.FOR_YOU):
    Signal.objects.create(
        viewer_key=f"u:{user.pk}", event_id=uuid.uuid4(), video=VideoFactory.create(state="draft"),
        kind=Signal.Kind.PROGRESS, source=source, watched_seconds=seconds,
    )  # fmt: skip


def _bot(*, age=datetime.timedelta(seconds=5), **watching):
    """A fresh adult account, as a script signs them up: a minute old at most, no watching of its own."""
    user = UserFactory.create(date_of_birth=born_years_ago(30), date_joined=timezone.now() - age)
    if watching:
        _watched(user, **watching)
    return user


def _served_and_reported(user, promotion, *, reports=1):
    """The account opens For You, is served the slot, and its player reports the impression."""
    client = APIClient()
    client.force_authenticate(user)
    page = client.get("/api/v1/feeds/for-you").json()["results"]
    item = next(item for item in page if item["is_sponsored"])
    assert item["video"]["id"] == str(promotion.video.public_id)
    for _ in range(reports):
        event = {"event_id": str(uuid.uuid4()), "video": item["video"]["id"], "kind": "impression",
                 "source": "sponsored"}  # fmt: skip
        assert client.post("/api/v1/signals", {"events": [event]}, format="json").json()["accepted"] == 1


def _charged(promotion):
    promotion.refresh_from_db()
    return promotion.impressions_charged, promotion.spent_cents


@pytest.mark.parametrize(
    "bot",
    [
        pytest.param({}, id="made-seconds-ago"),
        pytest.param({"seconds": 5.0}, id="made-seconds-ago-with-watching"),
        pytest.param({"age": datetime.timedelta(days=3)}, id="old-but-never-watched"),
        pytest.param({"age": datetime.timedelta(days=3), "seconds": 1.0}, id="old-with-only-a-glance"),
        pytest.param(
            {"age": datetime.timedelta(days=3), "seconds": 9.0, "source": Source.SPONSORED},
            id="old-with-only-sponsored-watching",
        ),
    ],
)
def test_a_fake_account_is_served_but_its_impressions_are_not_charged(promotion, bot):
    _served_and_reported(_bot(**bot), promotion, reports=3)  # reported again and again: one served slot
    assert _charged(promotion) == (0, 0)
    day = PromotionDay.objects.get(promotion=promotion)
    assert (day.impressions, day.invalid_impressions, day.spent_cents) == (0, 1, 0)
    delivery = PromotionDelivery.objects.get(promotion=promotion)
    assert (delivery.served, delivery.impressions, delivery.invalid_impressions) == (1, 0, 1)


def test_a_real_viewer_is_still_charged_beside_the_fakes(promotion):
    for _ in range(3):
        _served_and_reported(_bot(), promotion)
    _served_and_reported(established_adult(), promotion)
    assert _charged(promotion) == (1, 1)  # one impression at 10.00 EUR per 1,000
    day = PromotionDay.objects.get(promotion=promotion)
    assert (day.impressions, day.invalid_impressions, day.spent_cents) == (1, 3, 1)


def test_the_results_page_and_api_show_invalid_traffic_and_still_add_up(promotion):
    for _ in range(2):
        _served_and_reported(_bot(), promotion)
    _served_and_reported(established_adult(), promotion)
    owner = promotion.business.creator.user
    api = APIClient()
    api.force_authenticate(owner)
    body = api.get(f"/api/v1/business/promotions/{promotion.public_id}/results").json()
    assert (body["impressions"], body["invalid_impressions"], body["reach"], body["spent_cents"]) == (
        1,
        2,
        1,
        1,
    )
    assert sum(day["impressions"] for day in body["days"]) == body["impressions"]
    assert sum(day["spent_cents"] for day in body["days"]) == body["spent_cents"]
    page = Client()
    page.force_login(owner)
    html = page.get(f"/business/promotions/{promotion.public_id}/").content.decode()
    assert '<dt>Invalid traffic</dt><dd data-figure="invalid_impressions">2</dd>' in html
    assert '<dd data-figure="impressions">1</dd>' in html
