"""``manage.py benchmark_analytics``: a thin door into ``devtools.bench.analytics.run``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.analytics.run import benchmark_analytics


class Command(BaseCommand):
    help = (
        "Seed a year of signal events in a throwaway database, then time the analytics rollup and the studio "
        "dashboard API against baselines and check every number against a raw recount."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=int, default=10_000_000)
        parser.add_argument("--videos", type=int, default=50_000)
        parser.add_argument("--creator-videos", type=int, default=500)
        parser.add_argument("--creators", type=int, default=100)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--viewers", type=int, default=200_000)
        parser.add_argument(
            "--creator-share",
            type=float,
            default=0.05,
            help="share of views that go to the benchmark creator's videos (a successful creator)",
        )
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--raw-repeats", type=int, default=3, help="raw-signal overviews timed per range")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--ranking-baseline",
            action="store_true",
            help="also time the ranking's rollup over the same events (slow: ~20 minutes at 10M)",
        )
        parser.add_argument("--profile", action="store_true", help="cProfile the rollup and the dashboard")
        parser.add_argument("--keep", action="store_true", help="keep the seeded database for investigation")

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_analytics(options, stdout=self.stdout, stderr=self.stderr)
