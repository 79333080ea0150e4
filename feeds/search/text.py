"""How search reads text: folding (case, accents, German umlauts spelt out), words, trigrams, and the one
check of what a person typed. Pure: the index and the query go through the same functions, so they agree."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rapidfuzz.distance import DamerauLevenshtein

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
# A word this similar to a word of the document (trigrams in common / trigrams in either) is a typo of it.
TYPO_SIMILARITY = 0.5
# Shorter words have too few letters for a typo to be told from another word.
MIN_TYPO_WORD = 4
# Or this few edits away (Damerau-Levenshtein: a letter added, dropped or changed, or two swapped): one in
# a word of up to 7 letters, two in a longer one. "sunest" is a typo of "sunset" though only 3 of their
# 11 trigrams are shared.
TYPO_EDITS = ((8, 2), (MIN_TYPO_WORD, 1))
# Known words tried per misspelt word, nearest first.
CORRECTIONS = 5
# How well a document's word answers a query word: the word itself, a word it begins (being typed), a typo.
EXACT, PREFIX, TYPO = 1.0, 0.8, 0.6

# "ue", "oe", "ae" are how German is typed without umlauts: "muenchen" and "münchen" both fold to
# "munchen". Applied to every word, index and query alike, so an English "blue" still finds "blue".
_SPELT_UMLAUTS = re.compile(r"(?<=[a-z])([aou])e")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l", "þ": "th"})


class QueryError(ValidationError):
    """What a person typed can't be searched for: the page says so under its box (a 400)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code)


def fold(text: str) -> str:
    """Lower case, accents dropped, umlauts spelt out or not alike, everything but letters and digits a
    space: the form both the index and the queries are in."""
    text = text.casefold().translate(_SPECIAL)
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    text = _NOT_WORD.sub(" ", text)
    return " ".join(_SPELT_UMLAUTS.sub(r"\1", word) for word in text.split())


def words(text: str) -> list[str]:
    """The folded words of ``text``, each once, in order."""
    return list(dict.fromkeys(fold(text).split()))


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[index : index + 3] for index in range(len(padded) - 2)}


def similarity(word: str, other: str) -> float:
    """Trigrams in common over trigrams in either (pg_trgm's ``similarity``)."""
    mine, theirs = trigrams(word), trigrams(other)
    return len(mine & theirs) / len(mine | theirs)


def word_similarity(word: str, document_words: list[str] | set[str]) -> float:
    """How well ``word`` matches the document: 1 for the word itself or a word it begins, else the best
    trigram similarity to any of its words."""
    best = 0.0
    for other in document_words:
        if other.startswith(word):
            return 1.0
        best = max(best, similarity(word, other))
    return best


def typo_distance(word: str, other: str) -> float | None:
    """How far ``other`` is from ``word`` if it is what ``word`` was meant to be (smaller is nearer), else
    None: within ``TYPO_EDITS`` edits, or as similar as ``TYPO_SIMILARITY``."""
    if other == word or len(word) < MIN_TYPO_WORD:
        return None
    edits = next(allowed for length, allowed in TYPO_EDITS if len(word) >= length)
    distance = DamerauLevenshtein.distance(word, other, score_cutoff=edits)
    if distance <= edits:
        return float(distance)
    trigram_similarity = similarity(word, other)
    return edits + 1 - trigram_similarity if trigram_similarity >= TYPO_SIMILARITY else None


def typo_fixes(word: str, candidates: list[str], *, limit: int) -> list[str]:
    """The ``limit`` nearest of ``candidates`` (vocabulary words sharing trigrams with ``word``) that are
    typos of it, nearest first."""
    near = [(distance, other) for other in candidates if (distance := typo_distance(word, other)) is not None]
    return [other for _, other in sorted(near)[:limit]]


@dataclass(frozen=True, slots=True)
class Reading:
    """How a query's words are matched. Each matches itself; those in ``prefixes`` (not a word of the index
    but the beginning of one: still being typed) also the words they begin; those in ``fixes`` (neither)
    also the words they may be typos of. A word of the index, or one shorter than ``MIN_TYPO_WORD``,
    matches only itself: expanding "the" to every word it begins cost a common word's search most of
    its time."""

    prefixes: frozenset[str] = frozenset()
    fixes: dict[str, list[str]] = field(default_factory=dict)


def reading_of(words: tuple[str, ...], *, first_known: dict[str, str], near: dict[str, list[str]]) -> Reading:
    """The ``Reading`` of ``words`` from the vocabulary: ``first_known`` maps a word to the first known word
    it begins (itself when known), ``near`` to its nearest known words by trigrams."""
    prefixes: set[str] = set()
    fixes: dict[str, list[str]] = {}
    for word in words:
        if len(word) < MIN_TYPO_WORD:
            continue
        first = first_known.get(word)
        if first == word:
            continue
        if first is not None:
            prefixes.add(word)
        elif found := typo_fixes(word, near.get(word, []), limit=CORRECTIONS):
            fixes[word] = found
    return Reading(prefixes=frozenset(prefixes), fixes=fixes)


def document_score(words: tuple[str, ...], reading: Reading, document: str) -> float:
    """How well a folded document answers the query, 0 to 1: each word scores ``EXACT`` if the document
    has it, ``PREFIX`` if it has a word it begins, ``TYPO`` if it has one of its fixes; the mean."""
    document_words = document.split()
    present = set(document_words)
    total = 0.0
    for word in words:
        if word in present:
            total += EXACT
        elif word in reading.prefixes and any(other.startswith(word) for other in document_words):
            total += PREFIX
        elif any(fix in present for fix in reading.fixes.get(word, ())):
            total += TYPO
    return total / len(words) if words else 0.0


@dataclass(frozen=True, slots=True)
class Query:
    """A checked search: the text as typed (controls removed) and its folded words (none: nothing to find)."""

    text: str
    words: tuple[str, ...]

    @property
    def folded(self) -> str:
        return " ".join(self.words)


def query_clean(raw: str | None) -> Query:
    """What was typed, as search reads it: control characters (NUL included) dropped, spaces collapsed,
    at most MAX_WORDS folded words (none: nothing to find). Operators of either engine's syntax (quotes,
    ``*``, ``NEAR``, ``OR``, brackets, ``-``) are only punctuation or words here: folding keeps letters and
    digits, and the engines receive each word quoted."""
    text = "".join(
        " " if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co"} else char for char in (raw or "")
    )
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    return Query(text=text, words=tuple(words(text)[:MAX_WORDS]))


def query_parse(raw: str | None) -> Query:
    """``query_clean``, refusing what can't be searched for: empty (once cleaned), one character, or more
    than MAX_QUERY_LENGTH raise ``QueryError``."""
    text = " ".join("".join(char for char in (raw or "") if unicodedata.category(char) != "Cc").split())
    if not text:
        raise QueryError(_("Type something to search for."), code="query_required")
    if len(text) < MIN_QUERY_LENGTH:
        raise QueryError(
            ngettext(
                "Type at least %(count)s character.", "Type at least %(count)s characters.", MIN_QUERY_LENGTH
            )
            % {"count": MIN_QUERY_LENGTH},
            code="query_too_short",
        )
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            _("Search for at most %(count)s characters.") % {"count": MAX_QUERY_LENGTH}, code="query_too_long"
        )
    return query_clean(text)
