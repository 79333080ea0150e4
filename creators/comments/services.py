"""Every write to a conversation: posting (with the age, policy, spam and filter rules), editing,
deleting, liking, pinning, hiding and approving comments, and a creator's comment settings.

Each refusal raises before anything is written: ``ValidationError`` (400) with a code a client reads,
``RateLimited`` (429) or ``NotFound`` (404, also for what the person may not see). Counters move with
``F()`` in the same transaction as the row that moves them."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Count, Exists, F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from creators import hooks
from creators.comments import rules
from creators.comments.models import Comment, CommentFilterWord, CommentLike, CommentPolicy
from creators.comments.selectors import comment_refusal, filter_phrases
from creators.models import CreatorProfile, Video
from creators.tasks import comment_followup_task
from creators.trust.decisions import posting_check
from creators.trust.watched_words import phrase_match, watched_match
from platform import age, blocking
from platform.errors import NotFound, RateLimited
from platform.models import User
from platform.statements import STAND_IN_ID, StatementCache

# States whose comment counts on the video and its parent (a held or hidden comment is not seen).
_COUNTED = frozenset({Comment.State.VISIBLE})


def _recent_counts(
    *,
    author_id: int,
    video_id: int,
    text: str,
    day: datetime.datetime,
    hour: datetime.datetime,
    minute: datetime.datetime,
) -> QuerySet[Comment, tuple[int, int, int]]:
    """The author's comments since ``day`` and since ``minute``, and the other videos that got ``text``
    from them since ``hour``: one row (none without a comment in the day)."""
    return (
        Comment.objects.filter(author_id=author_id, created_at__gt=day)
        .values("author_id")
        .annotate(
            day=Count("pk"),
            minute=Count("pk", filter=Q(created_at__gt=minute)),
            others=Count(
                "video_id", distinct=True, filter=Q(created_at__gt=hour, text=text) & ~Q(video_id=video_id)
            ),
        )
        .order_by()
        .values_list("day", "minute", "others")
    )


_rate_statements = StatementCache(size=4)
_STAND_INS: dict[str, Any] = {
    "author_id": STAND_IN_ID,
    "video_id": STAND_IN_ID + 1,
    "text": "\u2400 stand-in text \u2400",
    "day": datetime.datetime(1901, 1, 1, 1, 1, 1, 1, tzinfo=datetime.UTC),
    "hour": datetime.datetime(1901, 1, 1, 1, 1, 1, 2, tzinfo=datetime.UTC),
    "minute": datetime.datetime(1901, 1, 1, 1, 1, 1, 3, tzinfo=datetime.UTC),
}


def _rate_check(*, author: User, video: Video, text: str, now: datetime.datetime) -> None:
    """The spam limits, from one read of the author's last day of comments (its SQL compiled once:
    the ORM took longer to build it than the database to answer)."""
    values: dict[str, Any] = {
        "author_id": author.pk,
        "video_id": video.pk,
        "text": text,
        "day": now - datetime.timedelta(days=1),
        "hour": now - rules.SAME_TEXT_WINDOW,
        "minute": now - datetime.timedelta(minutes=1),
    }
    statement = _rate_statements.statement("rate", _STAND_INS, lambda: _recent_counts(**_STAND_INS))
    rows = statement.run(values) if statement is not None else list(_recent_counts(**values))
    day, minute, others = rows[0] if rows else (0, 0, 0)
    counts = {"day": day, "minute": minute, "others": others}
    if counts["minute"] >= rules.PER_MINUTE:
        raise RateLimited(
            gettext("That is %(count)s comments in a minute: wait a moment before the next.")
            % {"count": rules.PER_MINUTE},
            retry_after_seconds=60,
        )
    if counts["day"] >= rules.PER_DAY:
        raise RateLimited(
            gettext("That is %(count)s comments today, the most an account may post in a day.")
            % {"count": rules.PER_DAY},
            retry_after_seconds=60 * 60,
        )
    others = counts["others"]
    if others >= rules.SAME_TEXT_VIDEOS:
        raise ValidationError(
            ngettext(
                "You posted this same comment on %(count)s other video in the last hour; write something "
                "about this video instead.",
                "You posted this same comment on %(count)s other videos in the last hour; write something "
                "about this video instead.",
                others,
            )
            % {"count": others},
            code="comment_repeated",
        )


def _state_for(*, author: User, video: Video, text: str, owner_filters: bool = True) -> tuple[str, bool]:
    """The new comment's state and whether a watched word matched (``owner_filters``: False when the
    caller knows the video's creator holds no words back, which saves reading them)."""
    if watched_match(text=text) is not None:
        return Comment.State.PENDING, True
    if (
        owner_filters
        and author.pk != video.owner.user_id
        and phrase_match(text=text, phrases=filter_phrases(creator=video.owner))
    ):
        return Comment.State.HELD, False
    return Comment.State.VISIBLE, False


def _count(comment: Comment, *, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) a now-visible comment from its video's and parent's counts."""
    Video.objects.filter(pk=comment.video_id).update(comment_count=Greatest(F("comment_count") + sign, 0))
    if comment.parent_id is None:
        return
    by_creator = comment.author_id is not None and comment.author_id == comment.video.owner.user_id
    points = rules.REPLY_POINTS + (rules.CREATOR_REPLY_POINTS if by_creator else 0)
    changes = {
        "reply_count": Greatest(F("reply_count") + sign, 0),
        "score": Greatest(F("score") + sign * points, 0),
    }
    if by_creator:
        changes["creator_reply_count"] = Greatest(F("creator_reply_count") + sign, 0)
    Comment.objects.filter(pk=comment.parent_id).update(**changes)


def _follow_up(*, comment_id: int, is_new: bool, notify: bool) -> None:
    """Queue, after commit, what follows a comment (``creators.tasks.comment_followup_task``): its signal
    and notifications cost more than the post itself, so the worker does them."""
    transaction.on_commit(
        partial(comment_followup_task.delay, comment_id=comment_id, is_new=is_new, notify=notify)
    )


# The author's creator-profile columns the answer shows (``CommentOutputSerializer.get_author``).
_AUTHOR_PROFILE = ("id", "handle", "display_name")
_lock_statements = StatementCache(size=2)
_LOCK_STAND_INS: dict[str, Any] = {
    "author_id": STAND_IN_ID,
    "owner_user_id": STAND_IN_ID + 1,
    "owner_id": STAND_IN_ID + 2,
}


def _author_lock_query(
    *, author_id: int, owner_user_id: int, owner_id: int
) -> QuerySet[User, tuple[Any, ...]]:
    """The author's row, locked, with whether either of author and video owner blocked the other,
    whether the owner holds words back, and the author's creator profile (one row)."""
    return (
        User.objects.select_for_update(of=("self",))
        .filter(pk=author_id)
        .annotate(
            is_blocked=Exists(blocking.blocks_between(user_id=author_id, other_id=owner_user_id)),
            owner_filters=Exists(CommentFilterWord.objects.filter(creator_id=owner_id)),
        )
        .order_by()
        # "pk" names the row FOR UPDATE OF locks (the profile's outer join cannot be locked).
        .values_list(
            "pk", "is_blocked", "owner_filters", *(f"creator_profile__{name}" for name in _AUTHOR_PROFILE)
        )
    )


def _author_lock(*, author: User, video: Video) -> tuple[bool, bool]:
    """Lock the author's row for the rest of the transaction and answer (is a block between author and
    owner, does the owner filter words). One read, its SQL compiled once: it also brings the author's
    profile, which the answer names, so that takes no query of its own."""
    values = {"author_id": author.pk, "owner_user_id": video.owner.user_id, "owner_id": video.owner_id}
    statement = _lock_statements.statement(
        "lock", _LOCK_STAND_INS, lambda: _author_lock_query(**_LOCK_STAND_INS)
    )
    rows = statement.run(values) if statement is not None else list(_author_lock_query(**values))
    if not rows:
        raise NotFound(gettext("No such account."))
    _, is_blocked, owner_filters, profile_id, *profile_values = rows[0]
    profile_of = CreatorProfile._meta.get_field("user").remote_field
    if not profile_of.is_cached(author):
        profile = None
        if profile_id is not None:
            known = {
                "id": profile_id,
                "user_id": author.pk,
                **dict(zip(_AUTHOR_PROFILE[1:], profile_values, strict=True)),
            }
            # from_db takes the values in the model's column order.
            names = [
                field.attname for field in CreatorProfile._meta.concrete_fields if field.attname in known
            ]
            profile = CreatorProfile.from_db(DEFAULT_DB_ALIAS, names, [known[name] for name in names])
        profile_of.set_cached_value(author, profile)
    return bool(is_blocked), bool(owner_filters)


def _parent_for(*, author: User, video: Video, parent_id: int | None) -> Comment | None:
    """The visible top-level comment a reply answers (None for a comment); 404 for one the author may
    not see, 400 for a reply to a reply."""
    if parent_id is None:
        return None
    parent = (
        Comment.objects.filter(pk=parent_id, video=video)
        .filter(state=Comment.State.VISIBLE)
        .select_related("author")
        .first()
    )
    if parent is None or (
        parent.author_id is not None
        and blocking.block_exists_between(user_id=author.pk, other_id=parent.author_id)
    ):
        raise NotFound(gettext("No such comment."))
    if parent.parent_id is not None:
        raise ValidationError(
            gettext("Replies go one level deep: reply to the comment above it instead."),
            code="comment_reply_depth",
        )
    return parent


def comment_post(
    *,
    author: User,
    video: Video,
    text: object,
    parent_id: int | None = None,
    now: datetime.datetime | None = None,
) -> Comment:
    """Post a comment (or a reply, with ``parent_id``) on a video the author can see. The caller found
    ``video`` through ``creators.selectors.video_get_visible`` for this author."""
    now = now or timezone.now()
    clean = rules.text_clean(text)
    posting_check(user=author, now=now)
    if author.suspended_until is not None and author.suspended_until > now:
        raise ValidationError(gettext("A suspended account cannot comment."), code="account_suspended")
    with transaction.atomic():
        # One author's posts in turn, so that two at once cannot both pass the limits.
        is_blocked, owner_filters = _author_lock(author=author, video=video)
        if is_blocked:
            raise NotFound(gettext("No such video."))
        parent = _parent_for(author=author, video=video, parent_id=parent_id)
        refusal = comment_refusal(author=author, video=video)
        if refusal is not None:
            raise ValidationError(refusal.message, code=refusal.code)
        if rules.has_link(clean) and not (author.is_verified_publisher or hooks.may_post_links(author.pk)):
            raise ValidationError(
                gettext(
                    "Links are only for verified businesses and publishers: write the address out in words, "
                    "or leave it."
                ),
                code="comment_links",
            )
        _rate_check(author=author, video=video, text=clean, now=now)
        state, is_watched = _state_for(author=author, video=video, text=clean, owner_filters=owner_filters)
        comment = Comment.objects.create(
            video=video,
            author=author,
            parent=parent,
            text=clean,
            state=state,
            is_watched_match=is_watched,
            created_at=now,
        )
        if state in _COUNTED:
            _count(comment, sign=1)
    # A comment waiting for review notifies no one until it is visible.
    _follow_up(comment_id=comment.pk, is_new=True, notify=state in _COUNTED)
    return comment


def comment_edit(
    *, author: User, comment: Comment, text: object, now: datetime.datetime | None = None
) -> Comment:
    """The author rewrites their comment within ``rules.EDIT_WINDOW`` of posting it; it shows "edited".
    The new text goes through the same filters: a watched word holds it again."""
    now = now or timezone.now()
    if comment.author_id != author.pk or comment.state == Comment.State.DELETED:
        raise NotFound(gettext("No such comment."))
    clean = rules.text_clean(text)
    if now - comment.created_at > rules.EDIT_WINDOW:
        raise ValidationError(
            gettext("A comment can be edited for 5 minutes after posting; you can still delete it."),
            code="comment_edit_closed",
        )
    if comment.state not in (Comment.State.VISIBLE, Comment.State.PENDING, Comment.State.HELD):
        raise ValidationError(gettext("This comment can no longer be edited."), code="comment_edit_closed")
    if clean == comment.text:
        return comment
    if rules.has_link(clean) and not (author.is_verified_publisher or hooks.may_post_links(author.pk)):
        raise ValidationError(
            gettext("Links are only for verified businesses and publishers."), code="comment_links"
        )
    with transaction.atomic():
        locked = Comment.objects.select_for_update().select_related("video__owner").get(pk=comment.pk)
        state, is_watched = _state_for(author=author, video=locked.video, text=clean)
        was_counted = locked.state in _COUNTED
        locked.text, locked.edited_at = clean, now
        locked.state, locked.is_watched_match = state, locked.is_watched_match or is_watched
        locked.save(update_fields=["text", "edited_at", "state", "is_watched_match"])
        if was_counted and state not in _COUNTED:
            _count(locked, sign=-1)
    return locked


def _take_away(*, comment: Comment, state: str) -> Comment:
    """Move a comment out of sight (deleted, hidden or removed), uncounting it once."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().select_related("video__owner").get(pk=comment.pk)
        if locked.state == state:
            return locked
        was_counted = locked.state in _COUNTED
        locked.state = state
        fields = ["state"]
        if state == Comment.State.DELETED:
            # Nothing of a deleted comment remains readable; replies stay under "deleted comment".
            locked.text, locked.is_pinned = "", False
            fields += ["text", "is_pinned"]
        locked.save(update_fields=fields)
        if was_counted:
            _count(locked, sign=-1)
    return locked


def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """The author deletes their own comment, or the video's creator deletes one under their video."""
    is_author = comment.author_id == actor.pk
    is_creator = comment.video.owner.user_id == actor.pk
    if not (is_author or is_creator) or comment.state == Comment.State.DELETED:
        raise NotFound(gettext("No such comment."))
    return _take_away(comment=comment, state=Comment.State.DELETED)


def comment_erase(*, comment: Comment) -> bool:
    """Account deletion: take the author's comment away, its counts with it. One with replies by others
    stays as a "deleted comment" (no text, no author) so that they still read as answers; any other is
    deleted outright (its own author's replies first). True when the row is gone."""
    if comment.parent_id is None:
        own_replies = Comment.objects.filter(parent_id=comment.pk, author_id=comment.author_id)
        for reply in own_replies.select_related("video__owner"):
            comment_erase(comment=reply)
    kept = comment.parent_id is None and Comment.objects.filter(parent_id=comment.pk).exists()
    gone = _take_away(comment=comment, state=Comment.State.DELETED)
    if kept:
        Comment.objects.filter(pk=gone.pk).update(author=None)
        return False
    Comment.objects.filter(pk=gone.pk).delete()
    return True


def comment_hide(*, creator: User, comment: Comment, hidden: bool = True) -> Comment:
    """The video's creator hides a comment under their video (or shows it again)."""
    if comment.video.owner.user_id != creator.pk or comment.state in (
        Comment.State.DELETED,
        Comment.State.REMOVED,
        Comment.State.PENDING,
    ):
        raise NotFound(gettext("No such comment."))
    if hidden:
        return _take_away(comment=comment, state=Comment.State.HIDDEN)
    if comment.state != Comment.State.HIDDEN:
        return comment
    return _bring_back(comment=comment)


def _bring_back(*, comment: Comment) -> Comment:
    with transaction.atomic():
        locked = Comment.objects.select_for_update().select_related("video__owner").get(pk=comment.pk)
        if locked.state in _COUNTED:
            return locked
        was_waiting = locked.state in (Comment.State.PENDING, Comment.State.HELD)
        locked.state = Comment.State.VISIBLE
        locked.save(update_fields=["state"])
        _count(locked, sign=1)
    if was_waiting:  # seen for the first time: now its creator, parent's author and mentions hear of it
        _follow_up(comment_id=locked.pk, is_new=False, notify=True)
    return locked


def comment_approve(*, creator: User, comment: Comment) -> Comment:
    """The creator lets through a comment their own filter words held."""
    if comment.video.owner.user_id != creator.pk or comment.state != Comment.State.HELD:
        raise NotFound(gettext("No such comment."))
    return _bring_back(comment=comment)


def comment_moderate(*, comment: Comment, visible: bool) -> Comment:
    """A moderator's decision on a comment (through ``creators.trust.decisions``): removed, or visible
    again (a reversed decision, or a watched word's match found harmless)."""
    if visible:
        return _bring_back(comment=comment)
    return _take_away(comment=comment, state=Comment.State.REMOVED)


def comment_pin(*, creator: User, comment: Comment, pinned: bool = True) -> Comment:
    """The creator pins one visible top-level comment under their video (unpinning any other)."""
    if comment.video.owner.user_id != creator.pk or comment.state != Comment.State.VISIBLE:
        raise NotFound(gettext("No such comment."))
    if comment.parent_id is not None:
        raise ValidationError(
            gettext("Only a comment, not a reply, can be pinned."), code="comment_pin_reply"
        )
    with transaction.atomic():
        Comment.objects.filter(video_id=comment.video_id, is_pinned=True).exclude(pk=comment.pk).update(
            is_pinned=False
        )
        Comment.objects.filter(pk=comment.pk).update(is_pinned=pinned)
    comment.is_pinned = pinned
    return comment


def comment_like(*, user: User, comment: Comment, liked: bool = True) -> Comment:
    """Like a visible comment once (or take the like back); its count and "top" score follow."""
    if comment.state != Comment.State.VISIBLE or (
        comment.author_id is not None
        and blocking.block_exists_between(user_id=user.pk, other_id=comment.author_id)
    ):
        raise NotFound(gettext("No such comment."))
    with transaction.atomic():
        if liked:
            _, created = CommentLike.objects.get_or_create(comment=comment, user=user)
            change = 1 if created else 0
        else:
            change = -CommentLike.objects.filter(comment=comment, user=user).delete()[0]
        if change:
            Comment.objects.filter(pk=comment.pk).update(
                like_count=Greatest(F("like_count") + change, 0),
                score=Greatest(F("score") + change * rules.LIKE_POINTS, 0),
            )
    comment.refresh_from_db(fields=["like_count", "score"])
    return comment


def comment_policy_set(*, profile: CreatorProfile, policy: str, video: Video | None = None) -> str:
    """Set who may comment on the account's videos (or on one ``video``, blank: as the account says);
    returns what is in force. Choices the person's age does not allow are refused."""
    band = age.age_band(date_of_birth=profile.user.date_of_birth)
    allowed = age.comment_policies_allowed(band)
    if policy and policy not in allowed:
        if policy in CommentPolicy.values:
            raise ValidationError(
                gettext("Under 16, comments come only from people you follow back, or no one."),
                code="comment_policy_age",
            )
        raise ValidationError(
            gettext("Choose everyone, people you follow back or no one."), code="comment_policy_invalid"
        )
    if video is not None:
        if video.owner_id != profile.pk:
            raise NotFound(gettext("No such video."))
        Video.objects.filter(pk=video.pk).update(comment_policy=policy)
        video.comment_policy = policy
        return age.comment_policy_in_force(band=band, account=profile.comment_policy, video=policy)
    CreatorProfile.objects.filter(pk=profile.pk).update(comment_policy=policy)
    profile.comment_policy = policy
    return age.comment_policy_in_force(band=band, account=policy)


def filter_word_add(*, profile: CreatorProfile, phrase: str) -> CommentFilterWord:
    clean = " ".join(str(phrase).split())
    if not clean or len(clean) > 100:
        raise ValidationError(gettext("A filtered word is 1–100 characters."), code="filter_word_invalid")
    if profile.comment_filter_words.count() >= 200:
        raise ValidationError(gettext("You can filter at most 200 words."), code="filter_word_limit")
    word, _ = CommentFilterWord.objects.get_or_create(creator=profile, phrase=clean.lower())
    return word


def filter_word_remove(*, profile: CreatorProfile, word_id: int) -> None:
    if not CommentFilterWord.objects.filter(creator=profile, pk=word_id).delete()[0]:
        raise NotFound(gettext("No such word."))
