"""Template filters for creator pages: durations as a clock and counts the way video apps show them."""

from django import template

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
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if value >= size:
            scaled = value / size
            text = f"{scaled:.1f}" if scaled < 10 else f"{scaled:.0f}"
            return f"{text.removesuffix('.0')}{suffix}"
    return str(value)
