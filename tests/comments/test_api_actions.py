"""The comments API beyond posting: editing within 5 minutes, deleting, liking, the creator's pin, hide
and approve (anyone else: 404), the studio's settings, filtered words and inbox; suspended accounts; links
from verified businesses. Every refusal: its status, its code, and nothing changed."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from creators.comments import rules, services
from creators.comments.models import Comment, CommentFilterWord, CommentLike
from creators.models import Video
from platform.blocking import block_create
from tests.businesses.factories import BusinessFactory
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def video():
    return published_video(owner=CreatorFactory.create(handle="maker"))


@pytest.fixture
def author():
    return UserFactory.create()


@pytest.fixture
def comment(video, author):
    return services.comment_post(author=author, video=video, text="original words")


def url(comment, action: str = "") -> str:
    return f"/api/v1/comments/{comment.pk}" + (f"/{action}" if action else "")


def state_of(comment) -> tuple[object, ...]:
    comment.refresh_from_db()
    return (comment.text, comment.state, comment.is_pinned, comment.like_count, comment.edited_at)


# --- editing ------------------------------------------------------------------------------------------


def test_the_author_edits_within_five_minutes_and_it_shows_edited(comment, author):
    answer = client_for(author).patch(url(comment), {"text": "better words"}, format="json")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["text"], body["is_edited"], body["can_edit"]) == ("better words", True, True)
    listed = client_for(None).get(f"/api/v1/videos/{comment.video.public_id}/comments").json()
    assert listed["results"][0]["is_edited"] is True


def test_an_edit_after_five_minutes_is_refused_and_nothing_changes(video, author):
    old = services.comment_post(
        author=author,
        video=video,
        text="from before",
        now=timezone.now() - rules.EDIT_WINDOW - datetime.timedelta(seconds=1),
    )
    before = state_of(old)
    answer = client_for(author).patch(url(old), {"text": "rewritten"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "comment_edit_closed"
    assert state_of(old) == before
    listed = client_for(author).get(f"/api/v1/videos/{video.public_id}/comments").json()
    assert listed["results"][0]["can_edit"] is False


@pytest.mark.parametrize(("text", "code"), [("   ", "comment_empty"), ("z" * 501, "comment_too_long")])
def test_an_edit_to_bad_text_is_refused(comment, author, text, code):
    before = state_of(comment)
    answer = client_for(author).patch(url(comment), {"text": text}, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == code
    assert state_of(comment) == before


def test_an_edit_adding_a_link_is_refused(comment, author):
    before = state_of(comment)
    answer = client_for(author).patch(url(comment), {"text": "buy at shop.example.com"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "comment_links"
    assert state_of(comment) == before


def test_someone_elses_comment_cannot_be_edited(comment, video):
    before = state_of(comment)
    for person in (UserFactory.create(), video.owner.user):
        answer = client_for(person).patch(url(comment), {"text": "hijacked"}, format="json")
        assert answer.status_code == 404
        assert answer.json()["code"] == "not_found"
    assert state_of(comment) == before


# --- deleting -----------------------------------------------------------------------------------------


def test_the_author_deletes_their_comment_and_the_count_follows(comment, author, video):
    answer = client_for(author).delete(url(comment))
    assert answer.status_code == 204
    comment.refresh_from_db()
    assert (comment.state, comment.text) == ("deleted", "")
    video.refresh_from_db()
    assert video.comment_count == 0
    assert client_for(author).delete(url(comment)).status_code == 404


def test_the_creator_deletes_a_comment_under_their_video_even_a_held_one(video):
    services.filter_word_add(profile=video.owner, phrase="spoiler")
    held = services.comment_post(author=UserFactory.create(), video=video, text="spoiler: he dies")
    assert held.state == "held"
    assert client_for(video.owner.user).delete(url(held)).status_code == 204
    held.refresh_from_db()
    assert held.state == "deleted"


def test_a_stranger_cannot_delete(comment):
    before = state_of(comment)
    answer = client_for(UserFactory.create()).delete(url(comment))
    assert answer.status_code == 404
    assert state_of(comment) == before


# --- liking -------------------------------------------------------------------------------------------


def test_liking_is_idempotent_both_ways(comment):
    fan = UserFactory.create()
    for _ in range(2):
        answer = client_for(fan).put(url(comment, "like"))
        assert answer.status_code == 200
        assert (answer.json()["is_liked"], answer.json()["like_count"]) == (True, 1)
    for _ in range(2):
        answer = client_for(fan).delete(url(comment, "like"))
        assert answer.status_code == 200
        assert (answer.json()["is_liked"], answer.json()["like_count"]) == (False, 0)
    assert not CommentLike.objects.exists()


def test_liking_needs_a_log_in(comment):
    assert client_for(None).put(url(comment, "like")).status_code == 401
    assert not CommentLike.objects.exists()


# --- the creator's pin, hide and approve: anyone else gets 404 ----------------------------------------


@pytest.mark.parametrize("action", ["pin", "hide"])
def test_only_the_videos_creator_pins_and_hides(comment, author, action):
    before = state_of(comment)
    for person in (author, UserFactory.create()):
        for method in ("put", "delete"):
            answer = getattr(client_for(person), method)(url(comment, action))
            assert answer.status_code == 404, (person, method)
            assert answer.json()["code"] == "not_found"
    assert client_for(None).put(url(comment, action)).status_code == 401
    assert state_of(comment) == before


def test_the_creator_pins_one_comment_and_unpins_it(comment, video):
    other = services.comment_post(author=UserFactory.create(), video=video, text="second")
    creator = client_for(video.owner.user)
    assert creator.put(url(comment, "pin")).json()["is_pinned"] is True
    answer = creator.put(url(other, "pin"))
    assert answer.status_code == 200
    assert answer.json()["is_pinned"] is True
    comment.refresh_from_db()
    assert comment.is_pinned is False
    assert creator.delete(url(other, "pin")).json()["is_pinned"] is False


def test_a_reply_cannot_be_pinned(comment, video):
    reply = services.comment_post(
        author=UserFactory.create(), video=video, text="reply", parent_id=comment.pk
    )
    answer = client_for(video.owner.user).put(url(reply, "pin"))
    assert answer.status_code == 400
    assert answer.json()["code"] == "comment_pin_reply"
    reply.refresh_from_db()
    assert reply.is_pinned is False


def test_the_creator_hides_and_shows_a_comment_again(comment, video, author):
    creator = client_for(video.owner.user)
    answer = creator.put(url(comment, "hide"))
    assert answer.status_code == 200
    assert answer.json()["state"] == "hidden"
    video.refresh_from_db()
    assert video.comment_count == 0
    assert (
        client_for(UserFactory.create()).get(f"/api/v1/videos/{video.public_id}/comments").json()["results"]
        == []
    )
    assert client_for(author).get(url(comment, "replies")).status_code == 404
    answer = creator.delete(url(comment, "hide"))
    assert answer.json()["state"] == "visible"
    video.refresh_from_db()
    assert video.comment_count == 1


def test_the_creator_approves_a_held_comment_and_no_one_else_can(video):
    services.filter_word_add(profile=video.owner, phrase="giveaway")
    writer = UserFactory.create()
    held = services.comment_post(author=writer, video=video, text="free giveaway here")
    # The writer sees it as waiting; others do not see it.
    mine = client_for(writer).get(f"/api/v1/videos/{video.public_id}/comments").json()["results"]
    assert [(c["id"], c["state"]) for c in mine] == [(held.pk, "held")]
    assert client_for(None).get(f"/api/v1/videos/{video.public_id}/comments").json()["results"] == []
    for person in (writer, UserFactory.create()):
        answer = client_for(person).post(url(held, "approve"))
        assert answer.status_code == 404
    held.refresh_from_db()
    assert held.state == "held"
    answer = client_for(video.owner.user).post(url(held, "approve"))
    assert answer.status_code == 200
    assert answer.json()["state"] == "visible"
    video.refresh_from_db()
    assert video.comment_count == 1
    assert client_for(video.owner.user).post(url(held, "approve")).status_code == 404


def test_the_creator_cannot_act_on_a_comment_by_someone_they_blocked(comment, video, author):
    block_create(blocker=video.owner.user, blocked=author)
    for method, action in [("put", "pin"), ("put", "hide"), ("post", "approve")]:
        assert getattr(client_for(video.owner.user), method)(url(comment, action)).status_code == 404
    comment.refresh_from_db()
    assert (comment.state, comment.is_pinned) == ("visible", False)


# --- suspended accounts -------------------------------------------------------------------------------


def test_a_suspended_account_is_refused_by_the_middleware_and_nothing_is_written(video):
    person = UserFactory.create(suspended_until=timezone.now() + datetime.timedelta(days=3))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=person).key}")
    answer = client.post(f"/api/v1/videos/{video.public_id}/comments", {"text": "hello"}, format="json")
    assert answer.status_code == 403
    assert answer.json()["code"] == "account_suspended"
    assert not Comment.objects.exists()


def test_a_suspended_account_is_refused_by_the_service_too(video):
    person = UserFactory.create(suspended_until=timezone.now() + datetime.timedelta(days=3))
    answer = client_for(person).post(
        f"/api/v1/videos/{video.public_id}/comments", {"text": "hi"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "account_suspended"
    assert not Comment.objects.exists()


def test_a_posting_suspension_refuses_comments_and_nothing_is_written(video):
    person = UserFactory.create(posting_suspended_until=timezone.now() + datetime.timedelta(days=7))
    answer = client_for(person).post(
        f"/api/v1/videos/{video.public_id}/comments", {"text": "hi"}, format="json"
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "posting_suspended"
    assert not Comment.objects.exists()


# --- links --------------------------------------------------------------------------------------------


def test_a_verified_business_may_post_links_and_an_unverified_one_may_not(video):
    verified = BusinessFactory.create(
        creator=CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(35))),
        is_verified=True,
    )
    unverified = BusinessFactory.create(
        creator=CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(35))),
    )
    text = "Order at https://bakery.example.com"
    refused = client_for(unverified.creator.user).post(
        f"/api/v1/videos/{video.public_id}/comments", {"text": text}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "comment_links"
    assert not Comment.objects.exists()
    allowed = client_for(verified.creator.user).post(
        f"/api/v1/videos/{video.public_id}/comments", {"text": text}, format="json"
    )
    assert allowed.status_code == 201
    assert allowed.json()["text"] == text


# --- the studio ---------------------------------------------------------------------------------------


def test_comment_settings_follow_the_age_rules(video):
    creator = client_for(video.owner.user)
    assert creator.get("/api/v1/studio/comment-settings").json() == {
        "policy": "",
        "policy_in_force": "everyone",
        "choices": ["everyone", "follow_backs", "nobody"],
    }
    answer = creator.put("/api/v1/studio/comment-settings", {"policy": "nobody"}, format="json")
    assert answer.json()["policy_in_force"] == "nobody"

    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(14)))
    teen_client = client_for(teen.user)
    assert teen_client.get("/api/v1/studio/comment-settings").json() == {
        "policy": "",
        "policy_in_force": "follow_backs",
        "choices": ["follow_backs", "nobody"],
    }
    refused = teen_client.put("/api/v1/studio/comment-settings", {"policy": "everyone"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "comment_policy_age"
    teen.refresh_from_db()
    assert teen.comment_policy == ""
    assert client_for(UserFactory.create()).get("/api/v1/studio/comment-settings").status_code == 404


def test_a_videos_own_policy(video):
    creator = client_for(video.owner.user)
    path = f"/api/v1/studio/videos/{video.public_id}/comment-policy"
    answer = creator.put(path, {"policy": "nobody"}, format="json")
    assert answer.json() == {"policy": "nobody", "policy_in_force": "nobody"}
    refusal = (
        client_for(UserFactory.create()).get(f"/api/v1/videos/{video.public_id}/comments").json()["refusal"]
    )
    assert refusal["code"] == "comments_off"
    assert client_for(UserFactory.create()).put(path, {"policy": ""}, format="json").status_code == 404
    video.refresh_from_db()
    assert video.comment_policy == "nobody"
    draft = published_video(owner=video.owner, state=Video.State.DRAFT)
    assert (
        creator.put(
            f"/api/v1/studio/videos/{draft.public_id}/comment-policy", {"policy": ""}, format="json"
        ).status_code
        == 200
    )


def test_filter_words_are_the_creators_own(video):
    creator = client_for(video.owner.user)
    added = creator.post(
        "/api/v1/studio/comment-filter-words", {"phrase": "  Spoiler  Alert "}, format="json"
    )
    assert added.status_code == 201
    assert added.json()["phrase"] == "spoiler alert"
    assert [w["phrase"] for w in creator.get("/api/v1/studio/comment-filter-words").json()] == [
        "spoiler alert"
    ]
    blank = creator.post("/api/v1/studio/comment-filter-words", {"phrase": "   "}, format="json")
    assert blank.status_code == 400
    assert CommentFilterWord.objects.count() == 1
    word_id = added.json()["id"]
    other = CreatorFactory.create()
    assert client_for(other.user).delete(f"/api/v1/studio/comment-filter-words/{word_id}").status_code == 404
    assert CommentFilterWord.objects.count() == 1
    assert creator.delete(f"/api/v1/studio/comment-filter-words/{word_id}").status_code == 204
    assert not CommentFilterWord.objects.exists()


def test_the_inbox_lists_others_comments_on_my_videos_newest_first(video):
    services.filter_word_add(profile=video.owner, phrase="spoiler")
    first = services.comment_post(author=UserFactory.create(), video=video, text="first")
    held = services.comment_post(author=UserFactory.create(), video=video, text="spoiler!")
    services.comment_post(author=video.owner.user, video=video, text="my own")
    blocked = UserFactory.create()
    services.comment_post(author=blocked, video=video, text="from someone I blocked")
    block_create(blocker=video.owner.user, blocked=blocked)
    answer = client_for(video.owner.user).get("/api/v1/studio/comments").json()
    assert [(c["id"], c["state"]) for c in answer["results"]] == [(held.pk, "held"), (first.pk, "visible")]
    assert answer["results"][0]["video"] == str(video.public_id)
    assert answer["results"][0]["video_caption"] == video.caption
    assert answer["results"][0]["is_video_creator"] is True


# --- the API's write throttle -------------------------------------------------------------------------


def test_comment_writes_are_throttled_and_reads_are_not(comment, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "comments": "2/min"},
    }
    fan = client_for(UserFactory.create())
    assert fan.put(url(comment, "like")).status_code == 200
    assert fan.delete(url(comment, "like")).status_code == 200
    refused = fan.put(url(comment, "like"))
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert not CommentLike.objects.exists()
    for _ in range(3):
        assert fan.get(f"/api/v1/videos/{comment.video.public_id}/comments").status_code == 200
