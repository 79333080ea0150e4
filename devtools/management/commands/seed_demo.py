"""``manage.py seed_demo``: a thin door into ``devtools.demo.users``."""

from typing import Any

from django.core.management.base import BaseCommand

from devtools.demo.users import seed_demo


class Command(BaseCommand):
    help = "Create the demo accounts (admin, moderators, viewer, creator, business owner, parent and teen); safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo(options, stdout=self.stdout, stderr=self.stderr)
