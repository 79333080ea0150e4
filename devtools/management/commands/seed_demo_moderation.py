"""``manage.py seed_demo_moderation``: a thin door into ``devtools.demo.moderation``."""

from typing import Any

from django.core.management.base import BaseCommand

from devtools.demo.moderation import seed_demo_moderation


class Command(BaseCommand):
    help = "Create demo reports, decisions, an appeal and a reversal (for the transparency page); idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo_moderation(options, stdout=self.stdout, stderr=self.stderr)
