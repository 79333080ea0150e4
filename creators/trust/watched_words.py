"""Watched words: the staff's list of words and phrases that send a caption or bio to the review queue.

Matching is on whole words and phrases, ignoring case and accents ("Cure" matches "cüre", "miracle cure"
matches "MIRACLE   CURE!", "cure" does not match "secure"). The compiled pattern is cached; every change to the
list goes through ``watched_word_save`` / ``watched_word_delete``, which audit it and drop the cache."""

from __future__ import annotations

import functools
import re
import unicodedata

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from creators.models import WatchedWord
from platform.cache import cache_forget
from platform.models import User
from platform.services import audit_record

CACHE_KEY = "watched_words:phrases:v1"
# Without a shared cache (CACHE_URL) each process keeps its own copy: a minute bounds how long another
# process may miss a phrase just added.
CACHE_SECONDS = 60


def _fold(text: str) -> str:
    """Lower-cased, without accents, with runs of whitespace made one space: what both sides are matched as."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split())


@functools.lru_cache(maxsize=8)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    # Longest first, so "miracle cure" is reported rather than "cure" when both are watched.
    alternatives = sorted({_fold(phrase) for phrase in phrases if _fold(phrase)}, key=len, reverse=True)
    if not alternatives:
        return None
    body = "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def _phrases() -> tuple[str, ...]:
    phrases = cache.get(CACHE_KEY)
    if phrases is None:
        phrases = tuple(WatchedWord.objects.order_by("phrase").values_list("phrase", flat=True))
        cache.set(CACHE_KEY, phrases, CACHE_SECONDS)
    return tuple(phrases)


def watched_match(*, text: str) -> str | None:
    """The watched phrase ``text`` contains (as staff wrote it), or None."""
    return phrase_match(text=text, phrases=_phrases())


def phrase_match(*, text: str, phrases: tuple[str, ...]) -> str | None:
    """The phrase of ``phrases`` that ``text`` contains as whole words, ignoring case and accents (as it
    was written), or None: the watched words' rule, for any list (a creator's own filter too)."""
    pattern = _pattern(phrases)
    if pattern is None or not text:
        return None
    found = pattern.search(_fold(text))
    if found is None:
        return None
    matched = " ".join(found.group(0).split())
    return next((phrase for phrase in phrases if _fold(phrase) == matched), matched)


def _invalidate() -> None:
    cache_forget(CACHE_KEY)


def watched_phrase_clean(*, phrase: str, word_id: int | None = None) -> str:
    """The phrase as it is stored (single spaces); ValidationError when empty or already watched."""
    phrase = " ".join(phrase.split())
    if not _fold(phrase) or not re.search(r"\w", _fold(phrase)):
        raise ValidationError(gettext("Type a word or phrase."), code="empty")
    others = WatchedWord.objects.exclude(pk=word_id) if word_id is not None else WatchedWord.objects.all()
    if any(_fold(other) == _fold(phrase) for other in others.values_list("phrase", flat=True)):
        raise ValidationError(gettext("That phrase is already watched."), code="duplicate")
    return phrase


def watched_word_save(*, actor: User | None, word: WatchedWord) -> WatchedWord:
    """Add or change a watched word; audited. Raises ValidationError, writing nothing, on an empty or
    duplicate phrase (the same letters ignoring case and accents)."""
    try:
        phrase = watched_phrase_clean(phrase=word.phrase, word_id=word.pk)
    except ValidationError as error:
        raise ValidationError({"phrase": error.messages}) from error
    is_new = word.pk is None
    with transaction.atomic():
        word.phrase = phrase
        if is_new and word.created_by_id is None and actor is not None:
            word.created_by = actor
        word.save()
        audit_record(
            actor=actor,
            action="watched_word.add" if is_new else "watched_word.change",
            target=word,
            detail={"phrase": phrase},
        )
        _invalidate()
    return word


def watched_word_delete(*, actor: User | None, word: WatchedWord) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="watched_word.delete", target=word, detail={"phrase": word.phrase})
        word.delete()
        _invalidate()
