"""``manage.py benchmark_trim``: a thin door into ``devtools.bench.trim``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.trim import benchmark_trim


class Command(BaseCommand):
    help = "Times (a) moviepy subclipped().write_videofile(), (b) one ffmpeg command, (c) Joyreel's publish."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=3, help="runs of each path; medians are reported")
        parser.add_argument("--skip-moviepy", action="store_true", help="skip (a), the slow baseline")

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_trim(options, stdout=self.stdout, stderr=self.stderr)
