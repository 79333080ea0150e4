"""``manage.py seed_demo_comments``: a thin door into ``devtools.demo.comments``."""

from typing import Any

from django.core.management.base import BaseCommand

from devtools.demo.comments import seed_demo_comments


class Command(BaseCommand):
    help = "Create a demo conversation under @cleo's newest video (replies, likes, a pin, a held comment)."

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo_comments(options, stdout=self.stdout, stderr=self.stderr)
