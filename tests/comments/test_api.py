"""The comments API: listing and posting, and each refusal of the issue with its status, its code and
nothing written."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from creators.comments import rules, services
from creators.comments.models import Comment
from creators.models import Follow, Video
from creators.selectors import video_get_visible
from creators.trust.watched_words import watched_match
from platform.blocking import block_create
from platform.errors import NotFound
from platform.models import Mute
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def comments_url(video: Video) -> str:
    return f"/api/v1/videos/{video.public_id}/comments"


def post(user, video, text, parent_id=None):
    body = {"text": text}
    if parent_id is not None:
        body["parent_id"] = parent_id
    return client_for(user).post(comments_url(video), body, format="json")


def nothing_written(video: Video, *, before: int = 0) -> None:
    assert Comment.objects.count() == before
    video.refresh_from_db()
    assert video.comment_count == Comment.objects.filter(video=video, state="visible").count()


@pytest.fixture
def video():
    return published_video(owner=CreatorFactory.create())


@pytest.fixture
def viewer():
    return UserFactory.create()


# --- posting and reading ------------------------------------------------------------------------------


def test_a_comment_posted_is_listed_with_its_author_and_counts(video, viewer):
    CreatorFactory.create(user=viewer, handle="the_viewer", display_name="The Viewer")
    answer = post(viewer, video, "  Lovely light  ")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["text"] == "Lovely light"
    assert body["author"] == {"name": "The Viewer", "handle": "the_viewer"}
    assert body["video"] == str(video.public_id)
    assert body["state"] == "visible"
    assert body["parent_id"] is None
    assert (body["can_edit"], body["can_delete"], body["is_video_creator"]) == (True, True, False)
    assert (body["is_edited"], body["is_liked"], body["like_count"], body["reply_count"]) == (
        False,
        False,
        0,
        0,
    )

    listed = client_for(None).get(comments_url(video)).json()
    assert [each["id"] for each in listed["results"]] == [body["id"]]
    assert listed["comment_count"] == 1
    assert listed["can_comment"] is False
    assert listed["refusal"]["code"] == "login_required"
    assert listed["next"] is None
    assert listed["previous"] is None
    assert listed["results"][0]["can_delete"] is False

    mine = client_for(viewer).get(comments_url(video)).json()
    assert (mine["can_comment"], mine["refusal"]) == (True, None)

    creator_view = client_for(video.owner.user).get(comments_url(video)).json()["results"][0]
    assert (creator_view["is_video_creator"], creator_view["can_delete"], creator_view["can_edit"]) == (
        True,
        True,
        False,
    )


def test_a_reply_counts_on_its_parent_and_lists_under_it(video, viewer):
    parent = post(viewer, video, "first").json()
    reply = post(video.owner.user, video, "thanks", parent_id=parent["id"])
    assert reply.status_code == 201
    assert reply.json()["parent_id"] == parent["id"]
    replies = client_for(None).get(f"/api/v1/comments/{parent['id']}/replies").json()
    assert [each["text"] for each in replies["results"]] == ["thanks"]
    assert set(replies) == {"next", "previous", "results"}
    listed = client_for(None).get(comments_url(video)).json()
    assert listed["results"][0]["reply_count"] == 1
    assert listed["comment_count"] == 2


def test_pages_follow_the_cursor_in_both_orders(video):
    authors = [UserFactory.create() for _ in range(5)]
    for number, author in enumerate(authors):
        services.comment_post(
            author=author,
            video=video,
            text=f"comment {number}",
            now=timezone.now() - datetime.timedelta(minutes=10 - number),
        )
    for order in ("newest", "top"):
        seen: list[str] = []
        url = comments_url(video) + f"?order={order}&page_size=2"
        while url:
            page = client_for(None).get(url).json()
            seen += [each["text"] for each in page["results"]]
            assert len(page["results"]) <= 2
            url = page["next"]
            if url:
                assert url.startswith("http://testserver/api/v1/")
                assert f"order={order}" in url
        assert sorted(seen) == [f"comment {n}" for n in range(5)]
        if order == "newest":
            assert seen == [f"comment {n}" for n in reversed(range(5))]


@pytest.mark.parametrize(
    "query",
    [
        "cursor=nonsense",
        "cursor=1.2.3",
        "cursor=-1.5",
        "cursor=99999999999999999999.1",
        "order=best",
        "page_size=0",
        "page_size=51",
    ],
)
def test_a_broken_cursor_or_query_is_a_400(video, query):
    answer = client_for(None).get(comments_url(video) + "?" + query)
    assert answer.status_code == 400
    assert "codes" in answer.json()


def test_the_pinned_comment_comes_first_on_the_first_page_only(video):
    first = services.comment_post(author=UserFactory.create(), video=video, text="older")
    services.comment_post(author=UserFactory.create(), video=video, text="newer")
    services.comment_post(author=UserFactory.create(), video=video, text="newest")
    services.comment_pin(creator=video.owner.user, comment=first)
    page = client_for(None).get(comments_url(video) + "?order=newest&page_size=1").json()
    assert [each["text"] for each in page["results"]] == ["older", "newest"]
    assert page["results"][0]["is_pinned"] is True
    second = client_for(None).get(page["next"]).json()
    assert [each["text"] for each in second["results"]] == ["newer"]


def test_html_is_stored_and_returned_as_text(video, viewer):
    text = '<script>alert("x")</script><b>bold</b> &amp;'
    answer = post(viewer, video, text)
    assert answer.status_code == 201
    assert answer.json()["text"] == text
    assert Comment.objects.get().text == text
    listed = client_for(None).get(comments_url(video))
    assert listed["Content-Type"] == "application/json"
    assert listed.json()["results"][0]["text"] == text


# --- refusals: status, code and nothing written -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "comment_empty"),
        ("   \n\t  ", "comment_empty"),
        ("x" * 501, "comment_too_long"),
        ("bell\x07", "comment_invalid"),
    ],
)
def test_bad_text_is_a_400_with_its_code_and_nothing_written(video, viewer, text, code):
    answer = post(viewer, video, text)
    assert answer.status_code == 400
    assert answer.json()["code"] == code
    nothing_written(video)


def test_five_hundred_characters_are_fine(video, viewer):
    assert post(viewer, video, "y" * 500).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": None},
        {"text": 5},
        {"text": "ok", "parent_id": "x"},
        # A number as text is still not the whole number the schema states.
        {"text": "ok", "parent_id": "1"},
        {"text": "ok", "parent_id": True},
    ],
)
def test_a_body_of_the_wrong_shape_is_a_400_with_field_codes(video, viewer, body):
    answer = client_for(viewer).post(comments_url(video), body, format="json")
    assert answer.status_code == 400
    assert "codes" in answer.json()
    nothing_written(video)


def test_invalid_utf8_in_the_body_is_a_400_and_nothing_is_written(video, viewer):
    raw = b'{"text": "caf\xc3\x28 \xff\xfe"}'
    answer = client_for(viewer).post(comments_url(video), raw, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "parse_error"
    nothing_written(video)


def test_a_lone_surrogate_escaped_in_json_is_a_400(video, viewer):
    raw = b'{"text": "half \\ud800 a character"}'
    answer = client_for(viewer).post(comments_url(video), raw, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["codes"] == {"text": ["surrogate_characters_not_allowed"]}
    nothing_written(video)


def test_a_reply_to_a_reply_is_refused(video, viewer):
    parent = post(viewer, video, "first").json()
    reply = post(viewer, video, "second", parent_id=parent["id"]).json()
    answer = post(viewer, video, "third", parent_id=reply["id"])
    assert answer.status_code == 400
    assert answer.json()["code"] == "comment_reply_depth"
    nothing_written(video, before=2)


def test_a_reply_to_a_comment_of_another_video_is_a_404(video, viewer):
    other = published_video(owner=CreatorFactory.create())
    parent = post(viewer, other, "elsewhere").json()
    answer = post(viewer, video, "here", parent_id=parent["id"])
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    nothing_written(video, before=1)


@pytest.mark.parametrize(
    "fields",
    [
        {"visibility": Video.Visibility.PRIVATE},
        {"moderation_state": Video.Moderation.REMOVED},
        {"state": Video.State.DRAFT, "published_at": None},
    ],
    ids=["private", "removed", "draft"],
)
def test_a_video_that_is_private_removed_or_a_draft_is_a_404(viewer, fields):
    video = VideoFactory.create(owner=CreatorFactory.create(), **fields)
    answer = post(viewer, video, "hello")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    assert client_for(viewer).get(comments_url(video)).status_code == 404
    nothing_written(video)


def test_comments_turned_off_are_a_400(video, viewer):
    services.comment_policy_set(profile=video.owner, policy="nobody")
    answer = post(viewer, video, "hello")
    assert answer.status_code == 400
    assert answer.json()["code"] == "comments_off"
    nothing_written(video)
    listed = client_for(viewer).get(comments_url(video)).json()
    assert listed["can_comment"] is False
    assert listed["refusal"]["code"] == "comments_off"


def test_anonymous_posting_is_a_401(video):
    answer = post(None, video, "hello")
    assert answer.status_code == 401
    nothing_written(video)


def test_a_suspended_account_is_refused_and_nothing_is_written(video, viewer):
    viewer.suspended_until = timezone.now() + datetime.timedelta(days=2)
    viewer.save(update_fields=["suspended_until"])
    answer = post(viewer, video, "hello")
    assert answer.status_code in (400, 403)
    assert answer.json()["code"] in ("account_suspended", "posting_suspended", "permission_denied")
    nothing_written(video)


def test_the_eleventh_comment_in_a_minute_is_a_429_with_retry_after(video, viewer):
    for number in range(rules.PER_MINUTE):
        assert post(viewer, video, f"number {number}").status_code == 201
    answer = post(viewer, video, "one too many")
    assert answer.status_code == 429
    assert answer.json()["code"] == "rate_limited"
    assert int(answer["Retry-After"]) == 60
    nothing_written(video, before=rules.PER_MINUTE)


def test_the_two_hundred_and_first_comment_in_a_day_is_a_429(video, viewer):
    earlier = timezone.now() - datetime.timedelta(hours=2)
    Comment.objects.bulk_create(
        [
            Comment(video=video, author=viewer, text=f"old {n}", created_at=earlier)
            for n in range(rules.PER_DAY)
        ]
    )
    answer = post(viewer, video, "the next one")
    assert answer.status_code == 429
    assert answer.json()["code"] == "rate_limited"
    assert int(answer["Retry-After"]) == 3600
    assert Comment.objects.count() == rules.PER_DAY


def test_the_same_text_on_a_fourth_video_within_the_hour_is_refused(viewer):
    videos = [published_video(owner=CreatorFactory.create()) for _ in range(4)]
    for each in videos[:3]:
        assert post(viewer, each, "Check my profile!").status_code == 201
    answer = post(viewer, videos[3], "Check my profile!")
    assert answer.status_code == 400
    assert answer.json()["code"] == "comment_repeated"
    nothing_written(videos[3], before=3)


def test_links_only_from_verified_publishers(video, viewer):
    answer = post(viewer, video, "see www.example.com for more")
    assert answer.status_code == 400
    assert answer.json()["code"] == "comment_links"
    nothing_written(video)
    publisher = UserFactory.create(is_verified_publisher=True)
    assert post(publisher, video, "see www.example.com for more").status_code == 201


def test_a_stranger_cannot_comment_on_a_fourteen_year_olds_video(viewer):
    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(14)))
    video = published_video(owner=teen)
    # A stranger does not even see a 13–15-year-old's video.
    answer = post(viewer, video, "hi")
    assert answer.status_code == 404
    nothing_written(video)
    # An approved follower sees it, but the teen has not followed them back.
    Follow.objects.create(follower=viewer, creator=teen, status=Follow.Status.APPROVED)
    answer = post(viewer, video, "hi")
    assert answer.status_code == 400
    assert answer.json()["code"] == "comments_friends_only"
    nothing_written(video)
    assert client_for(viewer).get(comments_url(video)).json()["refusal"]["code"] == "comments_friends_only"
    friend_profile = CreatorFactory.create(user=viewer)
    Follow.objects.create(follower=teen.user, creator=friend_profile, status=Follow.Status.APPROVED)
    assert post(viewer, video, "hi").status_code == 201


def test_a_fourteen_year_old_cannot_comment_on_an_unfollowed_adults_video(video):
    teen = UserFactory.create(date_of_birth=born_years_ago(14))
    answer = post(teen, video, "hi")
    assert answer.status_code == 400
    assert answer.json()["code"] == "comments_follow_first"
    nothing_written(video)
    Follow.objects.create(follower=teen, creator=video.owner)
    assert post(teen, video, "hi").status_code == 201


# --- blocks and mutes ---------------------------------------------------------------------------------


def test_blocks_hide_everything_both_ways(video, viewer):
    comment = services.comment_post(author=viewer, video=video, text="hello")
    stranger = UserFactory.create()
    block_create(blocker=viewer, blocked=stranger)
    # Blocked by the author: the comment is not there for them, nor its replies, nor liking it.
    listed = client_for(stranger).get(comments_url(video)).json()
    assert listed["results"] == []
    for method, path in [
        ("get", f"/api/v1/comments/{comment.pk}/replies"),
        ("put", f"/api/v1/comments/{comment.pk}/like"),
        ("patch", f"/api/v1/comments/{comment.pk}"),
        ("delete", f"/api/v1/comments/{comment.pk}"),
    ]:
        answer = getattr(client_for(stranger), method)(path, {"text": "x"}, format="json")
        assert answer.status_code == 404, (method, path)
        assert answer.json()["code"] == "not_found"
    reply = post(stranger, video, "reply", parent_id=comment.pk)
    assert reply.status_code == 404
    nothing_written(video, before=1)
    # The other way: what the blocked person writes, the blocker never sees.
    services.comment_post(author=stranger, video=video, text="from the blocked")
    assert [c["text"] for c in client_for(viewer).get(comments_url(video)).json()["results"]] == ["hello"]


def test_a_block_with_the_creator_is_a_404_on_the_video_and_its_comments(video, viewer):
    services.comment_post(author=viewer, video=video, text="hello")
    block_create(blocker=video.owner.user, blocked=viewer)
    assert client_for(viewer).get(comments_url(video)).status_code == 404
    answer = post(viewer, video, "again")
    assert answer.status_code == 404
    nothing_written(video, before=1)


def test_mutes_hide_one_way(video, viewer):
    muted = UserFactory.create()
    services.comment_post(author=muted, video=video, text="from the muted")
    services.comment_post(author=viewer, video=video, text="from the muter")
    Mute.objects.create(muter=viewer, muted=muted)
    assert [c["text"] for c in client_for(viewer).get(comments_url(video)).json()["results"]] == [
        "from the muter"
    ]
    assert sorted(c["text"] for c in client_for(muted).get(comments_url(video)).json()["results"]) == [
        "from the muted",
        "from the muter",
    ]


# --- query counts -------------------------------------------------------------------------------------


def _queries_for_a_page(video, viewer, count: int) -> int:
    for number in range(count):
        author = UserFactory.create()
        CreatorFactory.create(user=author)
        comment = services.comment_post(author=author, video=video, text=f"c {number}")
        services.comment_like(user=viewer, comment=comment)
    services.comment_pin(creator=video.owner.user, comment=comment)
    client = client_for(viewer)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(comments_url(video) + "?page_size=50")
    assert answer.status_code == 200
    assert len(answer.json()["results"]) == count
    assert all(each["is_liked"] for each in answer.json()["results"])
    return len(queries)


def test_the_list_takes_the_same_queries_for_five_and_twenty_five_comments(viewer):
    five = _queries_for_a_page(published_video(owner=CreatorFactory.create()), viewer, 5)
    twenty_five = _queries_for_a_page(published_video(owner=CreatorFactory.create()), viewer, 25)
    # The video (with its owner), the accounts hidden from the viewer (read once for the page's queries),
    # the pinned comment (with the viewer's own waiting ones and the page's "deleted comment" placeholders,
    # found by id in the same query) and the page, each comment with its author, profile and the viewer's
    # like joined in.
    assert five == twenty_five == 4


def test_the_json_body_is_plain_json(video, viewer):
    post(viewer, video, "hello")
    raw = client_for(None).get(comments_url(video)).content
    assert json.loads(raw)["results"][0]["text"] == "hello"


def test_one_comment_reads_as_its_viewer_may_see_it(video, viewer):
    """GET /comments/<id> (a notification's link opens the sheet at it): the comment as the list shows it,
    a 404 for what the requester may not see (a blocked account's, another's pending one, a deleted one)."""
    author = UserFactory.create()
    comment = services.comment_post(author=author, video=video, text="Lovely light")
    reply = services.comment_post(author=viewer, video=video, text="Agreed", parent_id=comment.pk)
    services.comment_like(user=viewer, comment=comment)
    url = f"/api/v1/comments/{comment.pk}"

    seen = client_for(viewer).get(url)
    assert seen.status_code == 200
    assert (seen.json()["text"], seen.json()["is_liked"], seen.json()["video"]) == (
        "Lovely light",
        True,
        str(video.public_id),
    )
    assert client_for().get(f"/api/v1/comments/{reply.pk}").json()["parent_id"] == comment.pk

    pending = services.comment_post(author=viewer, video=video, text="Buy followers cheap")
    Comment.objects.filter(pk=pending.pk).update(state=Comment.State.PENDING)
    assert client_for(viewer).get(f"/api/v1/comments/{pending.pk}").json()["state"] == "pending"
    assert client_for(author).get(f"/api/v1/comments/{pending.pk}").status_code == 404

    block_create(blocker=author, blocked=viewer)
    assert client_for(viewer).get(url).status_code == 404
    services.comment_delete(actor=author, comment=comment)
    assert client_for().get(url).status_code == 404
    assert client_for().get("/api/v1/comments/999999999").status_code == 404


def test_the_count_leaves_out_the_accounts_the_viewer_hid(client, video, viewer):
    """Someone who blocked a commenter sees as many comments counted as listed, on the API and the page."""
    rude, kind = UserFactory.create(), UserFactory.create()
    services.comment_post(author=rude, video=video, text="meh")
    services.comment_post(author=rude, video=video, text="still meh")
    services.comment_post(author=kind, video=video, text="lovely")
    assert client_for(viewer).get(comments_url(video)).json()["comment_count"] == 3
    block_create(blocker=viewer, blocked=rude)
    listed = client_for(viewer).get(comments_url(video)).json()
    assert (listed["comment_count"], len(listed["results"])) == (1, 1)
    assert client_for().get(comments_url(video)).json()["comment_count"] == 3
    client.force_login(viewer)
    page = client.get(f"/v/{video.public_id}/comments").content.decode()
    assert '<span class="muted comments-count">1</span>' in page


def _selects(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")]


def test_a_post_reads_the_video_the_author_lock_and_the_limits_and_nothing_else(video):
    """The author's lock also answers whether a block stands between author and creator, whether the
    creator holds words back, and the author's profile that the answer names."""
    author = UserFactory.create()
    profile = CreatorFactory.create(user=author, display_name="Ada Poster")
    watched_match(text="warm")  # the site's watched words, read once and cached
    with CaptureQueriesContext(connection) as queries:
        answer = post(author, video, "hello there")
    assert answer.status_code == 201
    assert answer.json()["author"] == {"name": "Ada Poster", "handle": profile.handle}
    selects = _selects(queries)
    assert len(selects) == 3, selects  # the video, the author's lock, the spam limits
    lock = next(sql for sql in selects if sql.startswith('SELECT "platform_user"."id"'))
    assert '"platform_block"' in lock
    assert '"creators_commentfilterword"' in lock
    assert '"creators_creatorprofile"' in lock
    if connection.features.has_select_for_update_of:
        assert 'FOR UPDATE OF "platform_user"' in lock
    assert Comment.objects.get().state == "visible"


def test_a_post_reads_the_creators_words_only_when_they_hold_some_back(video):
    services.filter_word_add(profile=video.owner, phrase="spoiler")
    author = UserFactory.create()
    watched_match(text="warm")
    with CaptureQueriesContext(connection) as queries:
        answer = post(author, video, "big SPOILER ahead")
    assert answer.status_code == 201
    assert answer.json()["author"] == {"name": author.display_name, "handle": None}
    assert len(_selects(queries)) == 4  # and the creator's words
    assert Comment.objects.get().state == "held"
    video.refresh_from_db()
    assert video.comment_count == 0


def test_a_blocked_author_gets_a_404_from_the_lock_read_and_nothing_is_written(video):
    author = UserFactory.create()
    found = video_get_visible(public_id=video.public_id, viewer=viewer_for_user(author))
    assert found is not None
    # The creator blocks them after the video was looked up, before the post's lock.
    block_create(blocker=video.owner.user, blocked=author)
    with pytest.raises(NotFound):
        services.comment_post(author=author, video=found, text="still here")
    nothing_written(video)
