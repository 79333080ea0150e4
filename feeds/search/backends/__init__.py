"""One interface to the search engines, chosen by the database: PostgreSQL's full text search and pg_trgm,
or SQLite's FTS5. Both read the tables of ``feeds.search.models``; neither writes (the indexer does, and on
SQLite triggers copy its writes into the FTS5 tables)."""

from __future__ import annotations

from typing import Protocol

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from feeds.search.models import SearchTerm
from feeds.search.text import Reading

# How many of the best text matches one search ranks for the viewer (its pages read from these).
MAX_MATCHES = 200
# How many of the newest matching documents one search scores for text relevance.
CANDIDATES = 500
# How many vocabulary words similar to a misspelt one are read to find its corrections.
NEAR_WORDS = 60


class SearchBackend(Protocol):
    def corrections(self, words: tuple[str, ...]) -> Reading:
        """How each query word is matched (``text.reading_of``), from the vocabulary (``SearchWord``)."""
        ...

    def video_candidates(
        self, *, words: tuple[str, ...], reading: Reading, adults: bool, limit: int
    ) -> list[tuple[int, str]]:
        """The newest ``limit`` listed documents having every word (as ``reading`` says), without
        adults-only ones unless ``adults``: (video id, document)."""
        ...

    def terms(self, *, kind: str, words: tuple[str, ...], limit: int) -> list[tuple[SearchTerm, float]]:
        """Terms of ``kind`` matching every word the same way, with a text relevance, best first."""
        ...

    def suggest(self, *, prefix: str, limit: int) -> list[SearchTerm]:
        """Terms that begin with ``prefix`` (folded), those behind the most videos first."""
        ...


def search_connection_setup(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """Each new database connection's settings for search (``connection_created``)."""
    if connection.vendor == "postgresql":
        from feeds.search.backends.postgres import connection_setup

        connection_setup(connection)


def search_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from feeds.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from feeds.search.backends.sqlite import SqliteBackend

    return SqliteBackend()
