"""Creator profiles (handle, links, avatar) and follows, with the follower count kept by ``F()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext

from creators import hooks, images
from creators.models import CreatorProfile, Follow, FollowChange
from creators.services._storage import files_delete
from creators.trust.watched_words import watched_match
from platform import blocking
from platform.languages import in_language_of
from platform.models import Block, Mute, User
from platform.notifications import Kind, notify
from platform.services import audit_record

RESERVED_HANDLES = frozenset(
    {
        "about", "accounts", "admin", "api", "help", "home", "joyreel", "login", "logout", "me",
        "media", "moderator", "news", "official", "root", "settings", "signup", "static", "staff",
        "stem", "studio", "support", "system", "www",
    }
)  # fmt: skip
MAX_LINKS = 5


def _links_clean(links: Iterable[str]) -> list[str]:
    from django.core.validators import URLValidator

    cleaned = [link.strip() for link in links if link and link.strip()]
    if len(cleaned) > MAX_LINKS:
        raise ValidationError({"links": gettext("At most %(count)s links.") % {"count": MAX_LINKS}})
    validate = URLValidator(schemes=["http", "https"])
    for link in cleaned:
        try:
            validate(link)
        except ValidationError as error:
            raise ValidationError({"links": f"“{link[:80]}” is not a web address."}) from error
    return cleaned


def _handle_clean(handle: str) -> str:
    handle = handle.strip().lstrip("@")
    if handle.casefold() in RESERVED_HANDLES:
        raise ValidationError({"handle": gettext("That handle is reserved.")})
    return handle


def creator_profile_create(
    *,
    user: User,
    handle: str,
    display_name: str,
    bio: str = "",
    links: Iterable[str] = (),
    region: str = "",
) -> CreatorProfile:
    profile = CreatorProfile(
        user=user,
        handle=_handle_clean(handle),
        display_name=display_name.strip(),
        bio=bio.strip(),
        links=_links_clean(links),
        region=region or user.region,
    )
    if CreatorProfile.objects.filter(handle__iexact=profile.handle).exists():
        raise ValidationError({"handle": gettext("That handle is taken.")})
    profile.full_clean(exclude=["user", "avatar_small", "avatar_large"])
    if CreatorProfile.objects.filter(user=user).exists():
        raise ValidationError(gettext("You already have a creator profile."))
    try:
        with transaction.atomic():
            profile.save()
            _watched_review(profile)
    except IntegrityError as error:
        raise ValidationError({"handle": gettext("That handle is taken.")}) from error
    return profile


def creator_profile_update(
    *, profile: CreatorProfile, display_name: str, bio: str, links: Iterable[str], region: str
) -> CreatorProfile:
    bio_changed = bio.strip() != profile.bio
    profile.display_name = display_name.strip()
    profile.bio = bio.strip()
    profile.links = _links_clean(links)
    profile.region = region
    profile.full_clean(exclude=["user", "avatar_small", "avatar_large", "handle"])
    with transaction.atomic():
        profile.save(update_fields=["display_name", "bio", "links", "region"])
        transaction.on_commit(lambda: hooks.profile_changed(profile.pk))
        if bio_changed:
            _watched_review(profile)
    return profile


def _watched_review(profile: CreatorProfile) -> None:
    """A watched word in the bio: hidden, and the creator's videos not recommended, until reviewed."""
    phrase = watched_match(text=profile.bio)
    if phrase is None or profile.is_under_review:
        return
    profile.is_under_review = True
    profile.save(update_fields=["is_under_review"])
    audit_record(actor=None, action="profile.review", target=profile, detail={"phrase": phrase})


def creator_avatar_set(*, profile: CreatorProfile, data: IO[bytes]) -> CreatorProfile:
    try:
        sizes = images.avatar_process(data=data)
    except images.ImageRejected as error:
        raise ValidationError({"avatar": gettext(error.reason)}) from error
    small_size, large_size = images.AVATAR_SIZES
    old = [profile.avatar_small.name, profile.avatar_large.name]
    profile.avatar_small.save(f"{small_size}.jpg", ContentFile(sizes[small_size]), save=False)
    profile.avatar_large.save(f"{large_size}.jpg", ContentFile(sizes[large_size]), save=False)
    profile.save(update_fields=["avatar_small", "avatar_large"])
    transaction.on_commit(lambda: files_delete(profile.avatar_small.storage, old))
    return profile


def follow_create(*, follower: User, creator: CreatorProfile) -> Follow:
    if creator.user_id == follower.pk:
        raise ValidationError(gettext("You can't follow yourself."))
    if blocking.block_exists_between(user_id=follower.pk, other_id=creator.user_id):
        raise ValidationError(gettext("You can't follow this account."))
    status = Follow.Status.PENDING if creator.user.is_private else Follow.Status.APPROVED
    # Who may follow (a parent may set it for a linked teen): nobody, or only people approved one by one.
    if creator.user.follow_policy == User.FollowPolicy.NOBODY:
        raise ValidationError(gettext("This account doesn't take new followers."), code="follow_policy")
    if creator.user.follow_policy == User.FollowPolicy.APPROVED:
        status = Follow.Status.PENDING
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(
            follower=follower, creator=creator, defaults={"status": status}
        )
        if created and status == Follow.Status.APPROVED:
            CreatorProfile.objects.filter(pk=creator.pk).update(follower_count=F("follower_count") + 1)
            FollowChange.objects.create(creator=creator, delta=1)
        if created and status == Follow.Status.PENDING:
            with in_language_of(creator.user):
                title = gettext("%(name)s asked to follow you") % {"name": follower.display_name}
            url = reverse("creators:studio") + "#follow-requests"
            notify(user=creator.user, kind=Kind.FOLLOW_REQUEST, title=title, url=url)
    return follow


def follow_delete(*, follower: User, creator: CreatorProfile) -> None:
    with transaction.atomic():
        follow = Follow.objects.select_for_update().filter(follower=follower, creator=creator).first()
        if follow is None:
            return
        follow.delete()
        if follow.status == Follow.Status.APPROVED:
            CreatorProfile.objects.filter(pk=creator.pk).update(follower_count=F("follower_count") - 1)
            FollowChange.objects.create(creator=creator, delta=-1)


def follow_approve(*, creator: CreatorProfile, follow_id: int) -> Follow:
    with transaction.atomic():
        follow = Follow.objects.select_for_update().get(pk=follow_id, creator=creator)
        if follow.status != Follow.Status.APPROVED:
            follow.status = Follow.Status.APPROVED
            follow.save(update_fields=["status"])
            CreatorProfile.objects.filter(pk=creator.pk).update(follower_count=F("follower_count") + 1)
            FollowChange.objects.create(creator=creator, delta=1)
    return follow


def account_block(*, blocker: User, blocked: User) -> Block:
    """Block an account and end the follows between the two, both ways, pending requests included."""
    with transaction.atomic():
        block = blocking.block_create(blocker=blocker, blocked=blocked)
        follows = Follow.objects.filter(
            Q(follower=blocker, creator__user=blocked) | Q(follower=blocked, creator__user=blocker)
        ).select_related("follower", "creator")
        for follow in follows:
            follow_delete(follower=follow.follower, creator=follow.creator)
    return block


def account_unblock(*, blocker: User, blocked: User) -> None:
    """Lift a block; follows ended by it stay ended."""
    blocking.block_delete(blocker=blocker, blocked=blocked)


def account_mute(*, muter: User, muted: User) -> Mute:
    return blocking.mute_create(muter=muter, muted=muted)


def account_unmute(*, muter: User, muted: User) -> None:
    blocking.mute_delete(muter=muter, muted=muted)
