"""Template helpers of the conversation: a comment's text with its @mentions linked (escaped like any
other user text), who wrote it, and the per-video "who can comment" form in the studio."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from creators.comments import rules
from creators.comments.models import Comment
from creators.comments.selectors import author_name

register = template.Library()


@register.filter
def comment_text(text: str) -> SafeString:
    """The text escaped, each "@handle" a link to that profile."""
    parts: list[SafeString] = []
    last = 0
    for match in rules._MENTION.finditer(text or ""):
        parts.append(conditional_escape(text[last : match.start()]))
        handle = match.group(1)
        parts.append(format_html('<a href="/@{}/">@{}</a>', handle, handle))
        last = match.end()
    parts.append(conditional_escape((text or "")[last:]))
    # Every piece is already escaped (or built by format_html): joined as it is, never escaped twice.
    return format_html_join("", "{}", ((part,) for part in parts))


def _ago(seconds: int) -> str:
    # Whole phrases per unit, not timesince() + " ago": German says "vor 2 Tagen" (dative), not "2 Tage".
    day = 24 * 60 * 60
    if seconds >= 365 * day:
        count = seconds // (365 * day)
        return ngettext("%(count)s year ago", "%(count)s years ago", count) % {"count": count}
    if seconds >= 30 * day:
        count = seconds // (30 * day)
        return ngettext("%(count)s month ago", "%(count)s months ago", count) % {"count": count}
    if seconds >= 7 * day:
        count = seconds // (7 * day)
        return ngettext("%(count)s week ago", "%(count)s weeks ago", count) % {"count": count}
    if seconds >= day:
        count = seconds // day
        return ngettext("%(count)s day ago", "%(count)s days ago", count) % {"count": count}
    if seconds >= 60 * 60:
        count = seconds // (60 * 60)
        return ngettext("%(count)s hour ago", "%(count)s hours ago", count) % {"count": count}
    count = seconds // 60
    return ngettext("%(count)s minute ago", "%(count)s minutes ago", count) % {"count": count}


@register.filter
def comment_age(moment: datetime.datetime) -> str:
    """ "just now", "5 minutes ago", "2 days ago": how long ago a comment was written."""
    elapsed = timezone.now() - moment
    if elapsed < datetime.timedelta(minutes=1):
        return gettext("just now")
    return _ago(int(elapsed.total_seconds()))


@register.filter
def comment_author(comment: Comment) -> str:
    return author_name(comment)


@register.filter
def comment_author_url(comment: Comment) -> str:
    profile = getattr(comment.author, "creator_profile", None) if comment.author else None
    handle = getattr(profile, "handle", None)
    return f"/@{handle}/" if handle else ""


@register.inclusion_tag("comments/studio_video_policy.html", takes_context=True)
def comment_policy_form(context: dict[str, Any], video: Any) -> dict[str, Any]:
    from creators.comments.views import video_policy_choices

    return {
        "video": video,
        "choices": video_policy_choices(video),
        "action": reverse("creators:studio_video_comment_policy", args=[video.public_id]),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def held_comment_count(profile: Any) -> int:
    """How many comments wait for the creator's approval (one indexed count, for the studio's nav)."""
    return Comment.objects.filter(video__owner=profile, state=Comment.State.HELD).count()
