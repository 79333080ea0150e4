"""PostgreSQL: full text search over the folded documents (``simple`` configuration: the words are already
folded, German and English alike), GIN-indexed (migration ``0012_search``). A typo is corrected first,
against the vocabulary of every indexed word (``SearchWord``, a trigram index, migration
``0013_search_words``): "fotball" searches ``fotball:* | football``. Every query stays on the full text
index; eligibility is in the same query.

Relevance (``ts_rank``) is worked out for the newest ``CANDIDATES`` matches only: on a common word, ranking
every match recomputed hundreds of thousands of document vectors."""

from __future__ import annotations

from collections import defaultdict
from functools import reduce
from operator import add, or_
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramStrictWordSimilarity
from django.db.models import Case, Q, QuerySet, Value, When

from creators.models import Video
from feeds.search import text
from feeds.search.models import SearchTerm, SearchWord, VideoDocument

CONFIG = "simple"
CANDIDATES = 1000
CORRECTIONS = 5  # vocabulary words tried per misspelt word
MIN_TYPO_WORD = 4


def _similarity(words: tuple[str, ...], field: str) -> Any:
    return reduce(add, (TrigramStrictWordSimilarity(word, field) for word in words))


def corrections(words: tuple[str, ...]) -> dict[str, list[str]]:
    """For each query word long enough to hold a typo, the vocabulary words as similar to it as
    ``text.TYPO_SIMILARITY`` (one query, on the vocabulary's trigram index)."""
    long_words = [word for word in words if len(word) >= MIN_TYPO_WORD]
    if not long_words:
        return {}
    near = SearchWord.objects.filter(reduce(or_, (Q(word__trigram_similar=word) for word in long_words)))
    found: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for candidate in near.values_list("word", flat=True)[: CORRECTIONS * 20 * len(long_words)]:
        for word in long_words:
            similarity = text.similarity(word, candidate)
            if candidate != word and similarity >= text.TYPO_SIMILARITY:
                found[word].append((similarity, candidate))
    return {
        word: [item for _, item in sorted(pairs, reverse=True)[:CORRECTIONS]] for word, pairs in found.items()
    }


def search_query(words: tuple[str, ...]) -> SearchQuery:
    """Every word (itself, a word it begins, or a correction of it); folded words hold only letters and
    digits, and each is quoted, so nothing in them is tsquery syntax."""
    fixes = corrections(words)
    parts = [
        "(" + " | ".join([f"'{word}':*", *(f"'{fix}'" for fix in fixes.get(word, []))]) + ")"
        for word in words
    ]
    return SearchQuery(" & ".join(parts), search_type="raw", config=CONFIG)


class PostgresBackend:
    def videos(
        self, *, words: tuple[str, ...], eligible: QuerySet[Video], limit: int
    ) -> list[tuple[int, float]]:
        query = search_query(words)
        # A semi-join from the documents' side: the planner starts from the full text index (a filter on
        # the joined vector was applied after an outer join, row by row).
        matching = (
            VideoDocument.objects.annotate(search_vector=SearchVector("document", config=CONFIG))
            .filter(search_vector=query)
            .values("video_id")
        )
        ids = list(eligible.filter(pk__in=matching).order_by("-pk").values_list("pk", flat=True)[:CANDIDATES])
        if not ids:
            return []
        ranked = (
            VideoDocument.objects.filter(video_id__in=ids)
            .annotate(text_score=SearchRank(SearchVector("document", config=CONFIG), query))
            .order_by("-text_score", "-video_id")
            .values_list("video_id", "text_score")[:limit]
        )
        return [(video_id, float(score)) for video_id, score in ranked]

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
