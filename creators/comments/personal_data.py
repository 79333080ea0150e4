"""What the conversation keeps about a person, for "download your data" and account deletion: their
comments and replies (on which video, the text, when, in what state), the comments they liked and their
own filtered words. Registered in ``CreatorsConfig.ready()`` after ``creators``, so that account deletion
(highest registration first) erases comments before the videos they are on.

Erasure takes every comment of the person away with its counts: one that others replied to stays as a
"deleted comment" (no text, no author) with the replies under it; the rest are deleted. Their likes go
with the counts they added; the notifications that named them (replies, mentions) go too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy

from creators.comments import rules, services
from creators.comments.models import Comment, CommentFilterWord, CommentLike
from creators.comments.notifications import notifications_naming
from platform.models import User
from platform.personal_data import Content, json_bytes, json_lines

FILES = {
    "comments.jsonl": gettext_lazy(
        "Every comment and reply you wrote, one a line: the video, the comment it replies to, "
        "the text, when you wrote and edited it, its state (visible, waiting for review, hidden by the "
        "creator, removed by a moderator) and its likes and replies."
    ),
    "comment-likes.json": gettext_lazy("The comments you liked: which comment, on which video, and when."),
    "comment-filter-words.json": gettext_lazy("The words you filter from comments under your videos."),
}


def _comment_row(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "video": str(comment.video.public_id),
        "reply_to": comment.parent_id,
        "text": comment.text,
        "state": comment.state,
        "is_pinned": comment.is_pinned,
        "like_count": comment.like_count,
        "reply_count": comment.reply_count,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
    }


def comments_export(user: User) -> Iterable[tuple[str, Content]]:
    comments = (
        Comment.objects.filter(author=user)
        .exclude(state=Comment.State.DELETED)
        .select_related("video")
        .order_by("created_at", "id")
    )
    yield "comments.jsonl", json_lines(_comment_row(comment) for comment in comments.iterator())
    likes = (
        CommentLike.objects.filter(user=user).select_related("comment__video").order_by("created_at", "id")
    )
    yield (
        "comment-likes.json",
        json_bytes(
            [
                {
                    "comment": like.comment_id,
                    "video": str(like.comment.video.public_id),
                    "created_at": like.created_at,
                }
                for like in likes
            ]
        ),
    )
    words = CommentFilterWord.objects.filter(creator__user=user).order_by("phrase")
    yield (
        "comment-filter-words.json",
        json_bytes([{"phrase": word.phrase, "created_at": word.created_at} for word in words]),
    )


def _likes_erase(user: User) -> None:
    """Take back each like the person gave, with the count and "top" score it added."""
    with transaction.atomic():
        liked = list(CommentLike.objects.filter(user=user).values_list("comment_id", flat=True))
        for start in range(0, len(liked), 500):
            Comment.objects.filter(pk__in=liked[start : start + 500]).update(
                like_count=Greatest(F("like_count") - 1, 0),
                score=Greatest(F("score") - rules.LIKE_POINTS, 0),
            )
        CommentLike.objects.filter(user=user).delete()


def comments_erase(user: User) -> None:
    """Erase the person's comments (``services.comment_erase``: replies of others stay under "deleted
    comment"), their likes and the notifications that named them. Filtered words go with the profile."""
    ids = list(Comment.objects.filter(author=user).values_list("pk", flat=True))
    notifications_naming(comment_ids=ids)
    # Replies first, so that a comment is weighed for "deleted comment" by the replies of others alone.
    mine = Comment.objects.filter(author=user).select_related("video__owner").order_by("id")
    for comment in [*mine.filter(parent__isnull=False), *mine.filter(parent__isnull=True)]:
        services.comment_erase(comment=comment)
    _likes_erase(user)
    CommentFilterWord.objects.filter(creator__user=user).delete()
