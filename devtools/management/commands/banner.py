"""``manage.py banner``: a thin door into ``devtools.demo.banner``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.demo.banner import banner


class Command(BaseCommand):
    help = "Wait until the site answers on /healthz, print its addresses and the demo logins, then idle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the site")
        parser.add_argument("--exit", action="store_true", help="exit after printing (for tests)")

    def handle(self, *args: Any, **options: Any) -> None:
        banner(options, stdout=self.stdout, stderr=self.stderr)
