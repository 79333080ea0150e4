"""SQLite: FTS5. Words and prefixes from a ``unicode61 remove_diacritics 2`` table, typos from a
``trigram`` table: a word's trigrams are looked up together (any of them), the best candidates by bm25 are
then checked word by word (``text.word_similarity``). Triggers keep both tables in step with
``VideoDocument`` and ``SearchTerm`` (migration ``0012_search``)."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from creators.models import Video
from feeds.search import text
from feeds.search.models import SearchTerm

# How many candidates of one word the trigram table gives up for checking.
TYPO_CANDIDATES = 500
WORD_CANDIDATES = 5000


def _quoted(token: str) -> str:
    # FTS5 reads a double-quoted string as one token, operators (NEAR, OR, *) included, as plain text.
    return '"' + token.replace('"', '""') + '"'


def _word_matches(table: str, column: str, word: str) -> dict[int, float]:
    """Rows of ``table`` having ``word`` or a word it begins (1.0), or a typo of it (its similarity)."""
    matches: dict[int, float] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {quote(table + '_words')} WHERE {quote(table + '_words')} MATCH %s "  # noqa: S608
            "ORDER BY rank LIMIT %s",
            [f"{_quoted(word)} *", WORD_CANDIDATES],
        )
        matches.update((rowid, 1.0) for (rowid,) in cursor.fetchall())
        grams = sorted({word[index : index + 3] for index in range(len(word) - 2)})
        if not grams:
            return matches
        trigram_table = quote(table + "_trigrams")
        cursor.execute(
            f"SELECT rowid, {quote(column)} FROM {trigram_table} WHERE {trigram_table} MATCH %s "  # noqa: S608
            "ORDER BY rank LIMIT %s",
            [" OR ".join(_quoted(gram) for gram in grams), TYPO_CANDIDATES],
        )
        for rowid, document in cursor.fetchall():
            if rowid in matches:
                continue
            similarity = text.word_similarity(word, document.split())
            if similarity >= text.TYPO_SIMILARITY:
                matches[rowid] = similarity
    return matches


def _all_words(table: str, column: str, words: tuple[str, ...]) -> dict[int, float]:
    """Rows matching every word, scored by the sum of how well each matched."""
    scores: dict[int, float] | None = None
    for word in words:
        matches = _word_matches(table, column, word)
        scores = (
            matches
            if scores is None
            else {rowid: score + matches[rowid] for rowid, score in scores.items() if rowid in matches}
        )
        if not scores:
            return {}
    return scores or {}


class SqliteBackend:
    def videos(
        self, *, words: tuple[str, ...], eligible: QuerySet[Video], limit: int
    ) -> list[tuple[int, float]]:
        scores = _all_words("feeds_videodocument_fts", "document", words)
        if not scores:
            return []
        ranked = sorted(scores, key=lambda pk: (-scores[pk], -pk))
        found: list[tuple[int, float]] = []
        # Eligibility in chunks, best first, until ``limit`` are found (SQLite binds at most ~32k values).
        for start in range(0, len(ranked), 1000):
            chunk = ranked[start : start + 1000]
            allowed = set(eligible.filter(pk__in=chunk).values_list("pk", flat=True))
            found.extend((pk, scores[pk]) for pk in chunk if pk in allowed)
            if len(found) >= limit:
                break
        return found[:limit]

    def terms(self, *, kind: str, words: tuple[str, ...], limit: int) -> list[tuple[SearchTerm, float]]:
        scores = _all_words("feeds_searchterm_fts", "text", words)
        if not scores:
            return []
        terms = list(SearchTerm.objects.filter(pk__in=list(scores)[:WORD_CANDIDATES], kind=kind))
        for term in terms:
            scores[term.pk] += 1.0 if term.text.startswith(words[0]) else 0.0
        terms.sort(key=lambda term: (-scores[term.pk], -term.video_count, term.pk))
        return [(term, scores[term.pk]) for term in terms[:limit]]

    def suggest(self, *, prefix: str, limit: int) -> list[SearchTerm]:
        # A range on the text's index: SQLite's BINARY collation orders by UTF-8 bytes, so every text that
        # begins with the prefix sorts between it and the prefix followed by the highest code point.
        return list(
            SearchTerm.objects.filter(text__gte=prefix, text__lt=prefix + "\U0010ffff").order_by(
                "-video_count", "text"
            )[:limit]
        )
