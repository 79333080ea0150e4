"""The demo's conversation is made once, through the comment services, with what the demo promises."""

import pytest
from django.core.management import call_command

from creators.comments.models import Comment
from creators.models import Video
from tests.factories import CreatorFactory, published_video

pytestmark = pytest.mark.django_db


def test_the_demo_conversation_is_made_once_through_the_services(capsys):
    call_command("seed_demo")
    for handle in ("cleo", "kitchenkai", "trailtom", "lenabeats"):
        published_video(owner=CreatorFactory.create(handle=handle))
    call_command("seed_demo_comments")
    call_command("seed_demo_comments")

    video = Video.objects.get(owner__handle="cleo")
    assert "Demo comments exist." in capsys.readouterr().out
    comments = Comment.objects.filter(video=video)
    assert comments.count() == 7
    pinned = comments.get(is_pinned=True)
    # Liked by three others (its author does not like their own), answered by @cleo herself.
    assert (pinned.like_count, pinned.reply_count, pinned.creator_reply_count, pinned.score) == (3, 1, 1, 15)
    assert comments.get(state=Comment.State.HELD).text == "Free giveaway, click my profile!"
    assert video.comment_count == 6  # the held one is not counted until the creator approves it
    assert Comment.objects.filter(video__owner__handle="kitchenkai").count() == 1
