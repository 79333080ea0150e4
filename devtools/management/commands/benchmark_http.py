"""``manage.py benchmark_http``: a thin door into ``devtools.bench.http_load``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.http_load import benchmark_http


class Command(BaseCommand):
    help = (
        "Drive gunicorn (two or more workers) with Locust on a seeded database; print throughput and latency."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--videos", type=int, default=100_000)
        parser.add_argument("--viewers", type=int, default=2_000)
        parser.add_argument("--signals", type=int, default=200_000, help="background signals seeded")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--users", type=int, default=50, help="concurrent Locust users")
        parser.add_argument("--seconds", type=int, default=60, help="length of the timed run")
        parser.add_argument("--baseline-seconds", type=int, default=15)

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_http(options, stdout=self.stdout, stderr=self.stderr)
