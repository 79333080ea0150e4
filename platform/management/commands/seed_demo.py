"""Create the demo accounts (idempotent) and print their logins."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from platform.models import User

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
]


class Command(BaseCommand):
    help = "Create demo accounts (admin, viewer, creator, business owner); safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = []
        with transaction.atomic():
            for spec in DEMO_USERS:
                fields = {key: value for key, value in spec.items() if key not in ("email", "role")}
                user, created = User.objects.get_or_create(
                    email=spec["email"], defaults={**fields, "country": "DE", "region": "DE-BY"}
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                rows.append((spec["role"], user.email, "created" if created else "exists"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email, state in rows:
            self.stdout.write(f"  {role:<15} {email:<30} ({state})")
