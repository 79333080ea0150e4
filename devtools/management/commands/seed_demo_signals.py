"""``manage.py seed_demo_signals``: a thin door into ``devtools.demo.signals``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.demo.signals import seed_demo_signals


class Command(BaseCommand):
    help = "Record a few weeks of believable demo viewing and roll it up; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--viewers", type=int, default=40)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo_signals(options, stdout=self.stdout, stderr=self.stderr)
