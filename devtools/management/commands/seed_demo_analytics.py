"""``manage.py seed_demo_analytics``: a thin door into ``devtools.demo.analytics``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.demo.analytics import seed_demo_analytics


class Command(BaseCommand):
    help = "Give the demo creator @cleo sixty days of analytics history, rolled up; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--viewers", type=int, default=400, help="demo viewers with accounts")
        parser.add_argument("--anonymous", type=int, default=600, help="regular viewers without accounts")

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo_analytics(options, stdout=self.stdout, stderr=self.stderr)
