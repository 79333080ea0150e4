"""``manage.py benchmark_comments``: a thin door into ``devtools.bench.comments``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.comments import benchmark_comments


class Command(BaseCommand):
    help = (
        "Seed 100k videos and 2M comments (10% replies, one video with 200k) in a throwaway database, then "
        "time the first page of comments, posting one through the API, and For You with and without the "
        "counts on its items. Prints one JSON line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--videos", type=int, default=100_000)
        parser.add_argument(
            "--comments", type=int, default=2_000_000, help="in all; a tenth on one video, a tenth replies"
        )
        parser.add_argument("--viewers", type=int, default=1000, help="signed-in viewers with profiles")
        parser.add_argument("--runs", type=int, default=300, help="timed runs of each measurement (≥200)")
        parser.add_argument(
            "--for-you-pairs",
            type=int,
            default=1000,
            help="For You pages timed with and without the counts, in turn (p99 of 300 was the 3rd-worst "
            "page: one stray spike moved it by 2 ms)",
        )
        parser.add_argument("--keep", action="store_true", help="keep the seeded database for investigation")

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_comments(options, stdout=self.stdout, stderr=self.stderr)
