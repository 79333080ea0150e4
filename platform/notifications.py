"""Telling a person something: every notification is written here, and here it learns when it may be
delivered outside the app (never in a young person's quiet hours, which ``platform.age`` defines)."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from platform import age
from platform.errors import NotFound
from platform.languages import in_language_of
from platform.models import Notification, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Kind = Notification.Kind

logger = logging.getLogger(__name__)

# A notification waiting longer than this (a worker outage, a late opt-in) stays in the app only:
# an email about last week's follow request is noise.
EMAIL_WINDOW = datetime.timedelta(days=2)
# One email lists at most this many; the rest are a link away.
EMAIL_LIST_MAX = 20


def url_is_local_path(url: str) -> bool:
    """Whether ``url`` is a path on this site: never another host, a scheme, or a browser quirk that
    turns ``/\\evil.example`` or ``//evil.example`` into one."""
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    if any(ord(character) < 0x20 or character == "\x7f" for character in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False)


def notify(
    *, user: User, kind: str, title: StrOrPromise, body: StrOrPromise = "", url: str = ""
) -> Notification:
    """Write one notification to ``user``'s centre. It shows in the app (and counts in the badge) at once;
    email, for people who opted in, waits until ``deliver_after``: the end of their quiet hours.

    ``url`` must be a path on this site (``reverse(...)``); anything else is a programming error.

    The texts are stored in ``user``'s language: build them inside ``with in_language_of(user):`` (a
    ``gettext_lazy`` text without placeholders may also be passed as it is; it is rendered here)."""
    if url and not url_is_local_path(url):
        raise ValueError(f"A notification links only to a path on this site, not {url!r}.")
    now = timezone.now()
    with in_language_of(user):
        title, body = str(title), str(body)
    return Notification.objects.create(
        user=user,
        kind=kind,
        title=title[:150],
        body=body[:2000],
        url=url[:300],
        created_at=now,
        deliver_after=age.quiet_hours_end(user=user, at=now) or now,
    )


# --- reading and opening -------------------------------------------------------------------------------


def notifications_of(*, user: User) -> QuerySet[Notification]:
    """``user``'s own notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_mark_read(
    *, user: User, ids: list[int] | None = None, at: datetime.datetime | None = None
) -> int:
    """Mark ``user``'s notifications read (all of them, or only ``ids`` among their own)."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=at or timezone.now())


def notification_open(*, user: User, notification_id: int) -> str:
    """Mark one of ``user``'s notifications read and answer where it leads: its own path, or the
    notification centre when it has none (or one that is not a path on this site).

    Another person's notification is ``NotFound``, exactly like one that does not exist."""
    notification = Notification.objects.filter(user=user, pk=notification_id).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    if notification.read_at is None:
        notifications_mark_read(user=user, ids=[notification.pk])
    if notification.url and url_is_local_path(notification.url):
        return notification.url
    return reverse("notifications")


# --- settings ------------------------------------------------------------------------------------------


def notification_settings_update(
    *, user: User, time_zone: str, wants_email_notifications: bool, now: datetime.datetime | None = None
) -> User:
    """When and how ``user`` hears from us: their time zone (quiet hours and screen-time days follow
    it) and whether notifications are also emailed. Writes nothing when the time zone is unknown, or
    when a minor changed theirs less than a day ago (``age.time_zone_change_problem``).

    A change of zone records the zone before it and when, which keep the screen-time day that was in
    force until it ends (``age.screen_time_day``)."""
    if time_zone not in age.time_zone_names():
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    now = now or timezone.now()
    with transaction.atomic():
        # Locked: two changes at once must not both pass the once-a-day rule.
        locked = User.objects.select_for_update().get(pk=user.pk)
        fields = ["wants_email_notifications"]
        if time_zone != locked.time_zone:
            problem = age.time_zone_change_problem(user=locked, now=now)
            if problem:
                raise ValidationError({"time_zone": problem}, code="time_zone_once_a_day")
            user.time_zone_before, user.time_zone_changed_at = locked.time_zone, now
            user.time_zone = time_zone
            fields += ["time_zone", "time_zone_before", "time_zone_changed_at"]
        user.wants_email_notifications = wants_email_notifications
        user.save(update_fields=fields)
    return user


# --- family: each side hears of the other's changes -----------------------------------------------------

_SETTING_NAMES = {
    "daily_limit_minutes": gettext_lazy("daily limit"),
    "is_restricted_mode": gettext_lazy("restricted mode"),
    "follow_policy": gettext_lazy("who may follow"),
    "is_private": gettext_lazy("private account"),
    "passcode": gettext_lazy("passcode"),
}


def family_settings_changed_notify(*, actor: User, teen: User, parent: User, settings: list[str]) -> None:
    """Tell the other side of a family link that ``actor`` (the teen or their parent) changed the teen's
    ``settings``: neither finds out only by noticing."""
    recipient = teen if actor.pk == parent.pk else parent
    with in_language_of(recipient):
        names = ", ".join(str(_SETTING_NAMES.get(name, name)) for name in settings)
        if actor.pk == parent.pk:
            notify(
                user=teen,
                kind=Kind.PAIRING,
                title=_("%(name)s changed your settings") % {"name": parent.display_name},
                body=_("Changed: %(settings)s. See them in your account settings.") % {"settings": names},
                url=reverse("account_settings") + "#screen-time",
            )
        else:
            notify(
                user=parent,
                kind=Kind.PAIRING,
                title=_("%(name)s made their settings stricter") % {"name": teen.display_name},
                body=_("Changed: %(settings)s. See their settings on your family page.")
                % {"settings": names},
                url=reverse("family"),
            )


# --- email ---------------------------------------------------------------------------------------------


def _email_due(*, user_id: int, now: datetime.datetime) -> QuerySet[Notification]:
    """A person's notifications that may be emailed now: delivered (past their quiet hours), not yet
    emailed, not already read in the app, and recent."""
    return Notification.objects.filter(
        user_id=user_id,
        emailed_at__isnull=True,
        read_at__isnull=True,
        deliver_after__lte=now,
        deliver_after__gt=now - EMAIL_WINDOW,
    )


def notifications_email_users(*, now: datetime.datetime) -> list[int]:
    """Ids of the opted-in people who have something to be emailed now."""
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            deliver_after__lte=now,
            deliver_after__gt=now - EMAIL_WINDOW,
            user__wants_email_notifications=True,
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


def _email_message(*, user: User, notifications: list[Notification]) -> EmailMultiAlternatives:
    site = settings.SITE_URL.rstrip("/")
    context = {
        "user": user,
        "notifications": notifications[:EMAIL_LIST_MAX],
        "more": max(0, len(notifications) - EMAIL_LIST_MAX),
        "centre_url": site + reverse("notifications"),
    }
    count = len(notifications)
    with in_language_of(user):
        subject = ngettext(
            "You have a new notification on Joyreel", "You have %(count)d new notifications on Joyreel", count
        ) % {"count": count}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("platform/email/notifications.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
        html = render_to_string("platform/email/notifications.html", context)
    message.attach_alternative(html, "text/html")
    return message


def notifications_email_user(*, user_id: int, now: datetime.datetime | None = None) -> int:
    """Email one person what is due for them in one message; answer how many notifications it listed.

    Safe to run twice at once: the rows are claimed (locked, skipping rows another run holds, then
    stamped ``emailed_at``) in a short transaction, and the mail is sent after it, so no run holds the
    database while it talks to the mail server. A failed send gives the claim back for the next run; a
    worker that dies between claim and send loses that email (the notifications stay in the app)."""
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id, is_active=True, wants_email_notifications=True).first()
    if user is None:
        return 0
    # Checked again at sending time: a late run, or a move to another time zone, must not wake anyone.
    if age.quiet_hours_end(user=user, at=now) is not None:
        return 0
    with transaction.atomic():
        notifications = list(
            _email_due(user_id=user.pk, now=now)
            .select_for_update(skip_locked=True)
            .order_by("created_at", "id")
        )
        if not notifications:
            return 0
        ids = [notification.pk for notification in notifications]
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
    try:
        _email_message(user=user, notifications=notifications).send()
    except Exception:
        Notification.objects.filter(pk__in=ids, emailed_at=now).update(emailed_at=None)
        raise
    return len(ids)


def notifications_email_send(*, now: datetime.datetime | None = None) -> int:
    """Email every opted-in person their due notifications, one message each; answer how many emails
    went out. A person whose mail fails is logged and tried again on the next run; the others still get
    theirs."""
    now = now or timezone.now()
    sent = 0
    for user_id in notifications_email_users(now=now):
        try:
            if notifications_email_user(user_id=user_id, now=now):
                sent += 1
        except Exception:  # one bad address or a mail server hiccup must not stop everyone else's mail
            logger.exception("Emailing notifications to user %s failed", user_id)
    return sent
