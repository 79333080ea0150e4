"""``manage.py benchmark_search``: a thin door into ``devtools.bench.search``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.search import benchmark_search


class Command(BaseCommand):
    help = (
        "Seed videos with German and English captions, hashtags and creators in a throwaway database, index "
        "them, then score 50 labelled queries (nDCG@10, recall@10) against an icontains baseline and time "
        "search, suggest and a published video's way into the index. Prints one JSON line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--videos", type=int, default=100_000)
        parser.add_argument("--creators", type=int, default=0, help="default: one per 50 videos")
        parser.add_argument("--runs", type=int, default=300, help="timed requests of search and of suggest")
        parser.add_argument(
            "--baseline-runs",
            type=int,
            default=0,
            help="timed runs of the icontains baseline (default: --runs; each labelled query once at least: "
            "at a million videos one takes seconds)",
        )
        parser.add_argument(
            "--queries", type=int, default=50, help="labelled queries generated from the seed"
        )
        parser.add_argument("--seed", type=int, default=25, help="the seeded data's and the queries' RNG")
        parser.add_argument("--keep", action="store_true", help="keep the seeded database for investigation")

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_search(options, stdout=self.stdout, stderr=self.stderr)
