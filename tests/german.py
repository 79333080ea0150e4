"""Finds English on a page rendered in German: the check behind "a German-speaking tester meets no English
sentence" (issue 29). A visible text node or a labelling attribute (aria-label, placeholder, title, alt, a
button's value) is English when it holds a word that only English has ("the", "your", "with", ...) or is one
of the site's common English labels on its own ("Save", "Cancel", ...).

What people wrote (captions, names, comments, emails) is not ours to translate: mark its element
``translate="no"`` (HTML's own attribute for it) and everything inside is skipped, as are <script>, <style>
and <code>."""

import re
from html.parser import HTMLParser

# Words that are English and not German (so "in", "am", "was", "will", "hat", "so", "die" are not here).
ENGLISH_ONLY = frozenset(
    [
        "the",
        "and",
        "your",
        "you",
        "with",
        "this",
        "that",
        "are",
        "is",
        "has",
        "have",
        "not",
        "for",
        "from",
        "of",
        "to",
        "or",
        "on",
        "by",
        "it",
        "be",
        "can",
        "yet",
        "here",
        "there",
        "when",
        "what",
        "who",
        "how",
        "my",
        "our",
        "their",
        "these",
        "those",
        "been",
        "would",
        "should",
        "could",
        "about",
        "more",
        "than",
        "into",
        "only",
        "just",
        "any",
        "each",
        "every",
        "please",
        "yes",
        "no",
        "none",
        "been",
        "being",
        "which",
        "while",
        "after",
        "before",
        "until",
        "again",
        "already",
    ]
)
# English labels that stand alone on buttons and links.
ENGLISH_LABELS = frozenset(
    [
        "save",
        "cancel",
        "delete",
        "upload",
        "search",
        "settings",
        "watch",
        "next",
        "back",
        "close",
        "edit",
        "remove",
        "report",
        "share",
        "follow",
        "following",
        "followers",
        "unfollow",
        "block",
        "mute",
        "unmute",
        "pause",
        "play",
        "submit",
        "send",
        "reply",
        "replies",
        "comments",
        "comment",
        "sign",
        "log",
        "help",
        "home",
        "analytics",
        "notifications",
        "guidelines",
        # The admin's app names (breadcrumbs, headings) when an app's verbose_name is not translated.
        "businesses",
        "creators",
    ]
)
LABEL_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")
SKIPPED_TAGS = {"script", "style", "code", "pre", "template", "noscript"}
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# A run of letters glued to digits is an id or a code (a UUID's "be7a"), not a word.
WORD = re.compile(r"(?<![0-9A-Za-z'’])[A-Za-z][A-Za-z'’]*(?![A-Za-z'’]*[0-9])")


# Names German writes the English way (a country in django-countries' German list).
PROPER_NAMES = frozenset(["Isle of Man"])


def is_english(text: str) -> bool:
    if text in PROPER_NAMES:
        return False
    # Codes in capitals (DE-BY, UTC) are not words of any language.
    found = [word for word in WORD.findall(text) if not (word.isupper() and len(word) <= 3)]
    words = [word.lower().rstrip("'’") for word in found]
    if any(word in ENGLISH_ONLY for word in words):
        return True
    return len(words) <= 2 and bool(words) and all(word in ENGLISH_LABELS for word in words)


class _Walker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.found: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skipped = self.skipping or tag in SKIPPED_TAGS or values.get("translate") == "no"
        if not skipped:
            labels = [values.get(name) for name in LABEL_ATTRIBUTES]
            if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
                labels.append(values.get("value"))
            self.found += [f"<{tag} {label!r}>" for label in labels if label and is_english(label)]
        if tag not in VOID_TAGS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        # Pop to the matching open tag (HTML lets some end tags be left out).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.skipping and is_english(text):
            self.found.append(text)


def english_on_page(html: str | bytes) -> list[str]:
    """The English texts and labels of a page rendered in German, in page order (empty when none)."""
    walker = _Walker()
    walker.feed(html.decode() if isinstance(html, bytes) else html)
    walker.close()
    return walker.found
