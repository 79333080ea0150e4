"""Telling a person something: every notification is written here, and here it learns when it may be
delivered outside the app (never in a young person's quiet hours, which ``platform.age`` defines)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from platform import age
from platform.models import Notification, User

Kind = Notification.Kind


def notify(*, user: User, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    """Write one notification to ``user``'s centre. It shows in the app (and counts in the badge) at once;
    email, for people who opted in, waits until ``deliver_after``: the end of their quiet hours."""
    now = timezone.now()
    return Notification.objects.create(
        user=user,
        kind=kind,
        title=title[:150],
        body=body[:2000],
        url=url[:300],
        created_at=now,
        deliver_after=age.quiet_hours_end(user=user, at=now) or now,
    )


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
