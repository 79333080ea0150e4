"""One interface to the search engines, chosen by the database: PostgreSQL's full text search and pg_trgm,
or SQLite's FTS5. Both read the tables of ``feeds.search.models``; neither writes (the indexer does, and on
SQLite triggers copy its writes into the FTS5 tables)."""

from __future__ import annotations

from typing import Protocol

from django.db import connection
from django.db.models import QuerySet

from creators.models import Video
from feeds.search.models import SearchTerm

# How many of the best text matches one search ranks for the viewer (its pages read from these).
MAX_MATCHES = 200


class SearchBackend(Protocol):
    def videos(
        self, *, words: tuple[str, ...], eligible: QuerySet[Video], limit: int
    ) -> list[tuple[int, float]]:
        """Ids of the ``eligible`` videos whose document has every word (itself, a word it begins, or a
        typo of it), with a text relevance (higher is better), best first."""
        ...

    def terms(self, *, kind: str, words: tuple[str, ...], limit: int) -> list[tuple[SearchTerm, float]]:
        """Terms of ``kind`` matching every word the same way, with a text relevance, best first."""
        ...

    def suggest(self, *, prefix: str, limit: int) -> list[SearchTerm]:
        """Terms that begin with ``prefix`` (folded), those behind the most videos first."""
        ...


def search_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from feeds.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from feeds.search.backends.sqlite import SqliteBackend

    return SqliteBackend()
