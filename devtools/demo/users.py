"""Create the demo accounts (idempotent) and print their logins: one per kind of person, including a second
moderator (appeals go to a different one), a STEM reviewer, and a 15-year-old linked to a parent."""

import datetime
from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone

from platform import age
from platform.models import FamilyLink, ScreenTimeDay, User

DEMO_PASSWORD = "joyreel-demo"  # demo data only; printed on purpose

DEMO_USERS = [
    {
        "email": "admin@joyreel.localhost",
        "display_name": "Ada Admin",
        "date_of_birth": datetime.date(1985, 3, 14),
        "is_staff": True,
        "is_superuser": True,
        "role": "admin",
    },
    {
        "email": "viewer@joyreel.localhost",
        "display_name": "Vic Viewer",
        "date_of_birth": datetime.date(1999, 7, 1),
        "role": "viewer",
    },
    {
        "email": "creator@joyreel.localhost",
        "display_name": "Cleo Creator",
        "date_of_birth": datetime.date(1994, 11, 23),
        "role": "creator",
    },
    {
        "email": "business@joyreel.localhost",
        "display_name": "Bea's Bakery",
        "date_of_birth": datetime.date(1980, 5, 2),
        "role": "business owner",
    },
    {
        "email": "moderator@joyreel.localhost",
        "display_name": "Mo Moderator",
        "date_of_birth": datetime.date(1990, 1, 9),
        "is_staff": True,
        "is_superuser": True,
        "role": "2nd moderator",
    },
    {
        "email": "reviewer@joyreel.localhost",
        "display_name": "Rae Reviewer",
        "date_of_birth": datetime.date(1978, 9, 30),
        "is_staff": True,
        "group": "STEM reviewers",
        "role": "STEM reviewer",
    },
    {
        "email": "parent@joyreel.localhost",
        "display_name": "Pat Parent",
        "date_of_birth": datetime.date(1982, 6, 18),
        "role": "parent",
    },
    {
        "email": "teen@joyreel.localhost",
        "display_name": "Tia Teen",
        # Always 15: a 13–15 account (private, restricted mode on, 60-minute limit), linked to the parent.
        "years": 15,
        "is_private": True,
        "is_restricted_mode": True,
        "role": "teen (15)",
    },
]
PARENT_EMAIL, TEEN_EMAIL = "parent@joyreel.localhost", "teen@joyreel.localhost"
# The demo accounts joined this long ago, their emails confirmed: old enough for the parent to link a
# teen (``platform.age.parent_account_refusal``), so pairing works in the demo as it would for real.
DEMO_JOINED_DAYS_AGO = 30


class DemoUsers:
    """What ``manage.py seed_demo`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        rows = []
        now = timezone.now()
        joined = now - datetime.timedelta(days=DEMO_JOINED_DAYS_AGO)
        with transaction.atomic():
            for spec in DEMO_USERS:
                fields = {
                    key: value
                    for key, value in spec.items()
                    if key not in ("email", "role", "group", "years")
                }
                if "years" in spec:
                    fields["date_of_birth"] = age.years_ago(
                        years=int(str(spec["years"]))
                    ) - datetime.timedelta(days=100)
                user, created = User.objects.get_or_create(
                    email=spec["email"],
                    defaults={
                        **fields,
                        "country": "DE",
                        "region": "DE-BY",
                        "date_joined": joined,
                        "email_confirmed_at": joined,
                    },
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                # Demo data made before emails were confirmed: confirmed and old enough on the next run.
                User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(
                    email_confirmed_at=now
                )
                User.objects.filter(pk=user.pk, date_joined__gt=joined).update(date_joined=joined)
                if "group" in spec:
                    user.groups.add(Group.objects.get(name=spec["group"]))
                rows.append((spec["role"], user.email, "created" if created else "exists"))
            parent, teen = User.objects.get(email=PARENT_EMAIL), User.objects.get(email=TEEN_EMAIL)
            FamilyLink.objects.get_or_create(teen=teen, defaults={"parent": parent})
            # A week of watching before today, so the parent's page and the teen's summary have a shape.
            today = age.screen_time_day(user=teen)
            for days_ago, minutes in enumerate((0, 42, 58, 35, 60, 21, 47)):
                if days_ago:
                    ScreenTimeDay.objects.get_or_create(
                        user=teen,
                        day=today - datetime.timedelta(days=days_ago),
                        defaults={"seconds": minutes * 60.0},
                    )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email, state in rows:
            self.stdout.write(f"  {role:<15} {email:<30} ({state})")


def seed_demo(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py seed_demo`` with the options its command parsed."""
    DemoUsers(stdout=stdout, stderr=stderr).handle(**options)
