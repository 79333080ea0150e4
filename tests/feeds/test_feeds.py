"""Feeds end to end in the database: what each feed shows whom, how it learns, and what it costs."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creators import services as creator_services
from creators.models import CreatorProfile, Video
from feeds import selectors, services
from feeds.api.serializers import feed_page_json
from feeds.catalog import catalog_reset
from feeds.models import InterestProfile, Signal, VideoStats
from platform.viewer import COOKIE_NAME, viewer_for_user
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


def for_you_ids(viewer, key=None) -> list[int]:
    page = selectors.feed_for_you(viewer=viewer_for_user(viewer, key=key or f"u:{viewer.pk}"))
    return [item.video.pk for item in page.items]


def event(video: Video, kind: str, watched: float = 0.0, **extra) -> services.SignalInput:
    return services.SignalInput(
        event_id=uuid.uuid4(),
        video=video.public_id,
        kind=kind,
        source="for_you",
        watched_seconds=watched,
        **extra,
    )


def test_follower_count_changes_nothing_in_another_viewers_for_you_feed():
    creators = [CreatorFactory.create() for _ in range(30)]
    for index in range(40):
        published_video(owner=creators[index % 30], topics=(("stem", "comedy", "food")[index % 3],))
    viewer = UserFactory.create()
    before = {
        item.video.pk
        for item in selectors.feed_for_you(viewer=viewer_for_user(viewer, key="u:fixed"), size=30).items
    }
    CreatorProfile.objects.filter(pk=creators[0].pk).update(follower_count=1_000_000)
    catalog_reset()
    after = {
        item.video.pk
        for item in selectors.feed_for_you(viewer=viewer_for_user(viewer, key="u:fixed"), size=30).items
    }
    assert before == after
    assert len(before) == 30


def test_viewer_who_finishes_stem_and_skips_the_rest_gets_stem_first():
    creators = [CreatorFactory.create() for _ in range(12)]
    stem = [published_video(owner=creators[i % 12], topics=("stem",)) for i in range(24)]
    other = [
        published_video(owner=creators[(i + 5) % 12], topics=(("comedy", "food", "music")[i % 3],))
        for i in range(48)
    ]
    viewer = UserFactory.create()
    events = [event(video, "complete", watched=3.0) for video in stem[:6]]
    events += [event(video, "skip", watched=1.0) for video in other[:12]]
    result = services.signals_record(viewer=viewer_for_user(viewer, key=f"u:{viewer.pk}"), items=events)
    assert (result.accepted, result.duplicates, result.errors) == (18, 0, [])
    page = selectors.feed_for_you(viewer=viewer_for_user(viewer, key=f"u:{viewer.pk}"))
    stem_ids = {video.pk for video in stem}
    first_five = [item.video.pk for item in page.items[:5] if item.source != "sponsored"]
    assert sum(video_id in stem_ids for video_id in first_five) >= 3
    stem_item = next(item for item in page.items if item.video.pk in stem_ids)
    assert "You watched STEM videos to the end" in stem_item.reasons
    watched = {video.pk for video in stem[:6]} | {video.pk for video in other[:12]}
    assert not watched & {item.video.pk for item in page.items}  # never again what was watched


def test_not_interested_hides_the_video_and_damps_its_creator():
    dull = CreatorFactory.create()
    hidden = published_video(owner=dull, topics=("comedy",))
    others = [published_video(owner=dull, topics=("comedy",)) for _ in range(2)]
    for index in range(10):
        published_video(topics=(("food", "music", "art", "travel", "dance")[index % 5],))
    viewer = UserFactory.create()
    services.signals_record(
        viewer=viewer_for_user(viewer, key=f"u:{viewer.pk}"), items=[event(hidden, "not_interested")]
    )
    ids = for_you_ids(viewer)
    assert hidden.pk not in ids
    profile = InterestProfile.objects.get(viewer_key=f"u:{viewer.pk}")
    assert profile.weights["c"][str(dull.pk)] < 0
    assert hidden.pk in profile.hidden
    assert all(ids.index(video.pk) > 5 for video in others if video.pk in ids)


@pytest.mark.parametrize("feed", ["for_you", "stem", "local", "sports", "news", "following"])
def test_every_feed_applies_age_policy_and_moderation(feed):
    creator = CreatorFactory.create(user=UserFactory.create(region="DE-BY", is_verified_publisher=True))
    topics = {
        "for_you": ("comedy",),
        "stem": ("stem",),
        "local": ("comedy",),
        "sports": ("sports",),
        "news": ("news",),
        "following": ("comedy",),
    }[feed]
    fine = published_video(owner=creator, topics=topics)
    mature = published_video(owner=creator, topics=topics, content_level="mature")
    removed = published_video(owner=creator, topics=topics, moderation_state="removed")
    limited = published_video(owner=creator, topics=topics, moderation_state="limited")
    teen_creator = CreatorFactory.create(
        user=UserFactory.create(
            date_of_birth=born_years_ago(14), region="DE-BY", is_private=True, is_verified_publisher=True
        )
    )
    teen_video = published_video(owner=teen_creator, topics=topics)
    minor = UserFactory.create(date_of_birth=born_years_ago(16), region="DE-BY")
    adult = UserFactory.create(region="DE-BY")

    def shown(viewer):
        key = f"u:{viewer.pk}"
        if feed == "for_you":
            page = selectors.feed_for_you(viewer=viewer_for_user(viewer, key=key))
        elif feed == "local":
            page = selectors.feed_local(viewer=viewer_for_user(viewer, key=key), region="DE-BY")
        elif feed == "following":
            return {video.pk for video in selectors.following_queryset(viewer=viewer_for_user(viewer))}
        else:
            topic_page = selectors.feed_topic(viewer=viewer_for_user(viewer, key=key), slug=feed)
            assert topic_page is not None
            page = topic_page
        return {item.video.pk for item in page.items}

    if feed == "following":
        for viewer in (minor, adult):
            creator_services.follow_create(follower=viewer, creator=creator)
    assert fine.pk in shown(adult)
    assert fine.pk in shown(minor)
    assert mature.pk in shown(adult)
    assert mature.pk not in shown(minor)
    assert removed.pk not in shown(adult) | shown(minor)
    assert teen_video.pk not in shown(adult)  # not a follower of the 14-year-old
    if feed == "following":
        assert limited.pk in shown(adult)  # limited stays visible to followers
    else:
        assert limited.pk not in shown(adult)


def test_stem_shows_only_reviewer_approved_videos_and_news_only_verified_publishers():
    approved = published_video(topics=("stem",), review="approved")
    pending = published_video(topics=("stem",), review="pending")
    publisher = CreatorFactory.create(user=UserFactory.create(is_verified_publisher=True))
    verified_news = published_video(owner=publisher, topics=("news",))
    unverified_news = published_video(topics=("news",))
    viewer = UserFactory.create()
    stem_page = selectors.feed_topic(viewer=viewer_for_user(viewer, key="u:x"), slug="stem")
    news_page = selectors.feed_topic(viewer=viewer_for_user(viewer, key="u:x"), slug="news")
    assert stem_page is not None
    assert news_page is not None
    stem = {item.video.pk for item in stem_page.items}
    news = {item.video.pk for item in news_page.items}
    assert stem == {approved.pk}
    assert pending.pk not in stem
    assert news == {verified_news.pk}
    assert unverified_news.pk not in news


def test_local_feed_is_the_viewers_region():
    there = CreatorFactory.create(user=UserFactory.create(region="FR-IDF"))
    mine = [
        published_video(owner=CreatorFactory.create(user=UserFactory.create(region="DE-BE")))
        for _ in range(3)
    ]
    published_video(owner=there)
    viewer = UserFactory.create(region="DE-BE")
    page = selectors.feed_local(viewer=viewer_for_user(viewer, key="u:x"), region="DE-BE")
    assert {item.video.pk for item in page.items} == {video.pk for video in mine}
    assert all("From your region" in item.reasons for item in page.items)


def test_following_is_newest_first_from_followed_creators(client):
    followed, other = CreatorFactory.create(), CreatorFactory.create()
    older = published_video(owner=followed)
    newer = published_video(owner=followed)
    published_video(owner=other)
    viewer = UserFactory.create()
    creator_services.follow_create(follower=viewer, creator=followed)
    client.force_login(viewer)
    body = client.get(reverse("api-feed-following")).json()
    assert [item["video"]["id"] for item in body["results"]] == [str(newer.public_id), str(older.public_id)]
    assert body["results"][0]["reasons"] == [f"From @{followed.handle}, whom you follow"]


def test_for_you_page_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    for index in range(60):
        published_video(topics=(("stem", "comedy", "food")[index % 3],))
    viewer = UserFactory.create()
    selectors.feed_for_you(viewer=viewer_for_user(viewer, key=f"u:{viewer.pk}"))  # builds the catalog
    services.signals_record(
        viewer=viewer_for_user(viewer, key=f"u:{viewer.pk}"),
        items=[event(Video.objects.earliest("pk"), "complete", watched=3.0)],
    )
    with CaptureQueriesContext(connection) as queries:
        page = selectors.feed_for_you(viewer=viewer_for_user(viewer, key=f"u:{viewer.pk}"))
    assert len(page.items) == selectors.FIRST_PAGES_SIZE  # a new viewer's pages are short
    # the profile, the co-watch neighbours, the page's videos (topics and hashtags come from the catalog)
    assert len(queries) == 3, [query["sql"][:80] for query in queries]


def test_for_you_api_pages_with_a_cursor_and_never_repeats(api_client):
    for index in range(45):
        published_video(topics=(("stem", "comedy", "food", "music")[index % 4],))
    first = api_client.get(reverse("api-feed-for-you")).json()
    second = api_client.get(first["next"]).json()
    ids = [item["video"]["id"] for item in first["results"] + second["results"]]
    assert len(first["results"]) == selectors.FIRST_PAGES_SIZE  # a new viewer's pages are short
    assert len(ids) == len(set(ids))
    item = first["results"][0]
    assert set(item) == {
        "position", "source", "topic", "is_sponsored", "is_repeat", "reasons", "video", "creator", "sponsor",
        "promote_url", "comment_count", "like_count", "share_count",
    }  # fmt: skip
    assert item["promote_url"] is None  # someone else's video
    assert "follower_count" in item["creator"]
    assert item["is_sponsored"] is False
    assert item["is_repeat"] is False
    size = selectors.FIRST_PAGES_SIZE
    assert [entry["position"] for entry in second["results"]][:2] == [size, size + 1]


def test_anonymous_profile_carries_over_when_the_viewer_signs_up(client):
    videos = [published_video(topics=("stem",)) for _ in range(3)]
    client.get(reverse("home"))  # gives the visitor their key cookie, and writes nothing
    assert not Session.objects.exists()
    response = client.post(
        reverse("api-signals"),
        {
            "events": [
                {
                    "event_id": str(uuid.uuid4()),
                    "video": str(v.public_id),
                    "kind": "complete",
                    "source": "for_you",
                    "watched_seconds": 3.0,
                }
                for v in videos
            ]
        },
        content_type="application/json",
    )
    assert response.json() == {"accepted": 3, "duplicates": 0, "errors": []}
    anonymous_key = InterestProfile.objects.get().viewer_key  # the cookie's key, learnt from
    assert anonymous_key.startswith("a:")
    client.post(
        reverse("signup"),
        {
            "email": "newbie@example.com",
            "display_name": "Newbie",
            "date_of_birth": born_years_ago(30).isoformat(),
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
        },
    )
    user = UserFactory._meta.model.objects.get(email="newbie@example.com")
    profile = InterestProfile.objects.get(user=user)
    assert profile.viewer_key == f"u:{user.pk}"
    assert not InterestProfile.objects.filter(viewer_key=anonymous_key).exists()
    assert Signal.objects.filter(viewer_key=f"u:{user.pk}").count() == 3
    assert client.cookies[COOKIE_NAME].value == ""  # dropped: the next visitor here starts afresh
    assert set(profile.favourites) == {video.pk for video in videos}


def test_anonymous_viewers_see_no_mature_videos():
    mature = published_video(content_level="mature")
    general = published_video()
    ids = {
        item.video.pk
        for item in selectors.feed_for_you(viewer=viewer_for_user(AnonymousUser(), key="a:x")).items
    }
    assert general.pk in ids
    assert mature.pk not in ids


def test_rollup_counts_signals_and_links_co_watched_videos():
    first, second, third = (published_video(topics=("stem",)) for _ in range(3))
    for _index in range(3):
        viewer = UserFactory.create()
        services.signals_record(
            viewer=viewer_for_user(viewer, key=f"u:{viewer.pk}"),
            items=[
                event(first, "impression"),
                event(first, "complete", watched=3.0),
                event(second, "complete", watched=3.0),
                event(third, "skip", watched=0.5),
            ],
        )
    assert services.signals_rollup() == 12
    assert services.signals_rollup() == 0  # the watermark moved on
    stats = VideoStats.objects.get(video=first)
    assert (stats.impressions, stats.completions) == (3, 3)
    assert VideoStats.objects.get(video=third).skips == 3
    from feeds.models import CoWatch

    assert CoWatch.objects.get(video=first, other=second).weight == 3.0
    assert not CoWatch.objects.filter(video=first, other=third).exists()


def test_the_fast_item_json_matches_the_documented_serializer():
    from creators.models import Hashtag
    from feeds.api.serializers import FeedItemSerializer

    video = published_video(topics=("stem", "art"), caption="Hello #world")
    video.hashtags.add(Hashtag.objects.create(name="world"))
    catalog_reset()
    page = selectors.feed_for_you(viewer=viewer_for_user(AnonymousUser(), key="a:shape"))
    fast = feed_page_json(page)[0]
    full = (
        Video.objects.prefetch_related("hashtags", "video_topics__topic")
        .select_related("owner")
        .get(pk=video.pk)
    )
    page.items[0].video = full
    documented = FeedItemSerializer(page.items[0]).data
    assert fast == documented


class OneSlot:
    """A provider for the sponsored-slot interface, as ``businesses`` will register one."""

    def __init__(self, video):
        self.video, self.asked = video, []

    def slot_for(self, *, viewer, feed, exclude_video_ids, topic_interest, hidden_creators=None):
        from feeds.sponsored import SponsoredSlot

        self.asked.append(feed)
        return SponsoredSlot(
            video_id=self.video.pk,
            sponsor_name="Bea's Bakery",
            click_url="https://example.com",
            promotion_id=1,
        )

    def impressions_record(self, *, viewer, video_ids, now):
        pass


@pytest.fixture
def sponsored_provider():
    from feeds import sponsored

    previous = sponsored.provider()
    yield sponsored.register_provider
    sponsored.register_provider(previous)


def test_one_labelled_sponsored_slot_for_adults_and_none_for_minors(sponsored_provider):
    for index in range(25):
        published_video(topics=(("food", "art", "music")[index % 3],))
    promoted = published_video(topics=("food",))
    provider = OneSlot(promoted)
    sponsored_provider(provider)
    adult = UserFactory.create()
    page = selectors.feed_for_you(viewer=viewer_for_user(adult, key=f"u:{adult.pk}"))
    slots = [item for item in page.items if item.is_sponsored]
    assert len(slots) == 1
    assert slots[0].video.pk == promoted.pk
    assert slots[0].source == "sponsored"
    assert slots[0].reasons[0].startswith("Paid for by Bea's Bakery.")
    assert page.items.index(slots[0]) == 4  # the fifth item: positions 4-6 hold the slot
    assert feed_page_json(page)[page.items.index(slots[0])]["sponsor"] == {
        "name": "Bea's Bakery",
        "click_url": "https://example.com",
        "call_to_action": "Learn more",
    }
    minor = UserFactory.create(date_of_birth=born_years_ago(17))
    assert not any(
        item.is_sponsored
        for item in selectors.feed_for_you(viewer=viewer_for_user(minor, key=f"u:{minor.pk}")).items
    )
    assert not any(
        item.is_sponsored
        for item in selectors.feed_for_you(viewer=viewer_for_user(AnonymousUser(), key="a:s")).items
    )
    assert provider.asked == ["for_you"]  # never even asked for the minor or the anonymous viewer


def test_a_promoted_video_the_ranking_chose_too_is_shown_once_in_the_labelled_slot(sponsored_provider):
    videos = [published_video(topics=(("food", "art", "music")[index % 3],)) for index in range(10)]
    adult = UserFactory.create()
    viewer = viewer_for_user(adult, key=f"u:{adult.pk}")
    organic = [item.video.pk for item in selectors.feed_for_you(viewer=viewer).items]
    assert len(organic) >= 5  # the slot is fifth
    promoted = next(video for video in videos if video.pk in organic[:4])  # ranked before the slot
    sponsored_provider(OneSlot(promoted))
    items = selectors.feed_for_you(viewer=viewer).items
    assert [item.video.pk for item in items].count(promoted.pk) == 1
    assert items[4].video.pk == promoted.pk
    assert items[4].is_sponsored
    assert sorted(item.video.pk for item in items) == sorted(organic)  # nothing else lost or added


def test_rolled_up_signals_past_retention_are_pruned():
    import datetime

    from django.utils import timezone

    from feeds.analytics.rollup import analytics_rollup

    video = published_video()
    viewer = UserFactory.create()
    services.signals_record(
        viewer=viewer_for_user(viewer, key=f"u:{viewer.pk}"),
        items=[event(video, "impression"), event(video, "like")],
    )
    Signal.objects.update(created_at=timezone.now() - datetime.timedelta(days=40))
    assert services.signals_prune(older_than_days=30) == 0  # not rolled up yet: kept
    services.signals_rollup()
    services.signals_record(
        viewer=viewer_for_user(viewer, key=f"u:{viewer.pk}"), items=[event(video, "share")]
    )
    assert services.signals_prune(older_than_days=30) == 0  # creators' analytics have not read them yet
    analytics_rollup()
    assert services.signals_prune(older_than_days=30) == 2
    assert list(Signal.objects.values_list("kind", flat=True)) == ["share"]


def test_for_you_never_runs_dry_it_brings_back_the_best_matches_seen_longest_ago():
    creators = [CreatorFactory.create() for _ in range(5)]
    topics = ("stem", "sports", "news", "art", "food")
    videos = [
        published_video(owner=creators[index % 5], topics=(topics[index // 5 % 5],)) for index in range(20)
    ]
    hidden = videos[0]
    viewer = UserFactory.create()
    seen_order = [video.pk for video in videos[1:]]  # oldest first
    InterestProfile.objects.create(
        viewer_key=f"u:{viewer.pk}", user=viewer, seen=seen_order, hidden=[hidden.pk], weights={}
    )
    catalog_reset()
    page = selectors.feed_for_you(viewer=viewer_for_user(viewer), size=4)
    ids = [item.video.pk for item in page.items]
    assert len(ids) == 4
    assert hidden.pk not in ids
    assert set(ids) <= set(seen_order[:8])  # all alike but for when they were seen: the oldest first
    assert all(item.candidate == "again" for item in page.items)
    assert page.items[0].reasons[0].startswith("You've seen everything new we picked for you")
    assert page.next_cursor is not None
    # Paging on never ends and never shows the hidden video, far past the size of the catalogue.
    cursor, shown = page.next_cursor, list(ids)
    for _ in range(12):
        page = selectors.feed_for_you(viewer=viewer_for_user(viewer), cursor=cursor, size=4)
        assert page.items
        assert page.next_cursor is not None
        cursor = page.next_cursor
        shown += [item.video.pk for item in page.items]
    assert hidden.pk not in shown
    assert set(shown) == set(seen_order)


def test_unseen_videos_outside_the_pools_come_before_repeats():
    viewer = UserFactory.create()
    old = published_video()
    new = published_video()
    InterestProfile.objects.create(viewer_key=f"u:{viewer.pk}", user=viewer, seen=[old.pk], weights={})
    catalog_reset()
    page = selectors.feed_for_you(viewer=viewer_for_user(viewer))
    assert [item.video.pk for item in page.items][:1] == [new.pk]
    assert [item.video.pk for item in page.items] == [new.pk, old.pk]
    assert page.items[1].candidate == "again"


def test_demo_signals_give_the_world_rolled_up_stats_once(capsys):
    from django.core.management import call_command

    videos = [published_video(topics=(topic,)) for topic in ("stem", "food", "art", "sports", "music")]
    call_command("seed_demo_signals", viewers=12)
    stats = {row.video_id: row for row in VideoStats.objects.all()}
    assert set(stats) == {video.pk for video in videos}
    assert sum(row.impressions for row in stats.values()) == 12 * len(videos)  # each viewer saw each once
    assert sum(row.completions for row in stats.values()) > 0
    assert sum(row.skips for row in stats.values()) > 0
    keys = set(Signal.objects.values_list("viewer_key", flat=True))
    assert len(keys) == 12
    assert all(key.startswith("a:demo-") for key in keys)
    oldest = Signal.objects.order_by("created_at").first()
    assert oldest is not None
    assert (timezone.now() - oldest.created_at).days >= 1  # spread over past weeks
    count = Signal.objects.count()
    call_command("seed_demo_signals", viewers=12)
    assert Signal.objects.count() == count
    assert "Demo signals exist." in capsys.readouterr().out
