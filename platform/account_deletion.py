"""Deleting an account: the request (password checked again), the 14 days in which logging in cancels
it, and the deletion itself, which runs every app's eraser (``platform.personal_data``) and then removes
the ``User`` row.

Once the 14 days are over the account is deactivated before anything is erased, so a log-in cannot
cancel a deletion that is half done; from then on each run only does what is left (the erasers are
idempotent), and an eraser that must wait (a refund still on its way to a business) defers the rest to
the next run.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from platform.languages import in_language_of, language_of
from platform.models import User
from platform.notifications import Kind, notify
from platform.personal_data import ErasureDeferred, registered, sessions_delete
from platform.services import audit_record

logger = logging.getLogger(__name__)

GRACE_PERIOD = datetime.timedelta(days=14)


def deletion_due_at(*, user: User) -> datetime.datetime | None:
    if user.deletion_requested_at is None:
        return None
    return user.deletion_requested_at + GRACE_PERIOD


def account_deletion_request(*, user: User, password: str) -> User:
    """Ask for the account to be deleted in 14 days. Raises ValidationError (and writes nothing) when the
    password is not the account's. Logs the person out everywhere: the password is hashed again with a new
    salt, which ends every session, those sessions are removed, and API tokens are revoked."""
    from rest_framework.authtoken.models import Token

    if not password or not user.check_password(password):
        raise ValidationError({"password": _("That is not your password.")}, code="wrong_password")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.deletion_requested_at is not None:
            return locked
        locked.deletion_requested_at = timezone.now()
        locked.set_password(password)
        locked.save(update_fields=["deletion_requested_at", "password"])
        Token.objects.filter(user=locked).delete()
        audit_record(actor=locked, action="account.deletion_request", target=locked)
        due = locked.deletion_requested_at + GRACE_PERIOD
        with in_language_of(locked):
            notify(
                user=locked,
                kind=Kind.ACCOUNT,
                title=_("Your account will be deleted"),
                body=_("On %(date)s. Log in before then to keep it.")
                % {"date": date_format(due, "DATE_FORMAT")},
                url=reverse("account_settings"),
            )
        user_id, address, language = locked.pk, locked.email, language_of(locked)
        transaction.on_commit(lambda: sessions_delete(user_id=user_id))
        transaction.on_commit(lambda: _deletion_mail(address=address, due=due, language=language))
    user.deletion_requested_at = locked.deletion_requested_at
    user.password = locked.password
    return locked


def _deletion_mail(*, address: str, due: datetime.datetime, language: str) -> None:
    # Sent whatever the email preference: it is about the account itself, and the last chance to keep it.
    with translation.override(language):
        subject = _("Your Joyreel account will be deleted")
        message = (
            _(
                "You asked us to delete your Joyreel account. It will be deleted, with your videos and "
                "everything else we keep about you, on %(date)s."
            )
            % {"date": date_format(due, "DATE_FORMAT")}
            + "\n\n"
            + _("Changed your mind? Log in before then and it will not be deleted.")
            + "\n"
        )
    send_mail(
        subject=subject,
        message=message,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
        fail_silently=True,
    )


def account_deletion_cancel(*, user: User) -> bool:
    """Keep the account (its owner logged in within the 14 days). True when a request was cancelled."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.deletion_requested_at is None or not locked.is_active:
            return False
        locked.deletion_requested_at = None
        locked.save(update_fields=["deletion_requested_at"])
        audit_record(actor=locked, action="account.deletion_cancel", target=locked)
        with in_language_of(locked):
            notify(user=locked, kind=Kind.ACCOUNT, title=_("Your account will not be deleted"))
    user.deletion_requested_at = None
    return True


def account_delete(*, user_id: int, now: datetime.datetime | None = None) -> bool:
    """Delete an account whose 14 days are over: every app's eraser (highest layer first, so a business's
    promotions go before the videos they point at), then the ``User`` row. True when the account is gone;
    False when it is not due, was cancelled, or an eraser deferred the rest."""
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None or user.deletion_requested_at is None:
            return user is None
        if user.deletion_requested_at + GRACE_PERIOD > now:
            return False
        if user.is_active:  # the point of no return: from here a log-in cannot cancel it
            user.is_active = False
            user.save(update_fields=["is_active"])
    for part in reversed(registered()):
        try:
            part.eraser(user)
        except ErasureDeferred as reason:
            logger.info("Deleting account %s waits for %s: %s", user_id, part.app, reason)
            return False
    with transaction.atomic():
        # The legal record that it happened, by id only (the actor is the person, so it is nulled below).
        audit_record(actor=None, action="account.delete", target=user)
        User.objects.filter(pk=user_id).delete()
    return True


def accounts_delete_due(*, now: datetime.datetime | None = None) -> int:
    """Delete every account whose 14 days are over; one failing account does not stop the others."""
    now = now or timezone.now()
    due = User.objects.filter(deletion_requested_at__lte=now - GRACE_PERIOD).values_list("pk", flat=True)
    deleted = 0
    for user_id in list(due):
        try:
            deleted += account_delete(user_id=user_id, now=now)
        except Exception:  # logged with its traceback; the next run tries again
            logger.exception("Deleting account %s failed", user_id)
    return deleted
