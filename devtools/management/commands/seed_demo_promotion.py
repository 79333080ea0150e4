"""``manage.py seed_demo_promotion``: a thin door into ``devtools.demo.promotion``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.demo.promotion import seed_demo_promotion


class Command(BaseCommand):
    help = "Make business@joyreel.localhost Bea's Bakery with one active promotion paid at localstripe; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--state-file",
            default=None,
            help="the state file of a localstripe started here (default: the one `manage.py localstripe` uses)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo_promotion(options, stdout=self.stdout, stderr=self.stderr)
