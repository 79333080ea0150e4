"""A copy of whom a viewer's feeds never show (``platform.blocking.users_hidden_from``: blocked either
way, or muted), as creator profile ids on their ``InterestProfile``, so the ranking leaves those creators'
videos out before it picks a page instead of the page's last check dropping them after (which cost a
refill query when one ranked high). The last check still runs, so a block made a moment ago holds on the
very next page whatever this copy says.

Kept by receivers on every write that changes it: a block or mute made or lifted (from any route, the
admin or a cascade), a hidden account becoming a creator, and a user getting an interest profile."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from creators.models import CreatorProfile
from feeds.models import InterestProfile
from platform import blocking
from platform.models import Block, Mute


def hidden_creator_ids(*, user_id: int) -> list[int]:
    """The creator profiles of the accounts ``user_id``'s feeds never show, in one query."""
    return sorted(
        CreatorProfile.objects.filter(user_id__in=blocking.users_hidden_from(user_id=user_id)).values_list(
            "pk", flat=True
        )
    )


def refresh(user_ids: Iterable[int]) -> None:
    """Re-copy the hidden creators onto these users' interest profiles (a user without one has nothing
    to copy onto: the profile gets its copy when it is made)."""
    for user_id in set(user_ids):
        InterestProfile.objects.filter(user_id=user_id).update(
            hidden_creators=hidden_creator_ids(user_id=user_id)
        )


def _block_changed(sender: type[Block], instance: Block, **kwargs: Any) -> None:
    refresh([instance.blocker_id, instance.blocked_id])


def _mute_changed(sender: type[Mute], instance: Mute, **kwargs: Any) -> None:
    refresh([instance.muter_id])


def _creator_created(
    sender: type[CreatorProfile], instance: CreatorProfile, created: bool, **kwargs: Any
) -> None:
    """Someone blocked, blocked by or muted by others became a creator: those others' copies name them now."""
    if not created:
        return
    user_id = instance.user_id
    blocks = Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list(
        "blocker_id", "blocked_id"
    )
    others = {other for pair in blocks for other in pair if other != user_id}
    others.update(Mute.objects.filter(muted_id=user_id).values_list("muter_id", flat=True))
    refresh(others)


def _profile_saved(
    sender: type[InterestProfile],
    instance: InterestProfile,
    created: bool,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """A profile made for a user, or an anonymous one carried over to their account, gets its copy."""
    if instance.user_id is not None and (created or (update_fields is not None and "user" in update_fields)):
        refresh([instance.user_id])


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    for signal in (post_save, post_delete):
        signal.connect(_block_changed, sender=Block, dispatch_uid=f"feeds.hidden_block_{signal is post_save}")
        signal.connect(_mute_changed, sender=Mute, dispatch_uid=f"feeds.hidden_mute_{signal is post_save}")
    post_save.connect(_creator_created, sender=CreatorProfile, dispatch_uid="feeds.hidden_creator_created")
    post_save.connect(_profile_saved, sender=InterestProfile, dispatch_uid="feeds.hidden_profile_saved")
