"""Confirming that a person reads the email address of their account: the signed link sent at sign-up
(and again on request, rate limited) and the confirmation it leads to.

The link carries a signed, timestamped token (``django.core.signing``) naming the account and the
address: it stops working after ``EMAIL_CONFIRMATION_MAX_AGE``, and once the address is confirmed it
has nothing left to do.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from platform.errors import RateLimited
from platform.languages import in_language_of
from platform.models import User

logger = logging.getLogger(__name__)

EMAIL_CONFIRMATION_SALT = "platform.email-confirmation"
EMAIL_CONFIRMATION_MAX_AGE = datetime.timedelta(days=3)
# Links sent per account and hour, the sign-up's included: enough for a lost email, too few to spam.
EMAIL_CONFIRMATION_SENDS = 3
EMAIL_CONFIRMATION_WINDOW_SECONDS = 60 * 60
LINK_REFUSED = gettext_lazy(
    "This link doesn't work: it is too old or not one of ours. Send a new one from your settings."
)


def email_confirmation_token(*, user: User) -> str:
    return str(signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_CONFIRMATION_SALT))


def email_confirmation_url(*, user: User) -> str:
    token = email_confirmation_token(user=user)
    site = str(settings.SITE_URL).rstrip("/")
    return site + reverse("email_confirm", args=[token])


def _sends_key(user: User) -> str:
    return f"email-confirmation-sends:{user.pk}"


def email_confirmation_send(*, user: User) -> None:
    """Email ``user`` a confirmation link, after the surrounding transaction commits.

    At most ``EMAIL_CONFIRMATION_SENDS`` an hour per account (counted in the cache, shared by all web
    processes in production): past that, RateLimited and nothing is sent. A confirmed address gets
    nothing."""
    if user.email_confirmed_at is not None:
        return
    key = _sends_key(user)
    cache.add(key, 0, timeout=EMAIL_CONFIRMATION_WINDOW_SECONDS)
    try:
        sends = int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=EMAIL_CONFIRMATION_WINDOW_SECONDS)
        sends = 1
    if sends > EMAIL_CONFIRMATION_SENDS:
        raise RateLimited(
            _(
                "We sent you several links in the last hour. Look for them in your email (and its spam "
                "folder), or try again in an hour."
            ),
            retry_after_seconds=EMAIL_CONFIRMATION_WINDOW_SECONDS,
        )
    context = {
        "user": user,
        "url": email_confirmation_url(user=user),
        "days": EMAIL_CONFIRMATION_MAX_AGE.days,
    }
    with in_language_of(user):
        message = EmailMultiAlternatives(
            subject=_("Confirm your email address for Joyreel"),
            body=render_to_string("registration/email_confirm_email.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )

    def send() -> None:
        try:
            message.send()
        except Exception:  # the account exists either way; the settings page sends the link again
            logger.exception("Sending the email confirmation link to user %s failed", user.pk)

    transaction.on_commit(send)


def email_confirm(*, token: str, now: datetime.datetime | None = None) -> User:
    """Confirm the address the link was sent to; ValidationError (and nothing written) for a link that
    is too old, forged, or for an address the account no longer has."""
    try:
        claim = signing.loads(token, salt=EMAIL_CONFIRMATION_SALT, max_age=EMAIL_CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError(LINK_REFUSED, code="link_refused") from None
    if not isinstance(claim, dict) or not isinstance(claim.get("user"), int):
        raise ValidationError(LINK_REFUSED, code="link_refused")
    user = User.objects.filter(pk=claim["user"], email=str(claim.get("email")), is_active=True).first()
    if user is None:
        raise ValidationError(LINK_REFUSED, code="link_refused")
    if user.email_confirmed_at is None:
        now = now or timezone.now()
        User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(email_confirmed_at=now)
        user.refresh_from_db(fields=["email_confirmed_at"])
    return user
