"""The conversation's core services and selectors: posting, replying, counting, and who may see what."""

import pytest
from django.core.exceptions import ValidationError

from creators.comments import selectors, services
from creators.comments.models import Comment
from creators.models import Follow, Video
from platform.blocking import block_create
from platform.errors import NotFound, RateLimited
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


def test_a_comment_and_a_reply_count_on_the_video_and_the_parent():
    video = published_video(owner=CreatorFactory.create())
    viewer = UserFactory.create()
    comment = services.comment_post(author=viewer, video=video, text="  Lovely light  ")
    reply = services.comment_post(author=video.owner.user, video=video, text="Thanks!", parent_id=comment.pk)

    video.refresh_from_db()
    comment.refresh_from_db()
    assert comment.text == "Lovely light"
    assert video.comment_count == 2
    assert (comment.reply_count, comment.creator_reply_count, comment.score) == (1, 1, 12)
    page = selectors.comment_page(video=video, viewer=viewer_for_user(UserFactory.create()))
    assert [c.pk for c in page.comments] == [comment.pk]
    replies = selectors.reply_page(parent=comment, viewer=viewer_for_user(None))
    assert [c.pk for c in replies.comments] == [reply.pk]


def test_a_reply_to_a_reply_is_refused_and_nothing_is_written():
    video = published_video(owner=CreatorFactory.create())
    author = UserFactory.create()
    comment = services.comment_post(author=author, video=video, text="first")
    reply = services.comment_post(author=author, video=video, text="second", parent_id=comment.pk)
    with pytest.raises(ValidationError) as refused:
        services.comment_post(author=author, video=video, text="third", parent_id=reply.pk)
    assert refused.value.code == "comment_reply_depth"
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 501, "bad\x00byte", "\ud800"])
def test_bad_text_is_refused_and_nothing_is_written(text):
    video = published_video(owner=CreatorFactory.create())
    with pytest.raises(ValidationError):
        services.comment_post(author=UserFactory.create(), video=video, text=text)
    assert not Comment.objects.exists()
    video.refresh_from_db()
    assert video.comment_count == 0


def test_a_stranger_cannot_comment_on_a_fourteen_year_olds_video_but_a_follow_back_can():
    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(14)))
    video = published_video(owner=teen)
    stranger = UserFactory.create()
    with pytest.raises(ValidationError) as refused:
        services.comment_post(author=stranger, video=video, text="hi")
    assert refused.value.code == "comments_friends_only"
    friend = CreatorFactory.create()
    Follow.objects.create(follower=friend.user, creator=teen)
    Follow.objects.create(follower=teen.user, creator=friend)
    services.comment_post(author=friend.user, video=video, text="hi")
    assert list(Comment.objects.values_list("author_id", flat=True)) == [friend.user_id]


def test_a_teen_setting_everyone_is_refused():
    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(14)))
    with pytest.raises(ValidationError):
        services.comment_policy_set(profile=teen, policy="everyone")
    teen.refresh_from_db()
    assert teen.comment_policy == ""


def test_blocks_hide_comments_both_ways_and_refuse_posting():
    video = published_video(owner=CreatorFactory.create())
    author, blocker = UserFactory.create(), UserFactory.create()
    services.comment_post(author=author, video=video, text="hello")
    block_create(blocker=blocker, blocked=author)
    assert selectors.comment_page(video=video, viewer=viewer_for_user(blocker)).comments == []
    block_create(blocker=video.owner.user, blocked=blocker)
    with pytest.raises(NotFound):
        services.comment_post(author=blocker, video=video, text="let me in")


def test_the_eleventh_comment_in_a_minute_is_rate_limited():
    author = UserFactory.create()
    videos = [published_video(owner=CreatorFactory.create()) for _ in range(4)]
    for number in range(10):
        services.comment_post(author=author, video=videos[number % 4], text=f"comment {number}")
    with pytest.raises(RateLimited):
        services.comment_post(author=author, video=videos[0], text="one more")
    assert Comment.objects.count() == 10


def test_the_same_text_on_a_fourth_video_within_the_hour_is_refused():
    author = UserFactory.create()
    videos = [published_video(owner=CreatorFactory.create()) for _ in range(4)]
    for video in videos[:3]:
        services.comment_post(author=author, video=video, text="follow me")
    with pytest.raises(ValidationError) as refused:
        services.comment_post(author=author, video=videos[3], text="follow me")
    assert refused.value.code == "comment_repeated"
    assert Comment.objects.filter(video=videos[3]).count() == 0


def test_links_are_refused_for_ordinary_accounts():
    video = published_video(owner=CreatorFactory.create())
    with pytest.raises(ValidationError) as refused:
        services.comment_post(author=UserFactory.create(), video=video, text="see www.example.com now")
    assert refused.value.code == "comment_links"
    publisher = UserFactory.create(is_verified_publisher=True)
    services.comment_post(author=publisher, video=video, text="source: https://example.org/report")
    assert Comment.objects.count() == 1


def test_comments_are_off_on_a_video_whose_creator_chose_no_one():
    video = published_video(owner=CreatorFactory.create())
    services.comment_policy_set(profile=video.owner, policy="nobody", video=video)
    with pytest.raises(ValidationError) as refused:
        services.comment_post(author=UserFactory.create(), video=video, text="hi")
    assert refused.value.code == "comments_off"
    assert not Comment.objects.exists()


def test_top_order_and_newest_order_page_with_cursors():
    video = published_video(owner=CreatorFactory.create())
    people = UserFactory.create_batch(3)
    comments = [services.comment_post(author=people[0], video=video, text=f"c{n}") for n in range(5)]
    services.comment_like(user=people[1], comment=comments[1])
    services.comment_like(user=people[2], comment=comments[1])
    services.comment_like(user=people[1], comment=comments[3])
    viewer = viewer_for_user(people[2])
    first = selectors.comment_page(video=video, viewer=viewer, order="top", size=2)
    assert [c.pk for c in first.comments] == [comments[1].pk, comments[3].pk]
    assert first.comments[0].is_liked  # type: ignore[attr-defined]  # annotated by the selector
    second = selectors.comment_page(video=video, viewer=viewer, order="top", size=2, cursor=first.next_cursor)
    assert [c.pk for c in second.comments] == [comments[4].pk, comments[2].pk]
    newest = selectors.comment_page(video=video, viewer=viewer, order="newest", size=3)
    assert [c.pk for c in newest.comments] == [comments[4].pk, comments[3].pk, comments[2].pk]


def test_a_draft_video_takes_no_comments():
    video = published_video(owner=CreatorFactory.create())
    Video.objects.filter(pk=video.pk).update(state=Video.State.DRAFT)
    video.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.comment_post(author=UserFactory.create(), video=video, text="hi")
    assert refused.value.code == "comments_unavailable"


def test_a_deleted_comment_with_replies_stays_as_a_placeholder_above_them():
    video = published_video(owner=CreatorFactory.create())
    author, replier = UserFactory.create(), UserFactory.create()
    answered = services.comment_post(author=author, video=video, text="question")
    lonely = services.comment_post(author=author, video=video, text="nobody answered")
    reply = services.comment_post(author=replier, video=video, text="answer", parent_id=answered.pk)
    services.comment_delete(actor=author, comment=answered)
    services.comment_delete(actor=author, comment=lonely)

    viewer = viewer_for_user(UserFactory.create())
    for order in ("top", "newest"):
        page = selectors.comment_page(video=video, viewer=viewer, order=order)
        assert [(c.pk, c.state, c.text) for c in page.comments] == [(answered.pk, "deleted", "")]
    parent = selectors.comment_get_visible(comment_id=answered.pk, viewer=viewer, placeholders=True)
    assert parent is not None
    assert [c.pk for c in selectors.reply_page(parent=parent, viewer=viewer).comments] == [reply.pk]
    # Nothing acts on the placeholder itself.
    assert selectors.comment_get_visible(comment_id=answered.pk, viewer=viewer) is None
    with pytest.raises(NotFound):
        services.comment_post(author=replier, video=video, text="more", parent_id=answered.pk)
    video.refresh_from_db()
    assert video.comment_count == 1  # the reply


def test_pages_walk_every_comment_and_placeholder_once_in_order():
    """Placeholders are read a page's stretch at a time: walking the pages meets each once, in order,
    and one by a blocked account neither shows nor pushes another off its page."""
    video = published_video(owner=CreatorFactory.create())
    viewer = UserFactory.create()
    blocked = UserFactory.create()
    block_create(blocker=viewer, blocked=blocked)
    shown: list[int] = []
    for number in range(14):
        author = blocked if number == 5 else UserFactory.create()
        comment = services.comment_post(author=author, video=video, text=f"comment {number}")
        if number % 3 != 1:  # most are answered, then deleted: placeholders among the visible ones
            services.comment_post(
                author=UserFactory.create(), video=video, text="reply", parent_id=comment.pk
            )
            services.comment_delete(actor=author, comment=comment)
        if author != blocked:
            shown.append(comment.pk)
    for order in ("top", "newest"):
        expected = list(
            Comment.objects.filter(pk__in=shown)
            .order_by(*(("-score", "-id") if order == "top" else ("-created_at", "-id")))
            .values_list("pk", flat=True)
        )
        walked: list[int] = []
        cursor = None
        for _ in range(10):
            page = selectors.comment_page(
                video=video, viewer=viewer_for_user(viewer), order=order, cursor=cursor, size=3
            )
            assert len(page.comments) == 3 or page.next_cursor is None
            walked += [comment.pk for comment in page.comments]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert walked == expected, order
        assert len(expected) == 13


def test_the_api_lists_a_deleted_comments_replies_under_deleted_comment(client):
    video = published_video(owner=CreatorFactory.create())
    author, replier = UserFactory.create(), UserFactory.create()
    answered = services.comment_post(author=author, video=video, text="question")
    services.comment_post(author=replier, video=video, text="answer", parent_id=answered.pk)
    services.comment_delete(actor=author, comment=answered)

    listed = client.get(f"/api/v1/videos/{video.public_id}/comments").json()["results"]
    assert [(c["state"], c["text"], c["author"]["name"]) for c in listed] == [
        ("deleted", "", "deleted account")
    ]
    replies = client.get(f"/api/v1/comments/{answered.pk}/replies").json()["results"]
    assert [c["text"] for c in replies] == ["answer"]
    page = client.get(f"/v/{video.public_id}/comments/{answered.pk}").content.decode()
    assert "deleted comment" in page
    assert "question" not in page
    assert "answer" in page


def test_the_spam_limits_read_through_their_compiled_statement():
    """The limits' query is compiled once (``platform.statements``), not quietly left to the ORM: the
    limit tests above then test that statement."""
    from creators.comments.services import _STAND_INS, _rate_statements, _recent_counts

    author = UserFactory.create()
    video = published_video(owner=CreatorFactory.create())
    services.comment_post(author=author, video=video, text="first")
    statement = _rate_statements.statement("rate", _STAND_INS, lambda: _recent_counts(**_STAND_INS))
    assert statement is not None
    assert {param.name for param in statement.params if hasattr(param, "name")} == set(_STAND_INS)
