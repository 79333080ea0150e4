"""``manage.py benchmark_feed``: a thin door into ``devtools.bench.feed``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.feed import benchmark_feed


class Command(BaseCommand):
    help = (
        "Seed 100k videos / 10k viewers / 1M signals in a throwaway database, then time feeds and ingestion "
        "with the in-process catalog and with the candidate pools shared in Redis."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--videos", type=int, default=100_000)
        parser.add_argument("--viewers", type=int, default=10_000)
        parser.add_argument("--signals", type=int, default=1_000_000)
        parser.add_argument("--requests", type=int, default=1000)
        parser.add_argument("--ingest-batches", type=int, default=1000)
        parser.add_argument(
            "--ingest-batch-size",
            type=int,
            default=16,
            help="events per ingestion batch (the player sends about this many; at most SIGNAL_BATCH_MAX)",
        )
        parser.add_argument(
            "--profile",
            action="store_true",
            help="print a cProfile of the timed loops to stderr (For You pages, then ingestion)",
        )
        parser.add_argument("--keep", action="store_true", help="keep the seeded database for investigation")
        parser.add_argument(
            "--pools",
            choices=("both", "memory", "redis"),
            default="both",
            help="which candidate store to time: this process's catalog, the shared pools in Redis "
            "(FEED_POOLS_URL, else a throwaway redis-server), or both on the same data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_feed(options, stdout=self.stdout, stderr=self.stderr)
