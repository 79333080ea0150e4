"""``manage.py supervise``: run the Procfile's processes and restart any that dies (what ``make run`` uses)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from platform.supervisor import supervise


class Command(BaseCommand):
    help = "Run every process of a Procfile; restart one that exits, with back-off; Ctrl-C stops them all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--procfile", type=Path, default=Path("Procfile"))
        parser.add_argument("--first-delay", type=float, default=1.0, help="seconds before the first restart")
        parser.add_argument("--max-delay", type=float, default=30.0, help="longest wait between restarts")
        parser.add_argument("--max-restarts", type=int, default=5, help="restarts of one process per minute")

    def handle(self, *args: Any, **options: Any) -> None:
        supervise(
            options["procfile"],
            first_delay=options["first_delay"],
            max_delay=options["max_delay"],
            max_restarts=options["max_restarts"],
        )
