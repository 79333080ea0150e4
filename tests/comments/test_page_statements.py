"""A comment page runs its two queries as SQL compiled once per kind of page (``platform.statements``):
for every kind of viewer, order and cursor it must read exactly what the ORM's own queries read."""

from typing import Any

import pytest

from creators.comments import selectors, services
from creators.comments.models import Comment
from creators.comments.selectors import _page_statements
from platform import statements
from platform.blocking import block_create, mute_create
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db


def _shown(page):
    """What a page shows of each comment: who, what, in which state, liked or not."""
    return [
        (
            c.pk,
            c.state,
            c.text,
            c.is_pinned,
            c.like_count,
            c.created_at,
            selectors.author_name(c),
            getattr(c, "is_liked", None),
        )
        for c in page.comments
    ], page.next_cursor


def _walk(video, viewer, order):
    pages, cursor = [], None
    for _ in range(20):
        page = selectors.comment_page(video=video, viewer=viewer, order=order, cursor=cursor, size=3)
        pages.append(_shown(page))
        cursor = page.next_cursor
        if cursor is None:
            return pages
    raise AssertionError("the pages did not end")


def test_compiled_pages_read_what_the_orm_reads(monkeypatch):
    owner = CreatorFactory.create()
    video = published_video(owner=owner)
    viewer_user, blocked, muted = UserFactory.create(), UserFactory.create(), UserFactory.create()
    named = CreatorFactory.create(display_name="Named Person").user
    restricted = UserFactory.create(is_restricted_mode=True)
    comments = []
    for number in range(9):
        author = (blocked, muted, named, viewer_user, UserFactory.create())[number % 5]
        comments.append(services.comment_post(author=author, video=video, text=f"comment {number}"))
    services.comment_like(user=viewer_user, comment=comments[2])
    services.comment_like(user=named, comment=comments[2])
    services.comment_like(user=named, comment=comments[4])
    services.comment_pin(creator=owner.user, comment=comments[7])
    answerer = UserFactory.create()
    answered = services.comment_post(author=answerer, video=video, text="answered")
    services.comment_post(author=named, video=video, text="a reply", parent_id=answered.pk)
    services.comment_delete(actor=answerer, comment=answered)  # a placeholder
    mine = services.comment_post(author=viewer_user, video=video, text="mine, waiting")
    Comment.objects.filter(pk=mine.pk).update(state=Comment.State.PENDING)
    watched = services.comment_post(author=named, video=video, text="a watched word matched")
    Comment.objects.filter(pk=watched.pk).update(is_watched_match=True)
    block_create(blocker=viewer_user, blocked=blocked)
    mute_create(muter=viewer_user, muted=muted)
    viewers = [viewer_for_user(user) for user in (viewer_user, named, restricted)] + [viewer_for_user(None)]

    compiled: dict[tuple[str, str], list[Any]] = {}
    for round_ in range(2):  # compiled on the first walk, reused on the second
        for viewer in viewers:
            for order in ("top", "newest"):
                walked = _walk(video, viewer, order)
                compiled.setdefault((viewer.key, order), walked)
                assert walked == compiled[(viewer.key, order)], (round_, viewer.key, order)
    assert any(statement is not None for statement in _page_statements._statements.values())

    _page_statements.clear()
    monkeypatch.setattr(statements, "compile_statement", lambda queryset, stand_ins: None)
    for viewer in viewers:
        for order in ("top", "newest"):
            assert _walk(video, viewer, order) == compiled[(viewer.key, order)], (viewer.key, order)
    _page_statements.clear()

    # What the walks saw, to be sure they saw something of each kind.
    mine_top = [row for page in compiled[(viewers[0].key, "top")] for row in page[0]]
    texts = [row[2] for row in mine_top]
    assert texts[0] == "comment 7"  # pinned first
    assert "mine, waiting" in texts  # the viewer's own waiting one
    assert "" in texts  # the placeholder of a deleted comment with a reply
    assert not {"comment 0", "comment 5", "comment 1", "comment 6"} & set(texts)  # blocked, muted authors
    assert [row[7] for row in mine_top if row[2] == "comment 2"] == [True]
    restricted_texts = {row[2] for page in compiled[(viewers[2].key, "top")] for row in page[0]}
    assert "a watched word matched" not in restricted_texts
    assert "comment 0" in restricted_texts
    # An author with a profile goes by their handle (read with the page), one without by their name.
    names = {row[6] for row in mine_top}
    assert f"@{named.creator_profile.handle}" in names
    assert viewer_user.display_name in names
