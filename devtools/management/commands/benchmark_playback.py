"""``manage.py benchmark_playback``: a thin door into ``devtools.bench.playback``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.playback import benchmark_playback


class Command(BaseCommand):
    help = (
        "Plays a generated clip in Chromium at phone size, HLS (our player) against the progressive MP4: "
        "time to first frame, bytes and rebuffering on throttled Fast 3G, the top rung unthrottled."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=3, help="runs of each kind; medians are reported")
        parser.add_argument("--seconds", type=float, default=60.0, help="length of the generated clip")
        parser.add_argument("--size", default="1080x1920", help="WIDTHxHEIGHT of the generated clip")
        parser.add_argument("--watch", type=float, default=10.0, help="seconds of watching that bytes count")
        parser.add_argument(
            "--reuse",
            metavar="DIR",
            help="make the clip and its ladder in DIR once, and reuse them on later runs",
        )
        parser.add_argument("--timeline", action="store_true", help="each run's requests to stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_playback(options, stdout=self.stdout, stderr=self.stderr)
