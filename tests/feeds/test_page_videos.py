"""The page's video query, compiled once and run with each page's ids: the same videos, owners and
accounts as the ORM's own query, blocks and mutes left out, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creators import services as creator_services
from feeds import selectors
from feeds.selectors import PAGE_FIELDS
from platform.statements import ids_param
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


def loaded_state(instance, depth=0):
    """Everything a loaded model instance holds: its attributes, its state, and the related objects it
    came with (recursively), as comparable values."""
    if instance is None:
        return None
    if depth == 3:  # a one-to-one's object points back at its owner
        return (type(instance), instance.pk)
    attributes = {name: value for name, value in vars(instance).items() if name != "_state"}
    related = {name: loaded_state(value, depth + 1) for name, value in instance._state.fields_cache.items()}
    return (
        type(instance),
        attributes,
        (instance._state.db, instance._state.adding),
        related,
        sorted(instance.get_deferred_fields()),
    )


def test_the_page_builds_its_objects_as_the_orm_loads_them(django_assert_num_queries):
    """``_loaded`` skips ``Model.__init__``; the videos, owners and accounts it builds hold exactly what
    ``Model.from_db`` gives, deferred fields load on access, and a model with an init receiver falls back."""
    from django.db.models import signals

    from creators.models import Video

    private_owner = CreatorFactory.create(handle="private_owner")
    private_owner.user.is_private = True
    private_owner.user.save(update_fields=["is_private"])
    videos = [
        published_video(owner=private_owner, topics=("comedy",)),
        published_video(topics=("stem",), caption="A #tag caption"),
        published_video(),
    ]
    ids = [video.pk for video in videos]
    viewer = viewer_for_user(None, key="a:loaded")
    selectors._page_statements.clear()
    page = selectors._page_statement(signed_in=False)
    assert page is not None
    assert page.fast
    fast = page.videos({"video_ids": ids_param(ids), "user_id": None})
    slow = selectors._PageStatement(**{**vars(page), "fast": False}).videos(
        {"video_ids": ids_param(ids), "user_id": None}
    )
    assert len(fast) == len(slow) == 3
    for built, loaded in zip(
        sorted(fast, key=lambda video: video.pk), sorted(slow, key=lambda video: video.pk), strict=True
    ):
        assert loaded_state(built) == loaded_state(loaded)
        assert built.owner.user.is_private == loaded.owner.user.is_private
    # A deferred field is read from the database on access, as for the ORM's objects.
    assert "moderation_reason" in fast[0].get_deferred_fields()
    Video.objects.filter(pk=fast[0].pk).update(moderation_reason="checked by a test")
    with django_assert_num_queries(1):
        assert fast[0].moderation_reason == "checked by a test"
    assert "moderation_reason" not in fast[0].get_deferred_fields()

    def receiver(**kwargs):
        pass

    signals.post_init.connect(receiver, sender=Video)
    try:
        selectors._page_statements.clear()
        fallback = selectors._page_statement(signed_in=False)
        assert fallback is not None
        assert not fallback.fast
    finally:
        signals.post_init.disconnect(receiver, sender=Video)
        selectors._page_statements.clear()
    assert set(selectors._page_videos(ids, viewer=viewer)) == set(ids[1:])  # the private creator's left out


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
