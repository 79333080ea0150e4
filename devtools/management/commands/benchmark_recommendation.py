"""``manage.py benchmark_recommendation``: a thin door into ``devtools.bench.recommendation``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.recommendation import benchmark_recommendation


class Command(BaseCommand):
    help = "Compare For You with random, most-popular, following and Loops' formula on simulated viewers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", choices=("topics", "specific", "both"), default="topics")
        # Defaults differ by case (see TOPICS_DEFAULTS and SPECIFIC_DEFAULTS in devtools.bench.recommendation).
        parser.add_argument("--videos", type=int, default=None)
        parser.add_argument("--creators", type=int, default=None)
        parser.add_argument("--viewers", type=int, default=None)
        parser.add_argument("--watched", type=int, default=None, help="videos each viewer watches")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_recommendation(options, stdout=self.stdout, stderr=self.stderr)
