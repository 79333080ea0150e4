"""The conversation's rules that need no database: what a comment's text may be, how "top" is scored,
the spam limits and what counts as a link or a mention. Services and selectors apply them."""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from creators.comments.models import MAX_LENGTH

# Spam limits per account (the services count the author's own rows).
PER_MINUTE = 10
PER_DAY = 200
# The same text on more than this many videos within the hour is refused as spam.
SAME_TEXT_VIDEOS = 3
SAME_TEXT_WINDOW = datetime.timedelta(hours=1)
# An author edits their comment within this time of posting it; afterwards it stands (or is deleted).
EDIT_WINDOW = datetime.timedelta(minutes=5)
# "Top": a like is a point, a reply two, a reply by the video's creator ten. No follower counts.
LIKE_POINTS = 1
REPLY_POINTS = 2
CREATOR_REPLY_POINTS = 10
# At most this many people are notified of being mentioned in one comment.
MAX_MENTIONS = 5

# A web address in any usual spelling: a scheme, "www.", or a bare domain with a common top-level name.
_LINK = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|de|uk|ly|me|info|biz|app|xyz|shop|link|tv)\b",
    re.IGNORECASE,
)
# "@handle" as handles are written (``creators.models.HANDLE_PATTERN``), not inside an email address.
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_]))")
# Characters no one types in a comment: controls (not newline or tab) and unpaired surrogates.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})


def text_clean(text: object) -> str:
    """A comment's text as it is stored: trimmed, at most 500 characters, with no control characters.
    HTML is kept as typed and escaped wherever it is shown. Raises ``ValidationError`` (nothing stored)."""
    if not isinstance(text, str):
        raise ValidationError(gettext("A comment is text."), code="comment_invalid")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValidationError(
            gettext("The comment is not valid text (UTF-8)."), code="comment_invalid"
        ) from error
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise ValidationError(gettext("Write something first: the comment is empty."), code="comment_empty")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            gettext("A comment is at most %(limit)s characters; this one has %(count)s.")
            % {"limit": MAX_LENGTH, "count": len(text)},
            code="comment_too_long",
        )
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES and char not in "\n\t" for char in text):
        raise ValidationError(
            gettext("The comment holds characters that cannot be shown."), code="comment_invalid"
        )
    return text


def has_link(text: str) -> bool:
    return _LINK.search(text) is not None


def mentioned_handles(text: str) -> list[str]:
    """The handles ``text`` mentions, lower-cased, in order, each once, at most ``MAX_MENTIONS``."""
    seen: list[str] = []
    for handle in _MENTION.findall(text):
        folded = handle.lower()
        if folded not in seen:
            seen.append(folded)
    return seen[:MAX_MENTIONS]
