"""``manage.py benchmark_http``: a thin door into ``devtools.bench.http_load``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.http_load import benchmark_http


class Command(BaseCommand):
    help = (
        "Drive gunicorn (two or more workers) on a seeded database with wrk (read-only: /healthz, then For You)"
        " and Locust (mixed); print throughput, latency and For You pages per health check."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--videos", type=int, default=100_000)
        parser.add_argument("--viewers", type=int, default=2_000)
        parser.add_argument("--signals", type=int, default=200_000, help="background signals seeded")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--users", type=int, default=50, help="concurrent Locust users")
        parser.add_argument("--seconds", type=int, default=60, help="length of the timed run")
        parser.add_argument("--baseline-seconds", type=int, default=15)
        parser.add_argument(
            "--connections", type=int, default=8, help="wrk's connections, the same for /healthz and For You"
        )
        parser.add_argument("--wrk-threads", type=int, default=1, help="wrk's threads (each a core at most)")
        parser.add_argument("--wrk-seconds", type=int, default=15, help="length of each read-only phase")
        parser.add_argument(
            "--profile",
            action="store_true",
            help="afterwards, serve --profile-pages For You pages under cProfile; top functions to stderr",
        )
        parser.add_argument("--profile-pages", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_http(options, stdout=self.stdout, stderr=self.stderr)
