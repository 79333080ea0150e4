"""Topic and Local feeds page as For You does: full pages while eligible videos are left, disjoint pages
through a stable cursor, and never a video their rules keep out."""

import itertools
import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from creators import services as creator_services
from creators.models import CreatorProfile, Video
from feeds.models import VideoStats
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db

PAGE = settings.FEED_PAGE_SIZE


def pages_of(client: APIClient, url: str) -> list[list[str]]:
    """Every page of a feed, following ``next`` until there is none: the public ids on each."""
    pages: list[list[str]] = []
    while url and len(pages) < 10:
        body = client.get(url).json()
        pages.append([item["video"]["id"] for item in body["results"]])
        url = body["next"]
    return pages


def ids(videos: list[Video]) -> set[str]:
    return {str(video.public_id) for video in videos}


def eligible_from_few_creators(
    topic: str, *, owners: list[CreatorProfile], also: str = "education"
) -> list[Video]:
    """Forty videos of ``topic`` from three creators (most of them from one), half also in ``also``: the
    shape of a real topic feed, where a few creators make most of its videos."""
    return [
        published_video(
            owner=owners[0 if index < 22 else 1 if index < 33 else 2], topics=(topic, also)[: 1 + index % 2]
        )
        for index in range(40)
    ]


def viewer_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def assert_full_disjoint_pages(pages: list[list[str]], eligible: set[str]) -> None:
    assert [len(page) for page in pages] == [PAGE, PAGE]
    shown = [video_id for page in pages for video_id in page]
    assert len(shown) == len(set(shown))  # no video twice, across pages too
    assert set(shown) == eligible  # every eligible video, and nothing else


def test_stem_pages_are_full_disjoint_and_only_reviewed_age_appropriate_and_unblocked():
    owners = [CreatorFactory.create() for _ in range(3)]
    eligible = eligible_from_few_creators("stem", owners=owners)
    viewer = UserFactory.create(date_of_birth=born_years_ago(16))
    # Kept out: not yet reviewed, removed, mature (the viewer is 16), and a creator the viewer blocked,
    # whose videos the ranking likes best (they are dropped after the page is picked, not before).
    pending = [published_video(owner=owners[0], topics=("stem",), review="pending") for _ in range(4)]
    removed = [
        published_video(owner=owners[1], topics=("stem",), moderation_state="removed") for _ in range(3)
    ]
    mature = [published_video(owner=owners[2], topics=("stem",), content_level="mature") for _ in range(3)]
    blocked_creator = CreatorFactory.create()
    blocked = [published_video(owner=blocked_creator, topics=("stem",)) for _ in range(8)]
    VideoStats.objects.bulk_create(
        VideoStats(video=video, impressions=100, completions=95, likes=40) for video in blocked
    )
    creator_services.account_block(blocker=viewer, blocked=blocked_creator.user)
    pages = pages_of(viewer_client(viewer), reverse("api-feed-topic", args=["stem"]))
    assert_full_disjoint_pages(pages, ids(eligible))
    never = ids(pending) | ids(removed) | ids(mature) | ids(blocked)
    assert not never & {video_id for page in pages for video_id in page}


def test_news_pages_are_full_and_only_from_verified_publishers():
    publishers = [
        CreatorFactory.create(user=UserFactory.create(is_verified_publisher=True)) for _ in range(3)
    ]
    eligible = eligible_from_few_creators("news", owners=publishers, also="local")
    unverified = [published_video(topics=("news",)) for _ in range(6)]
    pages = pages_of(viewer_client(UserFactory.create()), reverse("api-feed-topic", args=["news"]))
    assert_full_disjoint_pages(pages, ids(eligible))
    assert not ids(unverified) & {video_id for page in pages for video_id in page}


def test_sports_pages_are_full_for_an_anonymous_visitor_who_sees_no_mature_videos(client):
    owners = [CreatorFactory.create() for _ in range(3)]
    eligible = eligible_from_few_creators("sports", owners=owners, also="local")
    mature = [published_video(owner=owners[0], topics=("sports",), content_level="mature") for _ in range(3)]
    pages = pages_of(client, reverse("api-feed-topic", args=["sports"]))
    assert_full_disjoint_pages(pages, ids(eligible))
    assert not ids(mature) & {video_id for page in pages for video_id in page}


def test_sports_pages_leave_out_a_creator_the_viewer_said_not_for_me_to():
    owners = [CreatorFactory.create() for _ in range(3)]
    eligible = eligible_from_few_creators("sports", owners=owners, also="local")
    client = viewer_client(UserFactory.create())
    disliked = eligible[34]  # owners[2]'s, in Sports only (its other topic would be left out as well)
    assert disliked.owner_id == owners[2].pk
    events = [
        {
            "event_id": str(uuid.uuid4()),
            "video": str(disliked.public_id),
            "kind": kind,
            "source": "topic",
            "topic": "sports",
        }
        for kind in ("impression", "not_interested")
    ]
    assert client.post(reverse("api-signals"), {"events": events}, format="json").json()["accepted"] == 2
    pages = pages_of(client, reverse("api-feed-topic", args=["sports"]))
    left = ids([video for video in eligible if video.owner_id != owners[2].pk])
    assert [len(page) for page in pages] == [PAGE, len(left) - PAGE]
    assert {video_id for page in pages for video_id in page} == left


def test_local_pages_are_full_and_only_from_the_region():
    owners = [CreatorFactory.create(user=UserFactory.create(region="DE-BY")) for _ in range(3)]
    eligible = [
        published_video(owner=owners[0 if index < 25 else 1 if index < 35 else 2], topics=("local",))
        for index in range(40)
    ]
    elsewhere = [
        published_video(
            owner=CreatorFactory.create(user=UserFactory.create(region="FR-IDF")), topics=("local",)
        )
        for _ in range(5)
    ]
    viewer = UserFactory.create(region="DE-BY")
    pages = pages_of(viewer_client(viewer), reverse("api-feed-local"))
    assert_full_disjoint_pages(pages, ids(eligible))
    assert not ids(elsewhere) & {video_id for page in pages for video_id in page}


def test_a_topic_page_spreads_its_creators_while_it_can():
    """Full pages, but diversity first: the first page opens with no creator twice in a row while others
    are left, and the per-creator cap holds until the other creators run out."""
    owners = [CreatorFactory.create() for _ in range(3)]
    eligible_from_few_creators("stem", owners=owners)
    body = viewer_client(UserFactory.create()).get(reverse("api-feed-topic", args=["stem"])).json()
    handles = [item["creator"]["handle"] for item in body["results"]]
    assert len(handles) == PAGE
    assert sorted(handles[:6]) == sorted([owner.handle for owner in owners] * 2)
    assert sum(1 for first, second in itertools.pairwise(handles) if first == second) <= PAGE // 2
