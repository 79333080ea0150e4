"""PostgreSQL: full text search over the folded documents (``simple`` configuration: the words are already
folded, German and English alike) over each document's stored vector (``search_vector``, a generated column
with a GIN index, migration ``0014_search_listed``). A typo is corrected first,
against the vocabulary of every indexed word (``SearchWord``, a trigram index, migration
``0013_search_words``): "fotball" searches ``fotball:* | football``.

The newest matching documents are read a slice of ids at a time, newest slice first (one statement:
``UNION ALL`` stops at the limit). A common word's matches fill the limit in the first slice, so the
executor visits a few thousand rows instead of every one of its hundreds of thousands of matches; a rare
word's few matches are cheap to read in any slice."""

from __future__ import annotations

import itertools
import time
from functools import reduce
from operator import add
from typing import Any

from django.contrib.postgres.search import TrigramStrictWordSimilarity
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, Q, Value, When

from feeds.search import text
from feeds.search.backends import NEAR_WORDS
from feeds.search.models import SearchTerm

CONFIG = "simple"
# The vocabulary words read as possible corrections are those this similar (pg_trgm's ``%``): below its
# default 0.3, since a swapped pair of letters in a short word leaves few trigrams in common.
NEAR_SIMILARITY = 0.2
# The id slices, newest first, as multiples of the limit: with 500 candidates, the newest 2,000 ids,
# then those down to 20,000 and 200,000 below the newest, then the rest.
SLICES = (4, 40, 400)
# The highest document id is read at most this often (a newer document still falls in the first slice).
MAX_ID_SECONDS = 30.0
_max_id: dict[str, tuple[float, int]] = {}

_CANDIDATE_SLICE = (
    "(SELECT video_id, document FROM feeds_videodocument WHERE {bounds} AND listed{adults} "
    "AND search_vector @@ to_tsquery('simple'::regconfig, %s) ORDER BY video_id DESC LIMIT %s)"
)


def _similarity(words: tuple[str, ...], field: str) -> Any:
    return reduce(add, (TrigramStrictWordSimilarity(word, field) for word in words))


def _newest_id() -> int:
    now = time.monotonic()
    cached = _max_id.get(connection.alias)
    if cached is not None and now - cached[0] < MAX_ID_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(video_id), 0) FROM feeds_videodocument")
        newest = int(cursor.fetchone()[0])
    _max_id[connection.alias] = (now, newest)
    return newest


def connection_setup(wrapper: BaseDatabaseWrapper) -> None:
    """pg_trgm's ``%`` threshold for this connection (only the corrections use ``%``). Set when the
    connection opens, outside any transaction, so a rolled-back transaction cannot undo it; before
    pg_trgm is loaded it waits as a placeholder, which the extension takes up."""
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, false)", [str(NEAR_SIMILARITY)])


def tsquery(words: tuple[str, ...], reading: text.Reading) -> str:
    """Every word (itself, a word it begins if it is a prefix, or one of its fixes). Folded words hold
    only letters and digits, and each is quoted, so nothing in them is tsquery syntax."""
    return " & ".join(
        "("
        + " | ".join(
            [
                f"'{word}':*" if word in reading.prefixes else f"'{word}'",
                *(f"'{fix}'" for fix in reading.fixes.get(word, [])),
            ]
        )
        + ")"
        for word in words
    )


class PostgresBackend:
    def corrections(self, words: tuple[str, ...]) -> text.Reading:
        long_words = [word for word in words if len(word) >= text.MIN_TYPO_WORD]
        if not long_words:
            return text.Reading()
        # Per word: the first known word it begins (itself when known), and its nearest words by trigrams
        # (``%``: as similar as ``NEAR_SIMILARITY``, see ``connection_setup``). One statement.
        parts: list[str] = []
        params: list[int | str] = []
        for index, word in enumerate(long_words):
            parts.append(
                "(SELECT %s, word, 0 FROM feeds_searchword WHERE word LIKE %s ORDER BY word LIMIT 1)"
            )
            parts.append(
                "(SELECT %s, word, 1 FROM feeds_searchword WHERE word %% %s "
                "ORDER BY word <-> %s, word LIMIT %s)"
            )
            params += [index, word + "%", index, word, word, NEAR_WORDS]
        first_known: dict[str, str] = {}
        near: dict[str, list[str]] = {}
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for index, found, is_near in cursor.fetchall():
                if is_near:
                    near.setdefault(long_words[index], []).append(found)
                else:
                    first_known[long_words[index]] = found
        return text.reading_of(words, first_known=first_known, near=near)

    def video_candidates(
        self, *, words: tuple[str, ...], reading: text.Reading, adults: bool, limit: int
    ) -> list[tuple[int, str]]:
        query = tsquery(words, reading)
        newest = _newest_id()
        cuts = [newest - size * limit for size in SLICES]
        ranges: list[tuple[str, list[int]]] = [("video_id > %s", [cuts[0]])]
        ranges += [
            ("video_id > %s AND video_id <= %s", [low, high]) for high, low in itertools.pairwise(cuts)
        ]
        ranges.append(("video_id <= %s", [cuts[-1]]))
        adults_clause = "" if adults else " AND NOT adults_only"
        parts: list[str] = []
        params: list[int | str] = []
        for bounds, values in ranges:
            parts.append(_CANDIDATE_SLICE.format(bounds=bounds, adults=adults_clause))
            params += [*values, query, limit]
        sql = "SELECT video_id, document FROM (" + " UNION ALL ".join(parts) + ") AS found LIMIT %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return [(int(video_id), document) for video_id, document in cursor.fetchall()]

    def terms(self, *, kind: str, words: tuple[str, ...], limit: int) -> list[tuple[SearchTerm, float]]:
        queryset = SearchTerm.objects.filter(kind=kind)
        for word in words:
            queryset = queryset.filter(Q(text__startswith=word) | Q(text__trigram_strict_word_similar=word))
        starts = Case(When(text__startswith=words[0], then=Value(1.0)), default=Value(0.0))
        rows = queryset.annotate(text_score=_similarity(words, "text") + starts).order_by(
            "-text_score", "-video_count", "pk"
        )[:limit]
        return [(term, float(term.text_score)) for term in rows]

    def suggest(self, *, prefix: str, limit: int) -> list[SearchTerm]:
        return list(
            SearchTerm.objects.filter(text__startswith=prefix).order_by("-video_count", "text")[:limit]
        )
