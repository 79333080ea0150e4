"""Every age band against every feed and route, in one table: what each kind of video does for a 13–15,
a 16–17, an adult and an anonymous viewer: each age band has its own tests for every feed and
route. Accounts are made through sign-up, so each band starts with the defaults it really gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from creators import services as creator_services
from creators.models import Video
from feeds import sponsored
from platform import age, screen_time
from platform.models import User
from platform.services import user_sign_up
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video
from tests.feeds.test_feeds import OneSlot

pytestmark = pytest.mark.django_db

BANDS = ["13_15", "16_17", "adult", "anonymous"]
YEARS = {"13_15": 14, "16_17": 17, "adult": 30}
FEEDS = ["for_you", "topic", "local", "following"]
KINDS = ["general", "mature", "age_restricted", "unverified", "under_review", "teen_creator"]

# Which kinds each band gets in the feeds that recommend (For You, topic feeds, Local) ...
RECOMMENDED = {
    "13_15": {"general"},
    "16_17": {"general"},
    "adult": {"general", "mature", "age_restricted"},
    "anonymous": {"general"},
}
# ... in Following (labels keep a video out of recommendations, not away from its followers) ...
FOLLOWING = {
    "13_15": {"general", "teen_creator"},
    "16_17": {"general", "unverified", "teen_creator"},
    "adult": {"general", "mature", "age_restricted", "unverified", "teen_creator"},
    "anonymous": set(),
}
# ... and by the video's own link (page and API). Restricted mode (on for 13–15) hides labelled videos.
BY_LINK = {
    "13_15": {"general"},
    "16_17": {"general", "unverified", "under_review"},
    "adult": {"general", "mature", "age_restricted", "unverified", "under_review"},
    "anonymous": {"general", "unverified", "under_review"},
}


@dataclass
class World:
    videos: dict[str, Video]
    handles: list[str]  # adult creators, one per kind (a feed page holds at most two of one creator)
    teen_handle: str


@pytest.fixture
def world() -> World:
    teen = CreatorFactory.create(
        user=UserFactory.create(date_of_birth=born_years_ago(14), region="DE-BY", is_private=True)
    )
    fields: dict[str, dict[str, Any]] = {
        "general": {},
        "mature": {"content_level": Video.ContentLevel.MATURE},
        "age_restricted": {"is_age_restricted": True},
        "unverified": {"is_unverified": True},
        "under_review": {"moderation_state": Video.Moderation.REVIEW},
    }
    videos = {
        kind: published_video(
            owner=CreatorFactory.create(user=UserFactory.create(region="DE-BY")), topics=("comedy",), **extra
        )
        for kind, extra in fields.items()
    }
    handles = [video.owner.handle for video in videos.values()]
    videos["teen_creator"] = published_video(owner=teen, topics=("comedy",))
    return World(videos=videos, handles=handles, teen_handle=teen.handle)


def viewer_client(band: str, *, follow: list[str] | None = None) -> tuple[Client, User | None]:
    client = Client()
    if band == "anonymous":
        return client, None
    user = user_sign_up(
        email=f"viewer-{band}@example.com",
        password="a-long-test-password",
        display_name=f"Viewer {band}",
        date_of_birth=born_years_ago(YEARS[band], days=-30),
        country="DE",
        region="DE-BY",
    )
    for handle in follow or []:
        from creators.models import CreatorProfile

        profile = CreatorProfile.objects.get(handle=handle)
        follow_row = creator_services.follow_create(follower=user, creator=profile)
        if follow_row.status != "approved":  # the 14-year-old's account is private: they approve
            creator_services.follow_approve(creator=profile, follow_id=follow_row.pk)
    client.force_login(user)
    return client, user


def served(client: Client, feed: str, *, pages: int = 3) -> set[str]:
    """The video ids a feed serves over its first ``pages`` pages (a tiny catalogue may leave the
    exploration pick for the second page)."""
    url: str | None = {
        "for_you": reverse("api-feed-for-you"),
        "topic": reverse("api-feed-topic", args=["comedy"]),
        "local": reverse("api-feed-local") + "?region=DE-BY",
        "following": reverse("api-feed-following"),
    }[feed]
    ids: set[str] = set()
    for _ in range(pages):
        if url is None:
            break
        response = client.get(url)
        if feed == "following" and response.status_code in (401, 403):
            return set()
        assert response.status_code == 200, response.content
        body = response.json()
        ids |= {item["video"]["id"] for item in body["results"]}
        url = body.get("next")
    return ids


def kinds_of(world: World, ids: set[str]) -> set[str]:
    return {kind for kind, video in world.videos.items() if str(video.public_id) in ids}


@pytest.mark.parametrize("band", BANDS)
@pytest.mark.parametrize("feed", FEEDS)
def test_each_band_in_each_feed(world, band, feed):
    client, _ = viewer_client(band, follow=[*world.handles, world.teen_handle] if feed == "following" else [])
    expected = FOLLOWING[band] if feed == "following" else RECOMMENDED[band]
    assert kinds_of(world, served(client, feed)) == expected


@pytest.mark.parametrize("band", BANDS)
def test_each_band_by_the_videos_own_link_and_the_api(world, band):
    client, _ = viewer_client(band)
    page_ok = {
        kind
        for kind, video in world.videos.items()
        if client.get(video.get_absolute_url()).status_code == 200
    }
    api_ok = {
        kind
        for kind, video in world.videos.items()
        if client.get(reverse("api-video", args=[video.public_id])).status_code == 200
    }
    # The 14-year-old creator's account is private by default: strangers reach none of it.
    assert page_ok == BY_LINK[band]
    assert api_ok == BY_LINK[band]


@pytest.mark.parametrize("band", BANDS)
def test_each_band_on_a_profile_page(world, band):
    client, _ = viewer_client(band)
    shown = set()
    for kind, video in world.videos.items():
        if kind == "teen_creator":
            continue
        page = client.get(reverse("creators:profile", args=[video.owner.handle]))
        assert page.status_code == 200
        if video.get_absolute_url() in page.content.decode():
            shown.add(kind)
    # A profile lists what the link would open, minus what is only for followers.
    assert shown == BY_LINK[band] - {"teen_creator"}
    teen_page = client.get(reverse("creators:profile", args=[world.teen_handle])).content.decode()
    assert world.videos["teen_creator"].get_absolute_url() not in teen_page


@pytest.mark.parametrize(
    ("band", "limit", "restricted", "private", "promotions", "quiet_from"),
    [
        ("13_15", 60, True, True, False, 21),
        ("16_17", 60, False, False, False, 22),
        ("adult", None, False, False, True, None),
    ],
)
def test_each_bands_defaults_at_sign_up(band, limit, restricted, private, promotions, quiet_from):
    _, user = viewer_client(band)
    assert user is not None
    assert age.screen_time_limit_minutes(user) == limit
    assert user.is_restricted_mode is restricted
    assert user.is_private is private
    assert user.age_policy.may_see_promotions is promotions
    hours = age.quiet_hours(user.age_band)
    assert (hours[0] if hours else None) == quiet_from


def test_under_13s_cannot_sign_up_and_nothing_is_written():
    with pytest.raises(Exception, match="not old enough"):
        user_sign_up(
            email="kid@example.com",
            password="a-long-test-password",
            display_name="Kid",
            date_of_birth=born_years_ago(12),
        )
    assert not User.objects.filter(email="kid@example.com").exists()


@pytest.mark.parametrize("band", BANDS)
def test_only_adults_get_the_sponsored_slot(world, band):
    for index in range(12):
        published_video(topics=("comedy",), caption=f"Filler {index}")
    provider = OneSlot(world.videos["general"])
    previous = sponsored.provider()
    sponsored.register_provider(provider)
    try:
        client, _ = viewer_client(band)
        results = client.get(reverse("api-feed-for-you")).json()["results"]
    finally:
        sponsored.register_provider(previous)
    has_slot = any(item.get("sponsor") for item in results)
    assert has_slot is (band == "adult")


@pytest.mark.parametrize("band", ["13_15", "16_17"])
def test_minors_feeds_stop_at_the_daily_limit(world, band):
    client, user = viewer_client(band)
    assert user is not None
    from platform.models import ScreenTimeDay

    ScreenTimeDay.objects.create(user=user, day=age.screen_time_day(user=user), seconds=60 * 60 + 1)
    for feed in FEEDS:
        assert served(client, feed) == set(), feed


def test_an_adult_has_no_limit_unless_they_set_one(world):
    client, user = viewer_client("adult")
    assert user is not None
    from platform.models import ScreenTimeDay

    ScreenTimeDay.objects.create(user=user, day=age.screen_time_day(user=user), seconds=10 * 60 * 60)
    assert served(client, "for_you")
    screen_time.screen_time_limit_set(user=user, minutes=30, actor=user)
    assert served(client, "for_you") == set()
