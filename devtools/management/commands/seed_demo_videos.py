"""``manage.py seed_demo_videos``: a thin door into ``devtools.demo.videos``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.demo.videos import seed_demo_videos


class Command(BaseCommand):
    help = "Create the demo creators and their videos (through the real pipeline); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=0, help="only the first N videos (tests)")

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo_videos(options, stdout=self.stdout, stderr=self.stderr)
