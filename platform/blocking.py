"""Blocks and mutes between accounts: the writes, and the subqueries every feed and route filters by.

A block works both ways (neither sees the other, neither can follow the other); a mute works one way
(the muter stops seeing the muted account's videos in feeds, and nobody is told). Removing follows on a
block belongs to ``creators`` (``creators.services.account_block``), which calls ``block_create`` here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from platform.models import Block, Mute, User
from platform.statements import STAND_IN_ID, StatementCache

# --- writes ----------------------------------------------------------------------------


def block_create(*, blocker: User, blocked: User) -> Block:
    """Block ``blocked`` for ``blocker``; blocking twice returns the existing block."""
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You can't block yourself."))
    # get_or_create re-reads the row when a concurrent request wrote the same block a moment ago.
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def block_delete(*, blocker: User, blocked: User) -> None:
    """Lift a block; lifting one that does not exist does nothing."""
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


def mute_create(*, muter: User, muted: User) -> Mute:
    """Mute ``muted`` for ``muter``; muting twice returns the existing mute."""
    if muter.pk == muted.pk:
        raise ValidationError(_("You can't mute yourself."))
    mute, _created = Mute.objects.get_or_create(muter=muter, muted=muted)
    return mute


def mute_delete(*, muter: User, muted: User) -> None:
    """Unmute; unmuting an account that is not muted does nothing."""
    Mute.objects.filter(muter=muter, muted=muted).delete()


# --- reads -----------------------------------------------------------------------------


def users_blocked_either_way(*, user_id: int) -> QuerySet[User, int]:
    """The ids of accounts ``user_id`` blocked or was blocked by, as a subquery (``owner__user_id__in=``)."""
    # One IN over a UNION ALL, not an OR of three INs: PostgreSQL then looks the few ids up by primary key
    # instead of scanning the whole user table for every query that excludes them (benchmark_comments).
    either = (
        Block.objects.filter(blocker_id=user_id)
        .values_list("blocked_id", flat=True)
        .union(Block.objects.filter(blocked_id=user_id).values_list("blocker_id", flat=True), all=True)
    )
    return User.objects.filter(pk__in=either).values_list("pk", flat=True)


def _hidden_union(user_id: int) -> QuerySet[Block, int]:
    return (
        Block.objects.filter(blocker_id=user_id)
        .values_list("blocked_id", flat=True)
        .union(
            Block.objects.filter(blocked_id=user_id).values_list("blocker_id", flat=True),
            Mute.objects.filter(muter_id=user_id).values_list("muted_id", flat=True),
            all=True,
        )
    )


def users_hidden_from(*, user_id: int) -> QuerySet[User, int]:
    """The ids of accounts whose videos ``user_id``'s feeds never show: blocked either way, or muted."""
    return User.objects.filter(pk__in=_hidden_union(user_id)).values_list("pk", flat=True)


_hidden_statements = StatementCache(size=2)


def hidden_ids(*, user_id: int) -> list[int]:
    """``users_hidden_from`` read now, in one query: for a request whose several queries leave them out.
    Its SQL is compiled once (``platform.statements``): on a page's path the ORM took longer to build the
    union than the database to answer it."""
    statement = _hidden_statements.statement(
        "hidden", {"user_id": STAND_IN_ID}, lambda: _hidden_union(STAND_IN_ID)
    )
    if statement is None:
        return sorted(set(_hidden_union(user_id)))
    return sorted({row[0] for row in statement.run({"user_id": user_id})})


def blocks_between(*, user_id: Any, other_id: Any) -> QuerySet[Block]:
    """The blocks either of the two made of the other (ids or ``OuterRef``s, for an ``Exists``)."""
    return Block.objects.filter(
        Q(blocker_id=user_id, blocked_id=other_id) | Q(blocker_id=other_id, blocked_id=user_id)
    )


def block_exists_between(*, user_id: int, other_id: int) -> bool:
    """Whether either of the two blocked the other."""
    return blocks_between(user_id=user_id, other_id=other_id).exists()


def blocks_of(*, user: User) -> QuerySet[Block]:
    """The accounts this user blocked, newest first, with their creator profile (for the handle)."""
    # "creator_profile" is creators' reverse accessor; a string here keeps platform free of imports from above.
    return Block.objects.filter(blocker=user).select_related("blocked__creator_profile").order_by("-pk")


def mutes_of(*, user: User) -> QuerySet[Mute]:
    """The accounts this user muted, newest first, with their creator profile (for the handle)."""
    return Mute.objects.filter(muter=user).select_related("muted__creator_profile").order_by("-pk")


def account_name(user: User) -> str:
    """How a blocked or muted account is named to the person who did it: "@handle", else its name."""
    profile = getattr(user, "creator_profile", None)  # creators' reverse accessor; None without a profile
    handle = getattr(profile, "handle", None)
    return f"@{handle}" if handle else user.display_name
