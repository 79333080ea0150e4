"""The conversation's pages without JavaScript: a video's comments and replies with plain forms, the
creator's inbox and comment settings; escaping, refusals that keep the text, and scoping."""

import pytest
from django.urls import reverse

from creators.comments import services
from creators.comments.models import Comment, CommentFilterWord
from creators.models import Follow, Video
from platform.blocking import block_create
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


def _comments_url(video: Video) -> str:
    return reverse("creators:video_comments", args=[video.public_id])


def test_the_comments_page_shows_comments_escaped_with_mentions_linked(client):
    video = published_video(owner=CreatorFactory.create(handle="maker"))
    author = CreatorFactory.create(handle="writer").user
    services.comment_post(author=author, video=video, text="<script>alert(1)</script> hi @maker")

    response = client.get(_comments_url(video))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; hi " in html
    assert '<a href="/@maker/">@maker</a>' in html
    assert "@writer" in html
    assert "Log in to comment." in html


def test_a_comment_posted_by_the_form_is_shown(client):
    video = published_video(owner=CreatorFactory.create())
    viewer = UserFactory.create()
    client.force_login(viewer)

    response = client.post(_comments_url(video), {"text": "Lovely light"}, follow=True)

    assert response.status_code == 200
    assert list(Comment.objects.values_list("author_id", "text")) == [(viewer.pk, "Lovely light")]
    assert "Your comment is posted." in response.content.decode()
    assert "Lovely light" in response.content.decode()


def test_a_refused_comment_shows_why_and_keeps_the_text(client):
    video = published_video(owner=CreatorFactory.create())
    client.force_login(UserFactory.create())
    text = "Look at www.example.com for more " + "x" * 10

    response = client.post(_comments_url(video), {"text": text})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Links are only for verified businesses and publishers" in html
    assert f">\n{text}</textarea>" in html
    assert not Comment.objects.exists()


def test_an_over_long_comment_is_refused_and_nothing_is_written(client):
    video = published_video(owner=CreatorFactory.create())
    client.force_login(UserFactory.create())

    response = client.post(_comments_url(video), {"text": "y" * 501})

    assert response.status_code == 400
    assert "A comment is at most 500 characters; this one has 501." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_reply_is_posted_from_the_thread_page(client):
    video = published_video(owner=CreatorFactory.create())
    comment = services.comment_post(author=UserFactory.create(), video=video, text="Question?")
    replier = UserFactory.create()
    client.force_login(replier)
    url = reverse("creators:comment_thread", args=[video.public_id, comment.pk])

    response = client.post(url, {"text": "Answer."}, follow=True)

    assert response.status_code == 200
    reply = Comment.objects.get(author=replier)
    assert (reply.parent_id, reply.text) == (comment.pk, "Answer.")
    assert "Answer." in response.content.decode()
    listing = client.get(_comments_url(video)).content.decode()
    assert "View 1 reply" in listing


def test_a_fourteen_year_olds_video_refuses_a_stranger_with_the_reason_and_keeps_the_text(client):
    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(14)))
    video = published_video(owner=teen)
    # A follower sees the teen's video; the teen does not follow them back.
    stranger = UserFactory.create()
    Follow.objects.create(follower=stranger, creator=teen, status=Follow.Status.APPROVED)
    client.force_login(stranger)

    page = client.get(_comments_url(video)).content.decode()
    response = client.post(_comments_url(video), {"text": "hello there"})

    assert "Only people this creator follows back can comment here." in page
    assert response.status_code == 400
    assert "Only people this creator follows back can comment here." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_blocked_user_gets_404_on_the_comments_pages(client):
    owner = CreatorFactory.create()
    video = published_video(owner=owner)
    comment = services.comment_post(author=UserFactory.create(), video=video, text="hello")
    blocked = UserFactory.create()
    block_create(blocker=owner.user, blocked=blocked)
    client.force_login(blocked)

    assert client.get(_comments_url(video)).status_code == 404
    assert (
        client.get(reverse("creators:comment_thread", args=[video.public_id, comment.pk])).status_code == 404
    )
    assert client.post(_comments_url(video), {"text": "let me in"}).status_code == 404
    assert Comment.objects.count() == 1


def test_a_blocked_commenters_comment_is_not_shown_to_the_blocker(client):
    video = published_video(owner=CreatorFactory.create())
    author, blocker = UserFactory.create(), UserFactory.create()
    services.comment_post(author=author, video=video, text="you will not see this")
    block_create(blocker=blocker, blocked=author)
    client.force_login(blocker)

    html = client.get(_comments_url(video)).content.decode()

    assert "you will not see this" not in html
    assert "No comments yet." in html


def test_the_creator_pins_a_comment_and_another_person_cannot(client):
    video = published_video(owner=CreatorFactory.create())
    comment = services.comment_post(author=UserFactory.create(), video=video, text="Pin me")
    client.force_login(UserFactory.create())
    assert client.post(reverse("creators:comment_action", args=[comment.pk, "pin"])).status_code == 404
    comment.refresh_from_db()
    assert comment.is_pinned is False

    client.force_login(video.owner.user)
    response = client.post(reverse("creators:comment_action", args=[comment.pk, "pin"]))

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_pinned is True


def test_a_held_comment_waits_in_the_inbox_and_the_creator_approves_it(client):
    owner = CreatorFactory.create()
    video = published_video(owner=owner, caption="Sunset timelapse")
    services.filter_word_add(profile=owner, phrase="spoiler")
    held = services.comment_post(author=UserFactory.create(), video=video, text="big SPOILER here")
    assert held.state == Comment.State.HELD
    client.force_login(owner.user)

    studio = client.get(reverse("creators:studio")).content.decode()
    inbox = client.get(reverse("creators:studio_comments"))

    assert 'aria-label="1 waiting for approval"' in studio
    assert inbox.status_code == 200
    assert "big SPOILER here" in inbox.content.decode()
    client.post(reverse("creators:comment_action", args=[held.pk, "approve"]))
    held.refresh_from_db()
    assert held.state == Comment.State.VISIBLE


def test_filtered_words_are_added_and_removed_in_the_settings(client):
    owner = CreatorFactory.create()
    client.force_login(owner.user)
    url = reverse("creators:studio_comment_settings")

    client.post(url, {"form": "word", "phrase": "  Spoiler  "})
    word = CommentFilterWord.objects.get(creator=owner)
    assert word.phrase == "spoiler"
    assert "spoiler" in client.get(url).content.decode()
    client.post(reverse("creators:studio_filter_word_delete", args=[word.pk]))
    assert not CommentFilterWord.objects.exists()


def test_someone_elses_filtered_word_cannot_be_removed(client):
    other = CreatorFactory.create()
    word = services.filter_word_add(profile=other, phrase="mine")
    client.force_login(CreatorFactory.create().user)

    response = client.post(reverse("creators:studio_filter_word_delete", args=[word.pk]))

    assert response.status_code == 404
    assert CommentFilterWord.objects.filter(pk=word.pk).exists()


def test_a_teens_settings_offer_only_follow_backs_and_no_one(client):
    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(14)))
    client.force_login(teen.user)

    html = client.get(reverse("creators:studio_comment_settings")).content.decode()

    assert 'value="follow_backs"' in html
    assert 'value="nobody"' in html
    assert 'value="everyone"' not in html


def test_a_teens_post_of_everyone_is_refused_and_nothing_changes(client):
    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(14)))
    video = published_video(owner=teen)
    client.force_login(teen.user)

    response = client.post(
        reverse("creators:studio_comment_settings"), {"form": "policy", "policy": "everyone"}
    )
    client.post(
        reverse("creators:studio_video_comment_policy", args=[video.public_id]), {"policy": "everyone"}
    )

    assert response.status_code == 400
    teen.refresh_from_db()
    video.refresh_from_db()
    assert (teen.comment_policy, video.comment_policy) == ("", "")


def test_an_adult_turns_comments_off_for_one_video(client):
    owner = CreatorFactory.create()
    video = published_video(owner=owner)
    client.force_login(owner.user)

    page = client.get(reverse("creators:studio_video", args=[video.public_id])).content.decode()
    client.post(reverse("creators:studio_video_comment_policy", args=[video.public_id]), {"policy": "nobody"})

    assert 'value="everyone"' in page
    video.refresh_from_db()
    assert video.comment_policy == "nobody"
    client.force_login(UserFactory.create())
    html = client.get(_comments_url(video)).content.decode()
    assert "The creator turned comments off for this video." in html


def test_someone_elses_video_policy_cannot_be_changed(client):
    video = published_video(owner=CreatorFactory.create())
    client.force_login(CreatorFactory.create().user)

    response = client.post(
        reverse("creators:studio_video_comment_policy", args=[video.public_id]), {"policy": "nobody"}
    )

    assert response.status_code == 404
    video.refresh_from_db()
    assert video.comment_policy == ""
