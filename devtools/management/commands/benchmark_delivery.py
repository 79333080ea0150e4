"""``manage.py benchmark_delivery``: a thin door into ``devtools.bench.delivery``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.delivery import benchmark_delivery


class Command(BaseCommand):
    help = "Times the HLS ladder's publish encode against the single-rendition publish, on a generated clip."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=3, help="runs of each; medians are reported")
        parser.add_argument("--seconds", type=float, default=60.0, help="length of the generated clip")
        parser.add_argument("--size", default="1080x1920", help="WIDTHxHEIGHT of the generated clip")

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_delivery(options, stdout=self.stdout, stderr=self.stderr)
