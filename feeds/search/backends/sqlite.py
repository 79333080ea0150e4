"""SQLite: FTS5. Documents by words and prefixes from a ``unicode61 remove_diacritics 2`` table, newest
first (FTS5 hands its rows over in rowid order, so a common word stops at the limit); typos are corrected
first against the vocabulary (``SearchWord``) through its ``trigram`` table, as PostgreSQL does. Creators'
and hashtags' terms have a words and a trigram table of their own. Triggers keep every FTS5 table in step
(migrations ``0012_search`` and ``0014_search_listed``)."""

from __future__ import annotations

from django.db import connection

from feeds.search import text
from feeds.search.backends import NEAR_WORDS
from feeds.search.models import SearchTerm

# How many candidates of one word the trigram table gives up for checking.
TYPO_CANDIDATES = 500
WORD_CANDIDATES = 5000


_CANDIDATES_SQL = (
    "SELECT document.video_id, document.document FROM feeds_videodocument_fts_words AS words "
    "JOIN feeds_videodocument AS document ON document.video_id = words.rowid "
    "WHERE words.feeds_videodocument_fts_words MATCH %s AND document.listed "
    "ORDER BY words.rowid DESC LIMIT %s"
)
_CANDIDATES_SQL_GENERAL = _CANDIDATES_SQL.replace(
    "document.listed ", "document.listed AND NOT document.adults_only "
)


def _quoted(token: str) -> str:
    # FTS5 reads a double-quoted string as one token, operators (NEAR, OR, *) included, as plain text.
    return '"' + token.replace('"', '""') + '"'


def _grams(word: str) -> list[str]:
    return sorted({word[index : index + 3] for index in range(len(word) - 2)})


def match_expression(words: tuple[str, ...], reading: text.Reading) -> str:
    """Every word: itself, a word it begins if it is a prefix, or one of its fixes."""
    return " AND ".join(
        "("
        + " OR ".join(
            [
                f"{_quoted(word)} *" if word in reading.prefixes else _quoted(word),
                *(_quoted(fix) for fix in reading.fixes.get(word, [])),
            ]
        )
        + ")"
        for word in words
    )


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
        grams = _grams(word)
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
    def corrections(self, words: tuple[str, ...]) -> text.Reading:
        first_known: dict[str, str] = {}
        near: dict[str, list[str]] = {}
        with connection.cursor() as cursor:
            for word in words:
                if len(word) < text.MIN_TYPO_WORD:
                    continue
                # The first known word it begins, itself when known (a range on the unique index).
                cursor.execute(
                    "SELECT word FROM feeds_searchword WHERE word >= %s AND word < %s ORDER BY word LIMIT 1",
                    [word, word + "\U0010ffff"],
                )
                if row := cursor.fetchone():
                    first_known[word] = row[0]
                    continue
                cursor.execute(
                    "SELECT word FROM feeds_searchword_fts_trigrams WHERE feeds_searchword_fts_trigrams "
                    "MATCH %s ORDER BY rank LIMIT %s",
                    [" OR ".join(_quoted(gram) for gram in _grams(word)), NEAR_WORDS],
                )
                near[word] = [found for (found,) in cursor.fetchall()]
        return text.reading_of(words, first_known=first_known, near=near)

    def video_candidates(
        self, *, words: tuple[str, ...], reading: text.Reading, adults: bool, limit: int
    ) -> list[tuple[int, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                _CANDIDATES_SQL if adults else _CANDIDATES_SQL_GENERAL,
                [match_expression(words, reading), limit],
            )
            return [(int(video_id), document) for video_id, document in cursor.fetchall()]

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
