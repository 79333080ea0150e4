"""The demo's conversation is made once, through the comment services, with what the demo promises: among it
one rude comment, reported and waiting in the moderators' queue."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from creators.comments.models import Comment
from creators.models import Report, Video
from platform.models import User
from tests.factories import CreatorFactory, published_video

pytestmark = pytest.mark.django_db


def test_the_demo_conversation_is_made_once_through_the_services(capsys):
    call_command("seed_demo")
    for handle in ("cleo", "kitchenkai", "trailtom", "lenabeats", "fcsendling"):
        published_video(owner=CreatorFactory.create(handle=handle))
    call_command("seed_demo_comments")
    call_command("seed_demo_comments")

    video = Video.objects.get(owner__handle="cleo")
    out = capsys.readouterr().out
    assert "Demo comments: 7 under @cleo's video (one pinned, one reported by 2 people" in out
    assert "Demo comments exist." in out
    comments = Comment.objects.filter(video=video)
    assert comments.count() == 8
    pinned = comments.get(is_pinned=True)
    # Liked by three others (its author does not like their own), answered by @cleo herself.
    assert (pinned.like_count, pinned.reply_count, pinned.creator_reply_count, pinned.score) == (3, 1, 1, 15)
    assert comments.get(state=Comment.State.HELD).text == "Free giveaway, click my profile!"
    assert video.comment_count == 7  # the held one is not counted until the creator approves it
    reported = comments.get(author__creator_profile__handle="fcsendling")
    assert (reported.state, reported.text) == (
        Comment.State.VISIBLE,
        "Boring. Our under-9s film better than this, just give up.",
    )
    reports = Report.objects.filter(comment=reported).order_by("pk")
    viewer, lena = (
        User.objects.get(email="viewer@joyreel.localhost"),
        User.objects.get(creator_profile__handle="lenabeats"),
    )
    assert [(report.reporter_id, report.reason, report.status) for report in reports] == [
        (viewer.pk, "harassment", Report.Status.OPEN),
        (lena.pk, "harassment", Report.Status.OPEN),
    ]
    assert Report.objects.count() == 2  # nothing else reported, and the second run reported nothing again
    assert Comment.objects.filter(video__owner__handle="kitchenkai").count() == 1


def test_the_demo_moderator_finds_the_reported_comment_waiting(client):
    call_command("seed_demo")
    for handle in ("cleo", "kitchenkai", "trailtom", "lenabeats", "fcsendling"):
        published_video(owner=CreatorFactory.create(handle=handle))
    call_command("seed_demo_comments")

    client.force_login(User.objects.get(email="moderator@joyreel.localhost"))
    home = client.get(reverse("admin:index"))
    queues = {queue.title: queue for queue in home.context["moderation_queues"]}
    assert queues["Reported comments"].count == 1
    listed = client.get(queues["Reported comments"].url)
    assert [row.text for row in listed.context["cl"].result_list] == [
        "Boring. Our under-9s film better than this, just give up."
    ]
