"""Every read of a conversation, scoped to what the viewer may see: a video's comments (top or newest,
pinned first), a comment's replies, one comment, who may comment where, and a creator's inbox.

Blocks hide comments both ways and mutes one way, on every route; restricted mode hides comments a
watched word matched; an author sees their own comments that wait for review ("pending")."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from creators.comments.models import Comment, CommentLike
from creators.models import CreatorProfile, Follow, Video
from creators.selectors import videos_visible
from platform import age, blocking
from platform.models import User
from platform.statements import STAND_IN_ID, StatementCache
from platform.viewer import Viewer

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
ORDERS = ("top", "newest")
# A deleted comment that others replied to: it stays, without text or author, above its replies.
_PLACEHOLDER = Q(state=Comment.State.DELETED, reply_count__gt=0)
# An author sees these of their own comments, marked as waiting.
_WAITING = (Comment.State.PENDING, Comment.State.HELD)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why someone may not comment on a video: a code for clients and a sentence for people."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class CommentPage:
    comments: list[Comment]
    next_cursor: str | None
    # How many comments the viewer may see on the video (``comment_page`` only): its count, less those of
    # the accounts hidden from them.
    comment_count: int | None = None


def filter_phrases(*, creator: CreatorProfile) -> tuple[str, ...]:
    return tuple(creator.comment_filter_words.values_list("phrase", flat=True))


def _follows(*, follower_id: int, profile_id: int) -> bool:
    return Follow.objects.filter(
        follower_id=follower_id, creator_id=profile_id, status=Follow.Status.APPROVED
    ).exists()


def _is_follow_back(*, owner: CreatorProfile, person_id: int) -> bool:
    """Whether the person follows the creator and the creator follows them back (both approved)."""
    return (
        Follow.objects.filter(follower_id=person_id, creator=owner, status=Follow.Status.APPROVED).exists()
        and Follow.objects.filter(
            follower_id=owner.user_id, creator__user_id=person_id, status=Follow.Status.APPROVED
        ).exists()
    )


def policy_in_force(*, video: Video) -> str:
    """Who may comment on ``video`` now (``CommentPolicy``'s value), with the owner's age applied."""
    owner = video.owner
    band = age.age_band(date_of_birth=owner.user.date_of_birth)
    return age.comment_policy_in_force(band=band, account=owner.comment_policy, video=video.comment_policy)


def comment_refusal(*, author: User | None, video: Video) -> Refusal | None:
    """Why ``author`` may not comment on ``video`` (which they can see), or None when they may."""
    if author is None:
        return Refusal("login_required", gettext("Log in to comment."))
    if (
        video.state != Video.State.PUBLISHED
        or video.moderation_state == Video.Moderation.REMOVED
        or video.visibility == Video.Visibility.PRIVATE
    ):
        return Refusal("comments_unavailable", gettext("This video does not take comments."))
    owner = video.owner
    if owner.user_id == author.pk:
        return None
    policy = policy_in_force(video=video)
    if policy == "nobody":
        return Refusal("comments_off", gettext("The creator turned comments off for this video."))
    if policy == "follow_backs" and not _is_follow_back(owner=owner, person_id=author.pk):
        return Refusal(
            "comments_friends_only", gettext("Only people this creator follows back can comment here.")
        )
    author_band = age.age_band(date_of_birth=author.date_of_birth)
    owner_band = age.age_band(date_of_birth=owner.user.date_of_birth)
    if (
        owner_band == age.AgeBand.ADULT
        and not age.may_comment_on_unfollowed_adult(author_band)
        and not _follows(follower_id=author.pk, profile_id=owner.pk)
    ):
        return Refusal("comments_follow_first", gettext("Follow this creator to comment on their videos."))
    return None


def _hidden_ids(viewer: Viewer) -> list[int]:
    """The accounts hidden from the viewer (blocked either way, or muted), read once for a page whose
    queries all leave them out: most people hide no one, and then the queries have nothing to leave out."""
    if viewer.user_id is None:
        return []
    return blocking.hidden_ids(user_id=viewer.user_id)


def _seen_by(
    queryset: QuerySet[Comment],
    *,
    viewer: Viewer,
    own_waiting: bool = True,
    placeholders: bool = False,
    hidden: list[int] | None = None,
) -> QuerySet[Comment]:
    """Comments the viewer may read: visible ones (and their own waiting ones, unless ``own_waiting`` is
    off), without the accounts hidden from them, without watched-word matches in restricted mode. With
    ``placeholders``, deleted comments that still have replies too: shown as "deleted comment" above them.
    ``hidden``: the hidden accounts' ids (``_hidden_ids``) if already read, else a subquery finds them."""
    viewer_id = viewer.user_id
    shown = Q(state=Comment.State.VISIBLE)
    if placeholders:
        shown |= _PLACEHOLDER
    if viewer_id is not None:
        if own_waiting:
            shown |= Q(author_id=viewer_id, state__in=_WAITING)
        # Blocks and mutes hide comments whatever else is asked for.
        if hidden is None:
            queryset = queryset.exclude(author_id__in=blocking.users_hidden_from(user_id=viewer_id))
        elif hidden:
            queryset = queryset.exclude(author_id__in=hidden)
    queryset = queryset.filter(shown)
    if viewer.is_restricted_mode:
        queryset = queryset.filter(is_watched_match=False)
    return queryset


# What a list of comments shows of their authors (``author_name``, the serializers' ``author``).
_LIST_FIELDS = (
    *(field.name for field in Comment._meta.concrete_fields),
    "author__display_name",
    "author__creator_profile__handle",
    "author__creator_profile__display_name",
)


def _with_viewer(queryset: QuerySet[Comment], *, viewer: Viewer, light: bool = False) -> QuerySet[Comment]:
    """With the authors (and their profiles) and the viewer's likes. ``light`` reads only what a list
    shows of the authors: an account's other columns cost more to load than the whole comment."""
    queryset = queryset.select_related("author__creator_profile")
    if light:
        queryset = queryset.only(*_LIST_FIELDS)
    if viewer.user_id is None:
        return queryset
    return queryset.annotate(
        is_liked=Exists(CommentLike.objects.filter(comment=OuterRef("pk"), user_id=viewer.user_id))
    )


def comment_get_visible(*, comment_id: int, viewer: Viewer, placeholders: bool = False) -> Comment | None:
    """One comment the viewer may read, on a video they may see (its video loaded), or None. With
    ``placeholders``, a deleted comment whose replies stay (to list those replies; nothing acts on it)."""
    queryset = _seen_by(
        Comment.objects.filter(pk=comment_id), viewer=viewer, placeholders=placeholders
    ).filter(video__in=videos_visible(viewer=viewer))
    return _with_viewer(queryset.select_related("video__owner__user"), viewer=viewer).first()


def comment_get_for_creator(*, comment_id: int, creator_id: int) -> Comment | None:
    """A comment under one of the creator's own videos, in any state they act on (held, hidden), not
    one by an account hidden from them (blocked either way, or muted), with its video and owner loaded."""
    return (
        Comment.objects.filter(pk=comment_id, video__owner__user_id=creator_id)
        .exclude(state__in=[Comment.State.DELETED, Comment.State.REMOVED])
        .exclude(author_id__in=blocking.users_hidden_from(user_id=creator_id))
        .select_related("video__owner__user", "author__creator_profile")
        .first()
    )


def _cursor_parse(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    try:
        first, second = (int(part) for part in cursor.split(".", 1))
    except ValueError as error:
        raise ValidationError(
            gettext("That page link is broken; start from the first page."), code="cursor_invalid"
        ) from error
    # A position no page can name (and a time past the calendar's end) is as broken as an unreadable one.
    if first < 0 or second < 0 or first >= 10**16 or second >= 2**63:
        raise ValidationError(
            gettext("That page link is broken; start from the first page."), code="cursor_invalid"
        )
    return first, second


def _micros(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _after(*, order: str, first: int | datetime.datetime, last_id: int) -> Q:
    """Comments after a cursor's position in ``order`` (both descending: lower keys come later); for
    "newest", ``first`` is the position's time."""
    if order == "top":
        return Q(score__lt=first) | Q(score=first, id__lt=last_id)
    return Q(created_at__lt=first) | Q(created_at=first, id__lt=last_id)


@dataclass(frozen=True, slots=True)
class _PageAsk:
    """What a page's two queries are built from: the real values, or stand-ins (``_page_statement``)."""

    order: str
    size: int
    video_id: int
    viewer: Viewer
    hidden: tuple[int, ...]
    first: int | datetime.datetime | None  # the cursor's score (top) or time (newest); None: first page
    last_id: int | None


def _page_querysets(ask: _PageAsk) -> tuple[QuerySet[Comment], QuerySet[Comment]]:
    """The page's special rows (the pinned comment, the viewer's own waiting ones, the stretch's "deleted
    comment" placeholders) and its visible rows, each with authors and the viewer's likes."""
    viewer, hidden = ask.viewer, list(ask.hidden)
    ordering = ("-score", "-id") if ask.order == "top" else ("-created_at", "-id")
    after = None
    if ask.first is not None and ask.last_id is not None:
        after = _after(order=ask.order, first=ask.first, last_id=ask.last_id)
    top_level = Comment.objects.filter(video_id=ask.video_id, parent__isnull=True)
    rows = _seen_by(top_level, viewer=viewer, own_waiting=False, hidden=hidden).filter(is_pinned=False)
    if after is not None:
        rows = rows.filter(after)
    # The pinned comment (first page) and the viewer's own waiting comments are found by id on their own
    # indexes, then read and merged here: in the page's query (an OR on the state) no index would give
    # the order, and a big video's every comment would be sorted for each page (benchmark_comments).
    # Deleted comments whose replies stay are merged the same way, as "deleted comment" above them:
    # only those of this page's stretch (after the cursor, at most a page of them), read in the page's
    # order on the same index as the visible ones.
    # (Without the accounts hidden from the viewer here too: a page of those would push a shown one out.)
    deleted = _seen_by(
        top_level.filter(state=Comment.State.DELETED),
        viewer=viewer,
        own_waiting=False,
        placeholders=True,
        hidden=hidden,
    )
    if after is not None:
        deleted = deleted.filter(after)
    special = [Q(pk__in=deleted.order_by(*ordering).values("pk")[: ask.size + 1])]
    if after is None:
        special.append(Q(video_id=ask.video_id, is_pinned=True))
    if viewer.user_id is not None:
        special.append(Q(author_id=viewer.user_id, state__in=_WAITING))
    # One arm per kind, joined by UNION ALL: each arm reads its own index. As one WHERE with ORs,
    # SQLite scanned the whole video's comments (340 ms a page on a 200k-comment video).
    arms = [
        Comment.objects.filter(condition).order_by().values_list("pk", flat=True) for condition in special
    ]
    # The rows are read by primary key, in the same query (the union as its subquery): with
    # "parent IS NULL" here SQLite walked the replies' index over every top-level comment. The viewer's
    # waiting replies and other videos' comments are skipped by the caller.
    merged = _seen_by(
        Comment.objects.filter(pk__in=arms[0].union(*arms[1:], all=True)).order_by(),
        viewer=viewer,
        placeholders=True,
        hidden=hidden,
    )
    return (
        _with_viewer(merged, viewer=viewer, light=True),
        _with_viewer(rows.order_by(*ordering), viewer=viewer, light=True)[: ask.size + 1],
    )


# The columns a list reads (``_LIST_FIELDS``), as rows of values, and how they become comments again.
_COMMENT_NAMES = tuple(field.attname for field in Comment._meta.concrete_fields)
_AUTHOR_NAMES = ("id", "display_name")
_PROFILE_NAMES = ("id", "user_id", "handle", "display_name")
_ROW_COLUMNS = (
    *_COMMENT_NAMES,
    *(f"author__{name}" for name in _AUTHOR_NAMES),
    *(f"author__creator_profile__{name}" for name in _PROFILE_NAMES),
)
_page_statements = StatementCache(size=512)
# Stand-ins of a page's values, none of which a real row or cursor has. A score's stays within its
# column's range: the ORM turns a comparison with a value no column can hold into "nothing matches".
_STAND_IN_TIME = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
_STAND_IN_SCORE = 2_147_483_011


def _as_rows(queryset: QuerySet[Comment], *, signed_in: bool) -> QuerySet[Comment, tuple[Any, ...]]:
    return queryset.values_list(*_ROW_COLUMNS, *(("is_liked",) if signed_in else ()))


def _comment_of(row: list[Any], *, signed_in: bool) -> Comment:
    """A comment from one ``_as_rows`` row, as ``_with_viewer(light=True)`` loads it: the author (only
    their name) and their profile (or the knowledge that there is none) cached on it."""
    ends = (len(_COMMENT_NAMES), len(_COMMENT_NAMES) + len(_AUTHOR_NAMES))
    comment = Comment.from_db(DEFAULT_DB_ALIAS, list(_COMMENT_NAMES), row[: ends[0]])
    author_values = row[ends[0] : ends[1]]
    profile_values = row[ends[1] : ends[1] + len(_PROFILE_NAMES)]
    author = None
    if author_values[0] is not None:
        author = User.from_db(DEFAULT_DB_ALIAS, list(_AUTHOR_NAMES), author_values)
        profile = None
        if profile_values[0] is not None:
            profile = CreatorProfile.from_db(DEFAULT_DB_ALIAS, list(_PROFILE_NAMES), profile_values)
            CreatorProfile.user.field.set_cached_value(profile, author)
        User.creator_profile.related.set_cached_value(author, profile)
    Comment.author.field.set_cached_value(comment, author)
    if signed_in:
        comment.is_liked = bool(row[-1])  # type: ignore[attr-defined]
    return comment


def _page_read(ask: _PageAsk) -> tuple[list[Comment], list[Comment]]:
    """The page's special rows and visible rows (``_page_querysets``), through their SQL compiled once
    per kind of page: the ORM took longer to build these queries than the database to answer them."""
    signed_in = ask.viewer.user_id is not None
    on_cursor = ask.first is not None
    key = (ask.order, ask.size, signed_in, ask.viewer.is_restricted_mode, len(ask.hidden), on_cursor)
    stand_in = _PageAsk(
        order=ask.order,
        size=ask.size,
        video_id=STAND_IN_ID,
        viewer=dataclasses.replace(ask.viewer, user=User(pk=STAND_IN_ID + 1) if signed_in else None),
        hidden=tuple(STAND_IN_ID + 10 + index for index in range(len(ask.hidden))),
        first=(_STAND_IN_SCORE if ask.order == "top" else _STAND_IN_TIME) if on_cursor else None,
        last_id=STAND_IN_ID + 3 if on_cursor else None,
    )
    names: dict[str, Any] = {
        "video_id": stand_in.video_id,
        **{f"hidden{index}": value for index, value in enumerate(stand_in.hidden)},
    }
    values: dict[str, Any] = {
        "video_id": ask.video_id,
        **{f"hidden{index}": value for index, value in enumerate(ask.hidden)},
    }
    if signed_in:
        names["viewer_id"], values["viewer_id"] = STAND_IN_ID + 1, ask.viewer.user_id
    if on_cursor:
        names["first"], values["first"] = stand_in.first, ask.first
        names["last_id"], values["last_id"] = stand_in.last_id, ask.last_id
    read: list[list[Comment]] = []
    orm: tuple[QuerySet[Comment], QuerySet[Comment]] | None = None
    for part in (0, 1):
        statement = _page_statements.statement(
            (part, *key),
            names,
            lambda part=part: _as_rows(_page_querysets(stand_in)[part], signed_in=signed_in),  # type: ignore[misc]
        )
        if statement is None:  # the ORM, as written
            orm = orm or _page_querysets(ask)
            read.append(list(orm[part]))
        else:
            read.append([_comment_of(row, signed_in=signed_in) for row in statement.run(values)])
    return read[0], read[1]


def comment_page(
    *, video: Video, viewer: Viewer, order: str = "top", cursor: str | None = None, size: int = PAGE_SIZE
) -> CommentPage:
    """A page of ``video``'s top-level comments (the viewer can see the video), pinned first on the
    first page. "top" orders by ``Comment.score``, "newest" by time; cursors are keyset positions."""
    if order not in ORDERS:
        raise ValidationError(gettext("Order comments by top or newest."), code="order_invalid")
    size = max(1, min(size, MAX_PAGE_SIZE))
    position = _cursor_parse(cursor)
    hidden = _hidden_ids(viewer)

    def key(comment: Comment) -> tuple[int, int]:  # the cursor's position of a comment
        return (comment.score if order == "top" else _micros(comment.created_at), comment.pk)

    first: int | datetime.datetime | None = None
    if position is not None:
        first = position[0]
        if order == "newest":
            first = datetime.datetime.fromtimestamp(position[0] / 1_000_000, tz=datetime.UTC)
    special, rows = _page_read(
        _PageAsk(
            order=order,
            size=size,
            video_id=video.pk,
            viewer=viewer,
            hidden=tuple(hidden),
            first=first,
            last_id=position[1] if position is not None else None,
        )
    )
    pinned: list[Comment] = []
    waiting: list[Comment] = []
    for comment in special:
        if comment.parent_id is not None or comment.video_id != video.pk:
            continue
        if comment.is_pinned:
            if position is None:
                pinned.append(comment)
        elif comment.state != Comment.State.VISIBLE and (position is None or key(comment) < position):
            waiting.append(comment)
    if waiting:
        rows = sorted(rows + waiting, key=key, reverse=True)[: size + 1]
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        first = last.score if order == "top" else _micros(last.created_at)
        next_cursor = f"{first}.{last.pk}"
    count = video.comment_count
    if hidden:  # a query only for those who blocked or muted someone
        count -= Comment.objects.filter(
            video=video, state=Comment.State.VISIBLE, author_id__in=hidden
        ).count()
    return CommentPage(comments=pinned + rows, next_cursor=next_cursor, comment_count=max(count, 0))


def reply_page(
    *, parent: Comment, viewer: Viewer, cursor: str | None = None, size: int = PAGE_SIZE
) -> CommentPage:
    """A page of a comment's replies, oldest first (a conversation reads down)."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    position = _cursor_parse(cursor)
    queryset = _seen_by(
        Comment.objects.filter(parent=parent), viewer=viewer, hidden=_hidden_ids(viewer)
    ).order_by("created_at", "id")
    if position is not None:
        micros, last_id = position
        moment = datetime.datetime.fromtimestamp(micros / 1_000_000, tz=datetime.UTC)
        queryset = queryset.filter(Q(created_at__gt=moment) | Q(created_at=moment, id__gt=last_id))
    rows = list(_with_viewer(queryset, viewer=viewer, light=True)[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = f"{_micros(rows[-1].created_at)}.{rows[-1].pk}"
    return CommentPage(comments=rows, next_cursor=next_cursor)


def comments_inbox(*, profile: CreatorProfile, limit: int = 50) -> QuerySet[Comment]:
    """What is new under the creator's videos: others' comments (visible or waiting for the creator's
    approval), newest first, without the accounts the creator blocked or muted."""
    return (
        Comment.objects.filter(video__owner=profile, state__in=[Comment.State.VISIBLE, Comment.State.HELD])
        .exclude(author_id=profile.user_id)
        .exclude(author_id__in=blocking.users_hidden_from(user_id=profile.user_id))
        .select_related("author__creator_profile", "video")
        .order_by("-created_at", "-id")[:limit]
    )


def author_name(comment: Comment) -> str:
    """How a comment's author is shown: "@handle", their name, or "deleted account"."""
    if comment.author is None:
        return "deleted account"
    return blocking.account_name(comment.author)
