"""``manage.py benchmark_promotions``: a thin door into ``devtools.bench.promotions``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.promotions import benchmark_promotions


class Command(BaseCommand):
    help = "Time For You with and without sponsored slots, and check caps, pacing and budgets, at scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--videos", type=int, default=100_000)
        parser.add_argument("--promotions", type=int, default=1_000)
        parser.add_argument("--adults", type=int, default=10_000)
        parser.add_argument("--minors", type=int, default=2_000)
        parser.add_argument(
            "--pages", type=int, default=20_000, help="pages with slots (and as many without)"
        )
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--days", type=int, default=10, help="each promotion's duration")
        parser.add_argument("--keep", action="store_true", help="keep the seeded database for investigation")
        parser.add_argument(
            "--profile",
            action="store_true",
            help="print a cProfile of the slot choices to stderr (with --threads 1: the profiler is per thread)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_promotions(options, stdout=self.stdout, stderr=self.stderr)
