"""Rebuild the search index from the videos: ``python manage.py search_reindex``."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from feeds.search.indexing import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index (video documents, creator, hashtag and topic terms) from the database."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = reindex_all()
        self.stdout.write(f"Indexed {count} videos in {time.perf_counter() - started:.1f}s.")
