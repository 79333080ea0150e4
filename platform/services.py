"""Writes of the core app: signing up, changing an account and recording audit entries."""

import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from platform import age, email_confirmation, languages
from platform.models import AuditEntry, User, email_normalize
from platform.regions import region_resolve


class AgeRefused(ValidationError):
    """The person is too young to have an account."""


def audit_record(
    *, actor: User | None, action: str, target: Any, detail: dict[str, Any] | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        detail=detail or {},
    )


def _place_clean(*, country: str, region: str) -> tuple[str, str]:
    country = (country or "").strip().upper()
    if not region.strip():
        return country, ""
    if not country:
        raise ValidationError({"region": _("Choose a country before a region.")})
    code = region_resolve(country_code=country, value=region)
    if code is None:
        raise ValidationError({"region": _("That is not a region of the chosen country.")})
    return country, code


def user_sign_up(
    *,
    email: str,
    password: str,
    display_name: str,
    date_of_birth: datetime.date,
    country: str = "",
    region: str = "",
    time_zone: str = "UTC",
    signup_address: str | None = None,
    signup_browser: str = "",
    language: str = "",
) -> User:
    """Create an account, applying the age policy, and email it a link to confirm the address; raises
    ValidationError and writes nothing on bad input.

    ``signup_address`` and ``signup_browser`` (hashed, ``platform.origin``) are where the account was
    made, which family pairing compares with a teen's."""
    problem = age.date_of_birth_problem(date_of_birth=date_of_birth)
    if problem:
        raise ValidationError({"date_of_birth": problem})
    policy = age.policy_for(date_of_birth=date_of_birth)
    if not policy.may_sign_up:
        raise AgeRefused(
            {"date_of_birth": _("Sorry, you are not old enough to use Joyreel.")}, code="age_refused"
        )
    email = email_normalize(email)
    validate_email(email)
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError({"display_name": _("Please choose a display name.")})
    country, region = _place_clean(country=country, region=region)
    if time_zone not in age.time_zone_names():
        raise ValidationError({"time_zone": _("That is not a time zone we know.")})
    user = User(
        email=email,
        display_name=display_name,
        date_of_birth=date_of_birth,
        country=country,
        region=region,
        is_private=policy.is_private_by_default,
        is_restricted_mode=policy.is_restricted_mode_by_default,
        time_zone=time_zone,
        signup_address=signup_address,
        signup_browser=signup_browser,
        language=language if language in languages.language_codes() else "",
    )
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": _("An account with this email already exists.")}, code="taken")
    try:
        with transaction.atomic():
            user.save()
            email_confirmation.email_confirmation_send(user=user)
    except IntegrityError as error:  # a concurrent sign-up with the same address won the race
        raise ValidationError({"email": _("An account with this email already exists.")}) from error
    return user


def user_update_settings(
    *, user: User, display_name: str, country: str, region: str, is_private: bool
) -> User:
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError({"display_name": _("Please choose a display name.")})
    country, region = _place_clean(country=country, region=region)
    with transaction.atomic():
        if is_private != user.is_private:
            # Who may follow is a setting a linked parent decides: the one rule of who may change what.
            from platform.screen_time import screen_time_settings_apply

            screen_time_settings_apply(user=user, actor=user, changes={"is_private": is_private})
        user.display_name = display_name
        user.country = country
        user.region = region
        user.save(update_fields=["display_name", "country", "region"])
    return user


def user_language_set(*, user: User, language: str) -> User:
    """The language ``user`` reads the site, emails and notifications in: one of ``settings.LANGUAGES``,
    or empty to follow the browser. Anything else is a ValidationError and writes nothing."""
    if language and language not in languages.language_codes():
        raise ValidationError({"language": _("Choose a language from the list.")}, code="invalid_choice")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_set_verified_publisher(*, actor: User, user: User, is_verified: bool) -> User:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_verified_publisher == is_verified:
            return locked
        locked.is_verified_publisher = is_verified
        locked.save(update_fields=["is_verified_publisher"])
        audit_record(
            actor=actor,
            action="publisher.verify" if is_verified else "publisher.unverify",
            target=locked,
        )
    return locked


EVIDENCE_MAX_LENGTH = 1000


def user_date_of_birth_correct(
    *, actor: User, user: User, date_of_birth: datetime.date, evidence: str
) -> User:
    """Support corrects a date of birth, only to an earlier one (older than stated) and only on evidence.

    Nobody changes their own date of birth: a teen could otherwise make themselves an adult. A later
    date would lift no protection and remove none either, so it is refused too; every correction is
    audited with the old and new dates and the evidence."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only support staff can correct a date of birth."))
    evidence = evidence.strip()
    if not evidence:
        raise ValidationError({"evidence": _("Say what evidence shows the right date of birth.")})
    if len(evidence) > EVIDENCE_MAX_LENGTH:
        raise ValidationError(
            {"evidence": _("At most %(count)d characters.") % {"count": EVIDENCE_MAX_LENGTH}}
        )
    problem = age.date_of_birth_problem(date_of_birth=date_of_birth)
    if problem:
        raise ValidationError({"date_of_birth": problem})
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        old = locked.date_of_birth
        if old is not None and date_of_birth >= old:
            raise ValidationError(
                {
                    "date_of_birth": _(
                        "A date of birth can only be corrected to an earlier date (older than stated)."
                    )
                }
            )
        locked.date_of_birth = date_of_birth
        locked.save(update_fields=["date_of_birth"])
        audit_record(
            actor=actor,
            action="user.date_of_birth_correct",
            target=locked,
            detail={
                "old": old.isoformat() if old else None,
                "new": date_of_birth.isoformat(),
                "evidence": evidence,
            },
        )
    return locked
