"""Who hears of a comment once it is visible: the video's creator (one unread notification per video,
counted: "12 new comments on …"), the author of the comment it replies to ("X replied to your comment")
and the people it mentions ("X mentioned you"). Never the author themself, never anyone blocked either
way or who muted the author, never someone who may not see the video; a person hears once per comment.

Everything goes through ``platform.notifications.notify``, so email follows each person's choice and
never reaches an under-18 in their quiet hours. A comment waiting for review (pending, held) notifies no
one; the services call ``comment_notify`` after the commit that makes a comment visible."""

from __future__ import annotations

import logging
import re
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from creators.comments import rules
from creators.comments.models import Comment
from creators.comments.selectors import author_name
from creators.models import CreatorProfile, Video
from creators.selectors import videos_visible
from platform import blocking
from platform.languages import in_language_of
from platform.models import Notification, User
from platform.notifications import notify
from platform.viewer import viewer_for_user

logger = logging.getLogger(__name__)

Kind = Notification.Kind
# The batched notification's title starts with its count (in every language).
_COUNT = re.compile(r"^(\d+) ")
CAPTION_SHOWN = 60
TEXT_SHOWN = 200


def video_comments_url(video: Video) -> str:
    """Where the creator's batched notification leads: the video, at its comments."""
    return reverse("creators:video", args=[video.public_id]) + "#comments"


def comment_url(comment: Comment) -> str:
    """Where a reply or a mention leads: the video, at that comment."""
    return reverse("creators:video", args=[comment.video.public_id]) + f"?comment={comment.pk}#comments"


def _caption(video: Video) -> str:
    caption = " ".join(video.caption.split())
    if not caption:
        return gettext("your video")
    if len(caption) > CAPTION_SHOWN:
        caption = caption[: CAPTION_SHOWN - 1].rstrip() + "…"
    return gettext("“%(caption)s”") % {"caption": caption}


def _excerpt(text: str) -> str:
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1].rstrip() + "…"


def _may_hear(*, person: User, author: User, video: Video) -> bool:
    """Whether ``person`` may be told of ``author``'s comment on ``video``: an active account, not
    blocked either way, not muting the author, and one who may see the video."""
    if not person.is_active or person.pk == author.pk:
        return False
    if blocking.users_hidden_from(user_id=person.pk).filter(pk=author.pk).exists():
        return False
    return videos_visible(viewer=viewer_for_user(person)).filter(pk=video.pk).exists()


def _mentioned(text: str) -> list[User]:
    handles = rules.mentioned_handles(text)
    if not handles:
        return []
    matches = reduce(or_, (Q(handle__iexact=handle) for handle in handles))
    profiles = {
        profile.handle.lower(): profile.user
        for profile in CreatorProfile.objects.filter(matches).select_related("user")
    }
    return [profiles[handle] for handle in handles if handle in profiles][: rules.MAX_MENTIONS]


def _new_comments_notify(*, creator: User, video: Video) -> Notification:
    """One unread notification per video for its creator: the count goes up with each comment. It names
    no one and quotes nothing (the comments are a tap away), so it outlives no one's account."""
    url = video_comments_url(video)
    with transaction.atomic():
        # One creator's notifications in turn, so that two comments at once count as two on one row.
        User.objects.select_for_update().filter(pk=creator.pk).first()
        unread = (
            Notification.objects.filter(user=creator, kind=Kind.COMMENT, url=url, read_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if unread is None:
            with in_language_of(creator):
                title = ngettext(
                    "%(count)d new comment on %(video)s", "%(count)d new comments on %(video)s", 1
                ) % {"count": 1, "video": _caption(video)}
            return notify(user=creator, kind=Kind.COMMENT, title=title, url=url)
        counted = _COUNT.match(unread.title)
        count = (int(counted.group(1)) if counted else 1) + 1
        with in_language_of(creator):
            title = ngettext(
                "%(count)d new comment on %(video)s", "%(count)d new comments on %(video)s", count
            ) % {"count": count, "video": _caption(video)}
        unread.title = title[:150]
        unread.created_at = timezone.now()
        unread.save(update_fields=["title", "created_at"])
        return unread


def comment_notify(comment_id: int) -> list[int]:
    """Tell the people a now-visible comment concerns; answer their user ids (for tests and logs)."""
    comment = (
        Comment.objects.filter(pk=comment_id, state=Comment.State.VISIBLE)
        .select_related("author__creator_profile", "video__owner__user", "parent__author")
        .first()
    )
    if comment is None or comment.author is None:
        return []
    author, video = comment.author, comment.video
    name = author_name(comment)
    told: set[int] = {author.pk}
    parent_author = comment.parent.author if comment.parent is not None else None
    if parent_author is not None and _may_hear(person=parent_author, author=author, video=video):
        with in_language_of(parent_author):
            notify(
                user=parent_author,
                kind=Kind.COMMENT,
                title=gettext("%(name)s replied to your comment") % {"name": name},
                body=_excerpt(comment.text),
                url=comment_url(comment),
            )
        told.add(parent_author.pk)
    for person in _mentioned(comment.text):
        if person.pk in told or not _may_hear(person=person, author=author, video=video):
            continue
        with in_language_of(person):
            notify(
                user=person,
                kind=Kind.COMMENT,
                title=gettext("%(name)s mentioned you") % {"name": name},
                body=_excerpt(comment.text),
                url=comment_url(comment),
            )
        told.add(person.pk)
    creator = video.owner.user
    if creator.pk not in told and _may_hear(person=creator, author=author, video=video):
        _new_comments_notify(creator=creator, video=video)
        told.add(creator.pk)
    told.discard(author.pk)
    return sorted(told)


def comment_notify_after_commit(comment_id: int) -> None:
    """``comment_notify`` for an ``on_commit`` callback: the comment is written whatever happens here, so
    a failure is logged, not raised into the request that posted it."""
    try:
        comment_notify(comment_id)
    except Exception:
        logger.exception("Notifying about comment %s failed.", comment_id)


def notifications_naming(*, comment_ids: list[int]) -> int:
    """Delete the replies' and mentions' notifications that lead to these comments (they name their
    author): for account deletion. Answers how many went."""
    if not comment_ids:
        return 0
    deleted = 0
    # A notification's link names its comment (``comment_url``); read in slices, matched exactly.
    for start in range(0, len(comment_ids), 500):
        ids = comment_ids[start : start + 500]
        query = reduce(or_, (Q(url__contains=f"?comment={pk}#") for pk in ids))
        deleted += Notification.objects.filter(kind=Kind.COMMENT).filter(query).delete()[0]
    return deleted
