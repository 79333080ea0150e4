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
