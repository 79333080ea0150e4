"""The page's video query, compiled once and run with each page's ids: the same videos, owners and
accounts as the ORM's own query, blocks and mutes left out, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creators import services as creator_services
from feeds import selectors
from feeds.selectors import PAGE_FIELDS
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db


def page_fields(video) -> dict[str, object]:
    """Every field the page loads, read through the video as the serializer does."""
    values: dict[str, object] = {}
    for name in PAGE_FIELDS:
        target = video
        for part in name.split("__"):
            target = getattr(target, part)
        values[name] = target
    return values


def test_the_compiled_page_query_loads_what_the_orm_does_and_leaves_out_blocks_and_mutes():
    viewer_user = UserFactory.create()
    creators = {role: CreatorFactory.create(handle=role) for role in ("shown", "blocked", "muted", "blocker")}
    videos = {role: published_video(owner=profile, topics=("comedy",)) for role, profile in creators.items()}
    creator_services.account_block(blocker=viewer_user, blocked=creators["blocked"].user)
    creator_services.account_mute(muter=viewer_user, muted=creators["muted"].user)
    creator_services.account_block(blocker=creators["blocker"].user, blocked=viewer_user)
    ids = [video.pk for video in videos.values()] + [10**9]  # one id no video has
    viewer = viewer_for_user(viewer_user, key=f"u:{viewer_user.pk}")
    selectors._page_statements.clear()

    with CaptureQueriesContext(connection) as captured:
        compiled = selectors._page_videos(ids, viewer=viewer)
    assert len(captured) == 1
    assert set(compiled) == {videos["shown"].pk}
    by_orm = {video.pk: video for video in selectors._page_query(ids=ids, user_id=viewer_user.pk)}
    assert set(by_orm) == {videos["shown"].pk}
    assert page_fields(compiled[videos["shown"].pk]) == page_fields(by_orm[videos["shown"].pk])
    assert selectors._page_statements[(connection.vendor, True)] is not None

    # Reading what the page loaded costs no further query (the owner and account came with it).
    with CaptureQueriesContext(connection) as captured:
        page_fields(compiled[videos["shown"].pk])
    assert len(captured) == 0

    everyone = selectors._page_videos(ids, viewer=viewer_for_user(None, key="a:page-test"))
    assert set(everyone) == {video.pk for video in videos.values()}
    assert selectors._page_videos([], viewer=viewer) == {}


def test_the_page_reads_the_profile_and_co_watch_neighbours_in_one_query_each():
    from feeds.models import CoWatch, InterestProfile
    from feeds.ranking import Weights

    creator = CreatorFactory.create(handle="maker")
    videos = [published_video(owner=creator, topics=("comedy",)) for _ in range(4)]
    weights = Weights(topics={3: 1.5}, topic_views={3: 2.0})
    InterestProfile.objects.create(
        viewer_key="u:page-reads",
        weights=weights.to_json(),
        seen=[videos[0].pk, videos[1].pk],
        hidden=[videos[2].pk],
        favourites=list(range(1, 15)),
        not_for_me={"7": 1700000000.5},
        followed_hashtags=[5, 6],
        hidden_creators=[9],
    )
    CoWatch.objects.create(video=videos[0], other=videos[3], weight=2.0)
    CoWatch.objects.create(video=videos[1], other=videos[2], weight=5.0)
    CoWatch.objects.create(video=videos[3], other=videos[0], weight=9.0)  # not a favourite's neighbour
    selectors._page_reads.clear()

    with CaptureQueriesContext(connection) as captured:
        history = selectors._history("u:page-reads")
        neighbours = selectors._cowatch([videos[0].pk, videos[1].pk])
    assert len(captured) == 2
    assert history.weights.to_json() == weights.to_json()
    assert history.seen == [videos[0].pk, videos[1].pk]
    assert history.hidden == [videos[2].pk]
    assert history.favourites == list(range(5, 15))
    assert history.not_for_me == {7: 1700000000.5}
    assert history.followed_hashtags == (5, 6)
    assert history.hidden_creators == frozenset({9})
    assert neighbours == [(videos[2].pk, 5.0), (videos[3].pk, 2.0)]
    # A viewer without a profile, and a page without favourites (no query).
    assert selectors._history("a:nobody").seen == []
    assert selectors._cowatch([]) == []
