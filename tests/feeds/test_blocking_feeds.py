"""Blocks and mutes in every feed and on every route: the blocked get nothing of the blocker, the blocker
nothing of the blocked, the muter none of the muted's videos in feeds (their profile stays reachable)."""

import datetime
import uuid
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creators import services as creator_services
from creators.models import CreatorProfile, Follow, Report, Topic, Video
from feeds import selectors, services
from platform.models import User
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db

TOPIC_SLUGS = [
    "stem", "local", "sports", "news", "comedy", "food", "music", "dance", "art", "diy", "travel",
    "animals", "gaming", "fashion", "education", "business",
]  # fmt: skip
FEEDS = ["for_you", "following", "local", *(f"topic:{slug}" for slug in TOPIC_SLUGS)]


@dataclass
class World:
    blocker: CreatorProfile
    blocked: CreatorProfile
    muter: CreatorProfile
    muted: CreatorProfile
    bystander: CreatorProfile
    videos: dict[str, Video]  # one per creator, by role


def creator(role: str, *, years: int = 30) -> CreatorProfile:
    user = UserFactory.create(
        region="DE-BY", is_verified_publisher=True, date_of_birth=born_years_ago(years), display_name=role
    )
    return CreatorFactory.create(user=user, handle=role)


ROLES = ("blocker", "blocked", "muter", "muted", "bystander")
# One topic each outside topic feeds: a page never runs three of one topic in a row.
OWN_TOPICS = ("comedy", "food", "music", "dance", "art")


def world(*, topic: str | None = None, blocked_years: int = 30) -> World:
    """Five creators with one video each (all in ``topic``, else one topic each); everyone follows
    everyone, then the blocker blocks the blocked and the muter mutes the muted."""
    profiles = {role: creator(role, years=blocked_years if role == "blocked" else 30) for role in ROLES}
    videos = {
        role: published_video(owner=profile, topics=(topic or OWN_TOPICS[index],))
        for index, (role, profile) in enumerate(profiles.items())
    }
    for follower in profiles.values():
        for followed in profiles.values():
            if follower != followed:
                creator_services.follow_create(follower=follower.user, creator=followed)
    creator_services.account_block(blocker=profiles["blocker"].user, blocked=profiles["blocked"].user)
    creator_services.account_mute(muter=profiles["muter"].user, muted=profiles["muted"].user)
    return World(**profiles, videos=videos)


def shown(feed: str, user: User) -> set[str]:
    """The handles of the creators whose videos ``feed`` shows ``user``."""
    viewer = viewer_for_user(user, key=f"u:{user.pk}")
    if feed == "following":
        return {video.owner.handle for video in selectors.following_queryset(viewer=viewer)}
    if feed == "for_you":
        page = selectors.feed_for_you(viewer=viewer)
    elif feed == "local":
        page = selectors.feed_local(viewer=viewer, region="DE-BY")
    else:
        topic_page = selectors.feed_topic(viewer=viewer, slug=feed.removeprefix("topic:"))
        assert topic_page is not None
        page = topic_page
    return {item.video.owner.handle for item in page.items}


def feed_topic(feed: str) -> str | None:
    return feed.removeprefix("topic:") if feed.startswith("topic:") else None


@pytest.mark.parametrize("feed", FEEDS)
def test_no_feed_shows_either_side_of_a_block_or_the_muted_to_the_muter(feed):
    w = world(topic=feed_topic(feed))
    everyone = set(ROLES)

    def others(profile: CreatorProfile) -> set[str]:  # ranked feeds may show the viewer their own video
        return shown(feed, profile.user) - {profile.handle}

    assert others(w.blocked) == everyone - {"blocker", "blocked"}
    assert others(w.blocker) == everyone - {"blocker", "blocked"}
    assert others(w.muter) == everyone - {"muter", "muted"}
    # a mute works one way: the muted still sees the muter; bystanders see everyone
    assert others(w.muted) == everyone - {"muted"}
    assert others(w.bystander) == everyone - {"bystander"}


@pytest.mark.parametrize("years", [14, 16, 30], ids=["13-15", "16-17", "adult"])
@pytest.mark.parametrize("feed", ["for_you", "local", "topic:sports", "following"])
def test_a_blocked_viewer_of_any_age_band_gets_nothing_of_the_blocker(feed, years):
    w = world(topic=feed_topic(feed), blocked_years=years)
    seen = shown(feed, w.blocked.user)
    assert "blocker" not in seen
    assert {"muter", "bystander"} <= seen  # the feed is not simply empty


def test_a_follow_left_over_from_before_the_block_still_shows_nothing_in_following():
    """Even a follow row that outlived the block (written around the services) does not leak videos."""
    w = world()
    Follow.objects.create(follower=w.blocked.user, creator=w.blocker, status=Follow.Status.APPROVED)
    Follow.objects.create(follower=w.blocker.user, creator=w.blocked, status=Follow.Status.APPROVED)
    assert "blocker" not in shown("following", w.blocked.user)
    assert "blocked" not in shown("following", w.blocker.user)


def test_unblock_and_unmute_bring_the_videos_back():
    w = world()
    creator_services.account_unblock(blocker=w.blocker.user, blocked=w.blocked.user)
    creator_services.account_unmute(muter=w.muter.user, muted=w.muted.user)
    assert "blocker" in shown("for_you", w.blocked.user)
    assert "blocked" in shown("for_you", w.blocker.user)
    assert "muted" in shown("for_you", w.muter.user)


def test_anonymous_visitors_see_everyone():
    w = world()
    page = selectors.feed_for_you(viewer=viewer_for_user(None, key="a:someone"))
    assert {item.video.owner.handle for item in page.items} == {
        "blocker", "blocked", "muter", "muted", "bystander"
    }  # fmt: skip
    assert w.videos["blocker"].pk in {item.video.pk for item in page.items}


def test_the_for_you_page_query_count_is_unchanged_with_blocks_and_mutes():
    """The block and mute filter is a subquery of the page's one video query: still three queries."""
    for index in range(60):
        published_video(topics=(("stem", "comedy", "food")[index % 3],))
    w = world()
    viewer = viewer_for_user(w.blocked.user, key=f"u:{w.blocked.user.pk}")
    selectors.feed_for_you(viewer=viewer)  # builds the catalog
    services.signals_record(
        viewer=viewer,
        items=[
            services.SignalInput(
                event_id=uuid.uuid4(),
                video=Video.objects.earliest("pk").public_id,
                kind="complete",
                source="for_you",
                watched_seconds=3.0,
            )
        ],
    )
    with CaptureQueriesContext(connection) as queries:
        page = selectors.feed_for_you(viewer=viewer)
    assert len(page.items) > 0
    assert w.videos["blocker"].pk not in {item.video.pk for item in page.items}
    assert len(queries) == 3, [query["sql"][:80] for query in queries]


# --- the sponsored slot -----------------------------------------------------------------------


@pytest.fixture
def fresh_promotions(settings):
    from businesses.serving import slots

    settings.PROMOTION_SNAPSHOT_SECONDS = 0
    slots.forget()
    yield
    slots.forget()


def running_promotion_of(profile: CreatorProfile):
    from businesses.models import Promotion
    from tests.businesses.factories import BusinessFactory

    business = BusinessFactory.create(creator=profile)
    video = published_video(owner=profile, topics=("food",))
    starts = timezone.now() - datetime.timedelta(hours=24)
    return Promotion.objects.create(
        business=business,
        video=video,
        goal=Promotion.Goal.WEBSITE_VISITS,
        budget_cents=50_00,
        currency="eur",
        duration_days=7,
        cpm_cents=6_00,
        state=Promotion.State.ACTIVE,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(days=7),
    )


def sponsor_items(user: User, promoted: Video) -> list[tuple[str, bool]]:
    """The sponsor's items on the user's For You page (handle, is_sponsored). The promoted video counts
    as seen, so that the page does not hold it before the slot is picked (as in test_serving.py)."""
    from feeds.models import InterestProfile

    key = f"u:{user.pk}"
    InterestProfile.objects.create(viewer_key=key, user=user, seen=[promoted.pk])
    page = selectors.feed_for_you(viewer=viewer_for_user(user, key=key))
    return [
        (item.video.owner.handle, item.is_sponsored)
        for item in page.items
        if item.video.owner.handle == "sponsor"
    ]


def relate(viewer: User, sponsor: User, relation: str) -> None:
    """``relation`` between the viewer and the sponsor's account, made as the site makes it."""
    if relation == "blocked_by_sponsor":
        creator_services.account_block(blocker=sponsor, blocked=viewer)
    elif relation == "blocked_the_sponsor":
        creator_services.account_block(blocker=viewer, blocked=sponsor)
    else:
        creator_services.account_mute(muter=viewer, muted=sponsor)


@pytest.mark.parametrize("relation", ["blocked_by_sponsor", "blocked_the_sponsor", "muted_the_sponsor"])
def test_the_sponsored_slot_never_shows_a_blocked_blocking_or_muted_account(relation, fresh_promotions):
    for index in range(30):  # a full page without the sponsor's video coming round again
        published_video(topics=(("food", "art", "music")[index % 3],))
    sponsor = creator("sponsor")
    promotion = running_promotion_of(sponsor)
    viewer, control = UserFactory.create(), UserFactory.create()
    relate(viewer, sponsor.user, relation)
    assert ("sponsor", True) in sponsor_items(control, promotion.video)
    assert sponsor_items(viewer, promotion.video) == []


@pytest.mark.parametrize("copy", [True, False], ids=["profile-copy", "asked"])
@pytest.mark.parametrize("relation", ["blocked_by_sponsor", "blocked_the_sponsor", "muted_the_sponsor"])
def test_the_slot_is_chosen_among_the_promotions_of_accounts_the_viewer_may_see(
    relation, copy, fresh_promotions
):
    """The provider itself leaves a hidden account's promotion out (the page's last check would drop it,
    and the slot with it): another promotion takes the slot, and with none left there is no slot. From the
    page's copy of the hidden creators (its interest profile's) without a query of its own, or, for a
    viewer without that copy, by asking."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from businesses.serving import slots
    from feeds.hidden_creators import hidden_creator_ids

    hidden, other = creator("sponsor"), creator("other_sponsor")
    hidden_promotion = running_promotion_of(hidden)
    viewer = UserFactory.create()
    relate(viewer, hidden.user, relation)
    hidden_creators = frozenset(hidden_creator_ids(user_id=viewer.pk)) if copy else None
    assert hidden_creators is None or hidden_creators == {hidden.pk}

    def slot() -> int | None:
        with CaptureQueriesContext(connection) as queries:
            chosen = slots.slot_for(
                viewer=viewer_for_user(viewer),
                feed="for_you",
                exclude_video_ids=set(),
                topic_interest={},
                hidden_creators=hidden_creators,
            )
        asked = [query["sql"] for query in queries if "platform_block" in query["sql"]]
        assert bool(asked) == (not copy), asked
        return chosen.video_id if chosen is not None else None

    assert slot() is None
    other_promotion = running_promotion_of(other)
    slots.forget()
    assert [slot() for _ in range(3)] == [other_promotion.video_id] * 3
    anyone = slots.slot_for(
        viewer=viewer_for_user(UserFactory.create()),
        feed="for_you",
        exclude_video_ids=set(),
        topic_interest={},
    )
    assert anyone is not None
    assert anyone.video_id in {hidden_promotion.video_id, other_promotion.video_id}


def test_a_block_newer_than_the_pages_copy_still_keeps_the_sponsor_off_the_page(fresh_promotions):
    """The slot trusts the profile's copy of the hidden creators; when a block is newer than the copy the
    page read (two requests at once), the page's last check drops the promoted video, and no slot shows."""
    from feeds.models import InterestProfile

    for index in range(30):
        published_video(topics=(("food", "art", "music")[index % 3],))
    sponsor = creator("sponsor")
    promotion = running_promotion_of(sponsor)
    viewer = UserFactory.create()
    relate(viewer, sponsor.user, "blocked_the_sponsor")
    key = f"u:{viewer.pk}"
    InterestProfile.objects.create(viewer_key=key, user=viewer, seen=[promotion.video.pk])
    InterestProfile.objects.filter(viewer_key=key).update(hidden_creators=[])  # the copy before the block
    page = selectors.feed_for_you(viewer=viewer_for_user(viewer, key=key))
    assert page.items
    assert all(item.video.owner.handle != "sponsor" for item in page.items)
    assert not any(item.is_sponsored for item in page.items)


# --- routes: pages and API ---------------------------------------------------------------------


def test_profile_page_is_a_404_for_the_blocked_and_an_unblock_page_for_the_blocker(client):
    w = world()
    client.force_login(w.blocked.user)
    assert client.get(w.blocker.get_absolute_url()).status_code == 404
    assert client.get("/@no_such_handle/").status_code == 404  # the same answer

    client.force_login(w.blocker.user)
    response = client.get(w.blocked.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "You blocked @blocked" in page
    assert reverse("creators:unblock", args=["blocked"]) in page
    assert w.videos["blocked"].get_absolute_url() not in page
    assert 'data-testid="profile-video"' not in page


def test_the_muted_profile_stays_reachable_with_its_videos(client):
    w = world()
    client.force_login(w.muter.user)
    page = client.get(w.muted.get_absolute_url()).content.decode()
    assert w.videos["muted"].get_absolute_url() in page
    assert client.get(w.videos["muted"].get_absolute_url()).status_code == 200
    assert 'data-testid="unmute"' in page


def test_unblock_from_the_blocked_page_restores_the_profile(client):
    w = world()
    client.force_login(w.blocker.user)
    client.post(reverse("creators:unblock", args=["blocked"]))
    page = client.get(w.blocked.get_absolute_url()).content.decode()
    assert w.videos["blocked"].get_absolute_url() in page


@pytest.mark.parametrize("direction", ["blocked_sees_blocker", "blocker_sees_blocked"])
def test_video_page_poster_and_file_are_404_across_a_block(client, direction):
    w = world()
    viewer, owner = (w.blocked, "blocker") if direction == "blocked_sees_blocker" else (w.blocker, "blocked")
    video = w.videos[owner]
    client.force_login(viewer.user)
    assert client.get(video.get_absolute_url()).status_code == 404
    assert client.get(reverse("creators:video_file", args=[video.public_id, "poster"])).status_code == 404
    assert client.get(w.videos["bystander"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("direction", ["blocked_sees_blocker", "blocker_sees_blocked"])
def test_api_video_profile_and_profile_videos_are_404_across_a_block(api_client, direction):
    w = world()
    viewer, owner = (w.blocked, "blocker") if direction == "blocked_sees_blocker" else (w.blocker, "blocked")
    api_client.force_authenticate(viewer.user)
    assert api_client.get(reverse("api-video", args=[w.videos[owner].public_id])).status_code == 404
    assert api_client.get(reverse("api-creator", args=[owner])).status_code == 404
    listing = api_client.get(reverse("api-creator-videos", args=[owner]))
    assert listing.status_code == 200
    assert listing.json()["results"] == []
    assert api_client.get(reverse("api-creator", args=["bystander"])).status_code == 200


@pytest.mark.parametrize("years", [14, 16, 30], ids=["13-15", "16-17", "adult"])
def test_the_blocked_cannot_follow_the_blocker_by_page_or_api(client, api_client, years):
    w = world(blocked_years=years)
    client.force_login(w.blocked.user)
    assert client.post(reverse("creators:follow", args=["blocker"])).status_code == 404
    api_client.force_authenticate(w.blocked.user)
    assert api_client.post(reverse("api-follow", args=["blocker"])).status_code == 404
    assert not Follow.objects.filter(follower=w.blocked.user, creator=w.blocker).exists()


def test_the_blocker_cannot_follow_the_blocked_until_unblocking(client, api_client):
    w = world()
    api_client.force_authenticate(w.blocker.user)
    response = api_client.post(reverse("api-follow", args=["blocked"]))
    assert response.status_code == 400
    assert response.json() == {"detail": "You can't follow this account.", "code": "invalid"}
    client.force_login(w.blocker.user)
    client.post(reverse("creators:follow", args=["blocked"]))
    assert not Follow.objects.filter(follower=w.blocker.user, creator=w.blocked).exists()


def test_blocked_cannot_block_or_mute_the_blocker_by_handle_either(client, api_client):
    """Acting on a handle that blocked you answers like a handle nobody has: 404, nothing written."""
    w = world()
    api_client.force_authenticate(w.blocked.user)
    assert api_client.post(reverse("api-block", args=["blocker"])).status_code == 404
    assert api_client.post(reverse("api-mute", args=["blocker"])).status_code == 404
    client.force_login(w.blocked.user)
    assert client.get(reverse("creators:block", args=["blocker"])).status_code == 404
    assert not w.blocked.user.blocks.exists()
    assert not w.blocked.user.mutes.exists()


def test_signals_and_likes_on_a_blocker_video_are_refused(api_client):
    w = world()
    api_client.force_authenticate(w.blocked.user)
    video = w.videos["blocker"]
    response = api_client.post(
        reverse("api-signals"),
        {
            "events": [
                {
                    "event_id": str(uuid.uuid4()),
                    "video": str(video.public_id),
                    "kind": "like",
                    "source": "for_you",
                    "watched_seconds": 1.0,
                }
            ]
        },
        format="json",
    )
    body = response.json()
    assert body["accepted"] == 0
    assert len(body["errors"]) == 1
    from feeds.models import Signal

    assert not Signal.objects.filter(video=video).exists()


def test_reports_across_a_block_find_no_video_like_every_other_route(api_client):
    # Either way: the blocked account would otherwise mass-report its blocker, and learn what is there.
    w = world()
    api_client.force_authenticate(w.blocker.user)
    response = api_client.post(
        reverse("api-report", args=[w.videos["blocked"].public_id]),
        {"reason": Report.Reason.values[0], "detail": "harassing me"},
        format="json",
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_topic_list_is_complete():
    """The topic feeds tested above are every topic there is."""
    assert sorted(Topic.objects.values_list("slug", flat=True)) == sorted(TOPIC_SLUGS)
