"""Captions with their hashtags as links: every ``#word`` opens that hashtag's page."""

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from creators.services.publishing import HASHTAG_RE

register = template.Library()


@register.filter
def hashtag_links(caption: str | None) -> SafeString:
    """The caption escaped, with each hashtag (the pattern publishing stores them by) a link to its page.

    Only the text between the hashtags and the hashtags' own names reach the output, each escaped on
    its own: nothing a caption holds can open a tag or an attribute."""
    text = caption or ""
    parts: list[str] = []
    end = 0
    for match in HASHTAG_RE.finditer(text):
        parts.append(escape(text[end : match.start()]))
        name = match.group(1)
        parts.append(
            format_html(
                '<a class="hashtag" href="{}">#{}</a>', reverse("feeds:tag", args=[name.casefold()]), name
            )
        )
        end = match.end()
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts))  # noqa: S308  (every part escaped above)
