"""PostgreSQL: full text search over the folded documents (``simple`` configuration: the words are already
folded, German and English alike) for words and prefixes, pg_trgm's strict word similarity (whole words,
threshold 0.5, as ``text.TYPO_SIMILARITY`` on SQLite) for typos. Both have a GIN
index (migration ``0012_search``); eligibility is in the same query, so every match counted is one the
viewer may see."""

from __future__ import annotations

from functools import reduce
from operator import add
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramStrictWordSimilarity
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from creators.models import Video
from feeds.search.models import SearchTerm

CONFIG = "simple"


def _prefix(word: str) -> SearchQuery:
    # Folded words hold only letters and digits: quoted, nothing in them is tsquery syntax.
    return SearchQuery(f"'{word}':*", search_type="raw", config=CONFIG)


def _similarity(words: tuple[str, ...], field: str) -> Any:
    return reduce(add, (TrigramStrictWordSimilarity(word, field) for word in words))


class PostgresBackend:
    def videos(
        self, *, words: tuple[str, ...], eligible: QuerySet[Video], limit: int
    ) -> list[tuple[int, float]]:
        field = "search_document__document"
        queryset = eligible.annotate(search_vector=SearchVector(field, config=CONFIG))
        for word in words:
            queryset = queryset.filter(
                Q(search_vector=_prefix(word)) | Q(**{f"{field}__trigram_strict_word_similar": word})
            )
        any_word = reduce(lambda left, right: left | right, (_prefix(word) for word in words))
        rows = (
            queryset.annotate(
                text_score=Cast(SearchRank(F("search_vector"), any_word), FloatField())
                + _similarity(words, field)
            )
            .order_by("-text_score", "-pk")
            .values_list("pk", "text_score")[:limit]
        )
        return [(pk, float(score)) for pk, score in rows]

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
