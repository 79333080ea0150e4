"""Give the demo a conversation: comments, replies (one from the creator), likes, a pinned comment, an
@mention, a comment waiting for the creator's approval and a rude one reported by two viewers, waiting in
the moderators' queue, under @cleo's and @kitchenkai's videos, all through the comment and report
services. Idempotent: a second run finds @cleo's pinned comment and stops."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import OutputWrapper
from django.utils import timezone

from creators.comments import services
from creators.comments.models import Comment
from creators.models import CreatorProfile, Video
from creators.trust.reports import report_create
from platform.guidelines import Guideline
from platform.models import User
from platform.viewer import viewer_for_user

# (author's email or handle, text, reply to the line at this index or None)
CONVERSATION: list[tuple[str, str, int | None]] = [
    ("viewer@joyreel.localhost", "The light in this one is unreal. Where was it filmed?", None),
    ("cleo", "Thank you! Just behind the old mill, around 7 in the evening.", 0),
    ("business@joyreel.localhost", "We'd love to feature this in our window, @cleo!", None),
    ("trailtom", "Same spot as my hike last week, @lenabeats come along next time", None),
    ("lenabeats", "Only if there is coffee at the top.", 3),
    ("viewer@joyreel.localhost", "Saving this for the weekend.", None),
]
FILTERED_WORD = "giveaway"
HELD_TEXT = "Free giveaway, click my profile!"
# A comment that insults the creator, reported by two viewers: the admin's "Reported comments" queue has work.
REPORTED_AUTHOR = "fcsendling"
REPORTED_TEXT = "Boring. Our under-9s film better than this, just give up."
REPORTERS: list[tuple[str, str]] = [
    ("viewer@joyreel.localhost", "Mocks the creator; says nothing about the video."),
    ("lenabeats", ""),
]


def _person(key: str) -> User | None:
    if "@" in key:
        return User.objects.filter(email=key).first()
    profile = CreatorProfile.objects.filter(handle=key).select_related("user").first()
    return profile.user if profile else None


def _demo_video(handle: str) -> Video | None:
    return (
        Video.objects.filter(owner__handle=handle, state=Video.State.PUBLISHED, moderation_state="visible")
        .select_related("owner__user")
        .order_by("-published_at", "-pk")
        .first()
    )


class DemoComments:
    """What ``manage.py seed_demo_comments`` does: its report on ``stdout``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        video, other = _demo_video("cleo"), _demo_video("kitchenkai")
        if video is None or other is None:
            self.stdout.write("Run seed_demo and seed_demo_videos first.")
            return
        if Comment.objects.filter(video__owner=video.owner, is_pinned=True).exists():
            self.stdout.write("Demo comments exist.")
            return
        rude_author = _person(REPORTED_AUTHOR)
        reporters = [(person, detail) for key, detail in REPORTERS if (person := _person(key)) is not None]
        if rude_author is None or len(reporters) < len(REPORTERS):
            self.stdout.write("No demo accounts for the reported comment; run seed_demo_videos first.")
            return
        # Spread over the last hours, each at its own time (the spam limits count per minute).
        start = timezone.now() - datetime.timedelta(hours=len(CONVERSATION) + 2)
        posted: list[Comment] = []
        for index, (key, text, reply_to) in enumerate(CONVERSATION):
            author = _person(key)
            if author is None:
                self.stdout.write(f"No demo account {key}; run seed_demo_videos first.")
                return
            parent_id = posted[reply_to].pk if reply_to is not None else None
            posted.append(
                services.comment_post(
                    author=author,
                    video=video,
                    text=text,
                    parent_id=parent_id,
                    now=start + datetime.timedelta(hours=index),
                )
            )
        liker_keys = ["viewer@joyreel.localhost", "business@joyreel.localhost", "trailtom", "lenabeats"]
        for key in liker_keys:
            liker = _person(key)
            if liker is not None and liker.pk != posted[0].author_id:
                services.comment_like(user=liker, comment=posted[0])
        services.comment_pin(creator=video.owner.user, comment=posted[0])
        viewer = _person("viewer@joyreel.localhost")
        if viewer is not None:
            services.comment_post(author=viewer, video=other, text="Making this tonight.")
        # @cleo filters a word: a comment with it waits for her approval in the studio's comments inbox.
        services.filter_word_add(profile=video.owner, phrase=FILTERED_WORD)
        spammer = _person("business@joyreel.localhost")
        if spammer is not None:
            services.comment_post(author=spammer, video=video, text=HELD_TEXT)
        rude = services.comment_post(
            author=rude_author,
            video=video,
            text=REPORTED_TEXT,
            now=timezone.now() - datetime.timedelta(hours=1),
        )
        for reporter, detail in reporters:
            report_create(
                viewer=viewer_for_user(reporter),
                comment_id=rude.pk,
                reason=Guideline.HARASSMENT,
                detail=detail,
            )
        self.stdout.write(
            f"Demo comments: {len(posted) + 1} under @{video.owner.handle}'s video (one pinned, one reported "
            f"by {len(reporters)} people and waiting for a moderator), one waiting for approval, one under "
            "@kitchenkai's."
        )


def seed_demo_comments(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py seed_demo_comments`` with the options its command parsed."""
    DemoComments(stdout=stdout, stderr=stderr).handle(**options)
