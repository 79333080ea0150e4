"""Template filters for creator pages: durations as a clock and counts the way video apps show them."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def clock(seconds: float | None) -> str:
    """12.4 → "0:12", 754 → "12:34"."""
    whole = int(seconds or 0)
    return f"{whole // 60}:{whole % 60:02d}"


@register.filter
def compact_count(count: int | None) -> str:
    """999 → "999", 1234 → "1.2K", 15300 → "15K", 2500000 → "2.5M"."""
    value = int(count or 0)
    suffixes = (
        (1_000_000_000, pgettext("a billion, after a number", "B")),
        (1_000_000, pgettext("a million, after a number", "M")),
        (1_000, pgettext("a thousand, after a number", "K")),
    )
    for size, suffix in suffixes:
        if value >= size:
            scaled = value / size
            tenths = round(scaled, 1) if scaled < 10 else round(scaled)
            # The language's decimal mark: "1.2K" in English, "1,2K" in German.
            text = number_format(tenths, decimal_pos=1 if tenths != int(tenths) else 0)
            return f"{text}{suffix}"
    return str(value)
