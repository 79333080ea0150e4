"""Family pairing: a parent's one-time code, the teen's link, and what the linked parent may change and see.

The parent-side controls go through ``platform.screen_time`` with the parent as ``actor``, so the rules
of who may set what live in one place. Who may be a parent (an adult whose account is a week old, with
a confirmed email, not made from the teen's browser or network) is ``platform.age``'s rule.

Linking takes two steps: the teen enters the code and sees whose account it is (display name and
email), then confirms; the code is used only at the confirmation.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from platform import age
from platform.errors import NotFound, RateLimited
from platform.languages import in_language_of
from platform.models import AuditEntry, FamilyLink, PairingCode, User
from platform.notifications import Kind, notify
from platform.screen_time import (
    ScreenTimeDayTotal,
    screen_time_passcode_set,
    screen_time_settings_apply,
    screen_time_week,
)
from platform.services import audit_record

# No 0/O, 1/I/L: a code read aloud or copied from a phone is typed right the first time.
PAIRING_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PAIRING_CODE_LENGTH = 8
PAIRING_CODE_LIFETIME = datetime.timedelta(minutes=10)
PAIRING_TRIES = 5
PAIRING_TRIES_WINDOW = datetime.timedelta(minutes=15)
# One message for a wrong, expired or used code: a guesser learns nothing about which it was.
PAIRING_REFUSED = gettext_lazy(
    "That code doesn't work. Codes work once and for 10 minutes: ask your parent for a new one."
)
PAIRING_TRY = "family.pairing_try"
# One message whichever rule the parent's account fails: the teen is not told how to get round it.
PARENT_REFUSED = (
    "This code comes from an account that can't be linked as your parent. A parent links from their "
    "own account: made at least 7 days ago, with a confirmed email, and not from your browser or "
    "network in the last 30 days."
)
PAIRING_CONFIRM_SALT = "platform.family.pairing-confirm"
DAILY_LIMIT_MIN_MINUTES = 15
DAILY_LIMIT_MAX_MINUTES = 600


@dataclass(frozen=True, slots=True)
class RequestOrigin:
    """Where a request came from: the client's address and the site's browser id, hashed
    (``platform.origin``). Empty when not known (a test, a command)."""

    address: str | None = None
    browser: str = ""


@dataclass(frozen=True, slots=True)
class PairingPreview:
    """Whose code the teen entered, shown before they confirm; ``token`` is what the confirmation sends
    back (signed: this teen, this code), so the code itself is typed, and counted, once."""

    parent_display_name: str
    parent_email: str
    token: str


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """The code as the parent sees it once; only its hash is stored."""

    code: str
    expires_at: datetime.datetime


def _code_normalize(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _code_hash(code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, _code_normalize(code).encode(), hashlib.sha256).hexdigest()


def pairing_code_create(*, parent: User, now: datetime.datetime | None = None) -> IssuedCode:
    """A new one-time code for ``parent`` (adults only); their older unused codes stop working."""
    if not age.may_link_as_parent(parent.age_band):
        raise ValidationError(_("Only adults can link a teen's account to theirs."), code="not_adult")
    now = now or timezone.now()
    refusal = age.parent_account_refusal(
        date_joined=parent.date_joined, email_confirmed_at=parent.email_confirmed_at, now=now
    )
    if refusal is not None:
        when = ""
        if refusal.eligible_from is not None:
            local = refusal.eligible_from.astimezone(age.user_zone(parent))
            when = " " + _("You can create a code from %(when)s.") % {
                "when": date_format(local, "DATETIME_FORMAT")
            }
        raise ValidationError(str(refusal.reason) + when, code="parent_not_eligible")
    code = "".join(secrets.choice(PAIRING_CODE_ALPHABET) for _position in range(PAIRING_CODE_LENGTH))
    expires_at = now + PAIRING_CODE_LIFETIME
    with transaction.atomic():
        voided = PairingCode.objects.filter(parent=parent, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        pairing = PairingCode.objects.create(
            parent=parent, code_hash=_code_hash(code), created_at=now, expires_at=expires_at
        )
        audit_record(
            actor=parent, action="family.code_create", target=pairing, detail={"voided_codes": voided}
        )
    return IssuedCode(code=code, expires_at=expires_at)


def pairing_preview(
    *, teen: User, code: str, origin: RequestOrigin | None = None, now: datetime.datetime | None = None
) -> PairingPreview:
    """The first step of linking ``teen`` (13–17): whose code this is. Nothing is linked or used yet.

    Every try is audited and counts towards the limit, right or wrong: past ``PAIRING_TRIES`` in
    ``PAIRING_TRIES_WINDOW`` even the right code is refused, so a code cannot be guessed. A code whose
    parent may not be a parent (``PARENT_REFUSED``) is refused here already."""
    if not age.may_link_as_teen(teen.age_band):
        raise ValidationError(
            _("Only teens (13 to 17) can link their account to a parent's."), code="not_teen"
        )
    origin = origin or RequestOrigin()
    now = now or timezone.now()
    pairing: PairingCode | None = None
    is_limited = False
    with transaction.atomic():
        # The teen's row is the lock: their tries are counted one at a time.
        User.objects.select_for_update().get(pk=teen.pk)
        if FamilyLink.objects.filter(teen=teen).exists():
            raise ValidationError(_("Your account is already linked to a parent."), code="already_linked")
        tries = AuditEntry.objects.filter(
            action=PAIRING_TRY,
            target_type=teen._meta.label_lower,
            target_id=str(teen.pk),
            created_at__gt=now - PAIRING_TRIES_WINDOW,
        ).count()
        if tries >= PAIRING_TRIES:
            is_limited = True
        else:
            audit_record(actor=teen, action=PAIRING_TRY, target=teen)
            pairing = (
                PairingCode.objects.select_related("parent")
                .filter(code_hash=_code_hash(code), used_at__isnull=True, expires_at__gt=now)
                .first()
            )
    # Raised after the block, so that the try it recorded stays counted.
    if is_limited:
        raise RateLimited(
            _("Too many tries. Wait 15 minutes, then ask your parent for a new code."),
            retry_after_seconds=int(PAIRING_TRIES_WINDOW.total_seconds()),
        )
    if pairing is None or pairing.parent_id == teen.pk:
        raise ValidationError(PAIRING_REFUSED, code="code_refused")
    _parent_check(parent=pairing.parent, teen=teen, origin=origin, now=now)
    token = signing.dumps({"teen": teen.pk, "code": pairing.pk}, salt=PAIRING_CONFIRM_SALT)
    return PairingPreview(
        parent_display_name=pairing.parent.display_name, parent_email=pairing.parent.email, token=token
    )


def _parent_check(*, parent: User, teen: User, origin: RequestOrigin, now: datetime.datetime) -> None:
    """Refuse (``PARENT_REFUSED``) a parent who is no adult, whose account is too new or unconfirmed, or
    which was made lately from the teen's browser or network (at their sign-up or now)."""
    is_beside_teen = age.parent_made_beside_teen(
        parent_joined=parent.date_joined,
        parent_address=parent.signup_address,
        parent_browser=parent.signup_browser,
        teen_addresses={address for address in (teen.signup_address, origin.address) if address},
        teen_browsers={browser for browser in (teen.signup_browser, origin.browser) if browser},
        now=now,
    )
    refusal = age.parent_account_refusal(
        date_joined=parent.date_joined, email_confirmed_at=parent.email_confirmed_at, now=now
    )
    if not age.may_link_as_parent(parent.age_band) or refusal is not None or is_beside_teen:
        raise ValidationError(PARENT_REFUSED, code="parent_refused")


def pairing_link(
    *, teen: User, token: str, origin: RequestOrigin | None = None, now: datetime.datetime | None = None
) -> FamilyLink:
    """The second step: ``teen`` confirms the link ``pairing_preview`` showed them (``token``). The code is
    used now, if it still works and its parent still may be one; the parent is told."""
    if not age.may_link_as_teen(teen.age_band):
        raise ValidationError(
            _("Only teens (13 to 17) can link their account to a parent's."), code="not_teen"
        )
    origin = origin or RequestOrigin()
    now = now or timezone.now()
    try:
        claim = signing.loads(token, salt=PAIRING_CONFIRM_SALT, max_age=PAIRING_CODE_LIFETIME)
    except signing.BadSignature:
        raise ValidationError(PAIRING_REFUSED, code="code_refused") from None
    if not isinstance(claim, dict) or claim.get("teen") != teen.pk or not isinstance(claim.get("code"), int):
        raise ValidationError(PAIRING_REFUSED, code="code_refused")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=teen.pk)
        if FamilyLink.objects.filter(teen=teen).exists():
            raise ValidationError(_("Your account is already linked to a parent."), code="already_linked")
        pairing = (
            PairingCode.objects.select_for_update()
            .select_related("parent")
            .filter(pk=claim["code"], used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if pairing is None or pairing.parent_id == teen.pk:
            raise ValidationError(PAIRING_REFUSED, code="code_refused")
        parent = pairing.parent
        _parent_check(parent=parent, teen=locked, origin=origin, now=now)
        pairing.used_at = now
        pairing.used_by = teen
        pairing.save(update_fields=["used_at", "used_by"])
        link = FamilyLink.objects.create(parent=parent, teen=teen, created_at=now)
        # A passcode the teen chose before is one they know: from now on only the parent sets it.
        had_passcode = bool(locked.screen_time_passcode)
        if had_passcode:
            User.objects.filter(pk=teen.pk).update(screen_time_passcode="")
            teen.screen_time_passcode = ""
        audit_record(
            actor=teen,
            action="family.link",
            target=teen,
            detail={"parent": parent.pk, "passcode_cleared": had_passcode},
        )
        with in_language_of(parent):
            notify(
                user=parent,
                kind=Kind.PAIRING,
                title=_("%(name)s linked their account to yours") % {"name": teen.display_name},
                body=_(
                    "You can now set their daily screen-time limit, restricted mode, who may follow them and "
                    "the passcode that gives them more time, and see how long they watch each day."
                ),
                url=reverse("family"),
            )
    return link


def pairing_unlink(*, user: User, teen: User) -> None:
    """End ``teen``'s link; either side may, and the other side is told."""
    with transaction.atomic():
        link = (
            FamilyLink.objects.select_for_update().select_related("parent", "teen").filter(teen=teen).first()
        )
        if link is None or user.pk not in (link.teen_id, link.parent_id):
            raise NotFound(_("No such family link."))
        parent = link.parent
        link.delete()
        audit_record(actor=user, action="family.unlink", target=teen, detail={"parent": parent.pk})
        if user.pk == teen.pk:
            with in_language_of(parent):
                notify(
                    user=parent,
                    kind=Kind.PAIRING,
                    title=_("%(name)s unlinked their account from yours") % {"name": teen.display_name},
                    body=_("You can no longer change their settings or see their screen time."),
                    url=reverse("family"),
                )
        else:
            with in_language_of(link.teen):
                notify(
                    user=link.teen,
                    kind=Kind.PAIRING,
                    title=_("%(name)s unlinked your account from theirs") % {"name": parent.display_name},
                    body=_("Your settings stay as they are; you can change them yourself now."),
                    url=reverse("family"),
                )


def _linked_teen(*, parent: User, teen: User) -> User:
    """The teen, locked, when ``parent`` is their linked parent; anyone else gets NotFound. A teen who
    has turned 18 is nobody's to control any more."""
    if not FamilyLink.objects.filter(parent=parent, teen=teen).exists():
        raise NotFound(_("No such teen."))
    locked = User.objects.select_for_update().get(pk=teen.pk)
    if not age.may_link_as_teen(locked.age_band):
        raise NotFound(_("No such teen."))
    return locked


def family_teen_settings_set(
    *,
    parent: User,
    teen: User,
    daily_limit_minutes: int,
    is_restricted_mode: bool,
    follow_policy: str,
    is_private: bool | None = None,
) -> User:
    """The linked parent sets the teen's daily limit, restricted mode and who may follow them (and
    whether their account is private; None: leave it). The teen is told."""
    if not DAILY_LIMIT_MIN_MINUTES <= daily_limit_minutes <= DAILY_LIMIT_MAX_MINUTES:
        raise ValidationError(
            {
                "daily_limit_minutes": _("Choose between %(least)d and %(most)d minutes.")
                % {"least": DAILY_LIMIT_MIN_MINUTES, "most": DAILY_LIMIT_MAX_MINUTES}
            }
        )
    if follow_policy not in User.FollowPolicy.values:
        raise ValidationError({"follow_policy": _("Choose who may follow them.")})
    changes: dict[str, object] = {
        "daily_limit_minutes": daily_limit_minutes,
        "is_restricted_mode": is_restricted_mode,
        "follow_policy": follow_policy,
    }
    if is_private is not None:
        changes["is_private"] = is_private
    with transaction.atomic():
        locked = _linked_teen(parent=parent, teen=teen)
        before = {key: getattr(locked, key) for key in changes}
        changed = screen_time_settings_apply(user=locked, actor=parent, changes=changes)
        detail = {key: {"old": before[key], "new": changes[key]} for key in changed}
        audit_record(actor=parent, action="family.settings", target=locked, detail=detail)
    return locked


def family_teen_passcode_set(*, parent: User, teen: User, passcode: str) -> None:
    """The linked parent sets the passcode that lifts the teen's limit for the day."""
    with transaction.atomic():
        locked = _linked_teen(parent=parent, teen=teen)
        screen_time_passcode_set(user=locked, passcode=passcode, actor=parent)
        audit_record(actor=parent, action="family.passcode", target=locked)


def family_teen_screen_time(*, parent: User, teen: User) -> list[ScreenTimeDayTotal]:
    """Minutes watched on each of the teen's last seven days (their calendar), oldest first; never what."""
    if not FamilyLink.objects.filter(parent=parent, teen=teen).exists():
        raise NotFound(_("No such teen."))
    return screen_time_week(user=teen, today=age.screen_time_day(user=teen))


def family_limit_is_set_by_parent(*, teen: User) -> bool:
    """Whether the teen's current daily limit is the one their linked parent last set."""
    if not FamilyLink.objects.filter(teen=teen).exists() or teen.daily_limit_minutes is None:
        return False
    entry = (
        AuditEntry.objects.filter(
            action="family.settings",
            target_type=teen._meta.label_lower,
            target_id=str(teen.pk),
            detail__has_key="daily_limit_minutes",
        )
        .values_list("detail", flat=True)
        .first()
    )
    return entry is not None and entry["daily_limit_minutes"]["new"] == teen.daily_limit_minutes


# --- reads for the family page ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkedTeen:
    teen: User
    week: list[ScreenTimeDayTotal]
    is_still_teen: bool  # at 18 the link stays until someone unlinks, but controls nothing

    @property
    def has_passcode(self) -> bool:
        """Whether the parent has set a passcode (only they can): without one, the limit ends the day."""
        return bool(self.teen.screen_time_passcode)


def family_teens(*, parent: User) -> list[LinkedTeen]:
    links = FamilyLink.objects.filter(parent=parent).select_related("teen").order_by("created_at", "pk")
    teens: list[LinkedTeen] = []
    for link in links:
        is_teen = age.may_link_as_teen(link.teen.age_band)
        week = family_teen_screen_time(parent=parent, teen=link.teen) if is_teen else []
        teens.append(LinkedTeen(teen=link.teen, week=week, is_still_teen=is_teen))
    return teens


def family_parent_of(*, teen: User) -> User | None:
    link = FamilyLink.objects.filter(teen=teen).select_related("parent").first()
    return link.parent if link is not None else None


def pairing_code_expiry(*, parent: User) -> datetime.datetime | None:
    """When the parent's newest unused code stops working (the code itself is not kept to show again)."""
    return (
        PairingCode.objects.filter(parent=parent, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )


def daily_limit_minutes(*, user: User) -> int | None:
    """The daily limit in force: the one set, or the age band's default (None: no limit)."""
    return age.screen_time_limit_minutes(user)
