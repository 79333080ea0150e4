"""Template filters for scheduled publishing: a time on the creator's own clock."""

import datetime

from django import template

from creators import scheduling
from creators.models import CreatorProfile

register = template.Library()


@register.filter
def on_clock_of(value: datetime.datetime | None, creator: CreatorProfile) -> str:
    """``{{ video.scheduled_at|on_clock_of:creator }}``: the time in the creator's time zone, with the
    zone's name (templates would otherwise show it in the site's zone)."""
    if value is None:
        return ""
    return f"{scheduling.time_label(value, creator=creator)} ({scheduling.zone_name(creator=creator)})"
