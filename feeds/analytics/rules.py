"""Creator analytics' arithmetic and wording, without the ORM: ranges, retention, privacy floors, the feed's
judgement in words. The rollup and the selectors feed it; its tests need no database."""

from __future__ import annotations

import datetime
import hashlib
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REACH_STEPS = 50  # retention is measured at each 2% of a video's length
MIN_CELL_VIEWERS = 10  # a breakdown cell with fewer distinct viewers is not shown
MAX_RANGE_DAYS = 365
PRESET_DAYS = (7, 28, 60, 365)
EARLY_SKIP_SECONDS = 2  # the player calls leaving before this a skip
EARLIEST_DAY = datetime.date(2020, 1, 1)

AUDIENCE_BANDS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55+", "unknown")
BAND_LABELS = {
    "13-17": "13–17",
    "18-24": "18–24",
    "25-34": "25–34",
    "35-44": "35–44",
    "45-54": "45–54",
    "55+": gettext_lazy("55 and over"),
    "unknown": gettext_lazy("Not known"),
}
_BAND_AFTER = ((18, "13-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"))


def audience_band(years: int | None) -> str:
    """The band of a viewer's age: every minor falls in one "13-17" band; no finer detail is kept."""
    if years is None or years < 13:
        return "unknown"
    for after, band in _BAND_AFTER:
        if years < after:
            return band
    return "55+"


def viewer_number(viewer_key: str) -> int:
    """A viewer key as a number for distinct counts: the user id, or a negative 63-bit hash of an
    anonymous key (a collision among a billion keys has a chance of about 1 in 20 million)."""
    if viewer_key.startswith("u:") and viewer_key[2:].isdigit():
        return int(viewer_key[2:])
    digest = hashlib.blake2b(viewer_key.encode(), digest_size=8).digest()
    return -(int.from_bytes(digest, "big") >> 1) - 1


def reach_step(*, furthest: float, duration: float) -> int:
    """Which 2% step of the length a view's first loop reached (0 to 50)."""
    if duration <= 0:
        return 0
    share = min(1.0, max(0.0, furthest / duration))
    return min(REACH_STEPS, int(share * REACH_STEPS + 1e-9))


def reach_add(total: list[int], more: Sequence[int]) -> list[int]:
    """Two reach histograms added (either may be empty)."""
    if not total:
        return list(more) or [0] * (REACH_STEPS + 1)
    return [a + b for a, b in zip(total, more or [0] * len(total), strict=True)]


def retention_curve(reach: Sequence[int]) -> list[float]:
    """The share of views still watching at each 2% of the length (51 points), from a reach histogram."""
    views = sum(reach)
    if not views:
        return []
    curve: list[float] = []
    remaining = views
    for count in reach:
        curve.append(remaining / views)
        remaining -= count
    return curve


def median_curve(curves: Sequence[Sequence[float]]) -> list[float]:
    """Point by point, the median of several retention curves."""
    curves = [curve for curve in curves if curve]
    if not curves:
        return []
    return [statistics.median(points) for points in zip(*curves, strict=True)]


def shown(count: int) -> int | None:
    """A breakdown cell's viewer count, or None ("fewer than 10") when it could single someone out."""
    return count if count >= MIN_CELL_VIEWERS else None


def shown_breakdown(counts: dict[str, int]) -> tuple[dict[str, int | None], set[str]]:
    """A breakdown's cells with small ones hidden (None), and the keys withheld besides: when the hidden
    cells together hold fewer than 10 viewers, the smallest shown cell is hidden too, or the total less
    the shown cells would give the small number away."""
    result = {key: shown(count) for key, count in counts.items()}
    withheld: set[str] = set()
    hidden = sum(count for key, count in counts.items() if result[key] is None)
    if 0 < hidden < MIN_CELL_VIEWERS:
        visible = [key for key in counts if result[key] is not None]
        if visible:
            smallest = min(visible, key=lambda key: (counts[key], key))
            result[smallest] = None
            withheld.add(smallest)
    return result, withheld


def change(current: float, previous: float) -> float | None:
    """Relative change against the previous period; None when there was nothing to compare with."""
    if not previous:
        return None
    return (current - previous) / previous


@dataclass(frozen=True)
class DayRange:
    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> DayRange:
        """The same number of days just before."""
        length = datetime.timedelta(days=self.days)
        return DayRange(self.start - length, self.start - datetime.timedelta(days=1))

    def each_day(self) -> list[datetime.date]:
        return [self.start + datetime.timedelta(days=offset) for offset in range(self.days)]


class RangeProblem(ValueError):
    """A range a creator asked for that cannot be shown; the message says why, in words."""


def range_parse(
    *, preset: str | None, start: str | None, end: str | None, last_day: datetime.date
) -> DayRange:
    """The range from a query string: a preset (last 7/28/60/365 days, ending at ``last_day``, the last
    day rolled up) or a custom start and end (both dates, at most 365 days, not after ``last_day``)."""
    if start or end:
        if not (start and end):
            raise RangeProblem(_("Give both a start and an end date."))
        try:
            first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
        except ValueError as error:
            raise RangeProblem(_("Dates look like 2026-05-31.")) from error
        if first > last:
            raise RangeProblem(_("The start date is after the end date."))
        if last > last_day:
            raise RangeProblem(
                _("Numbers go up to %(day)s; pick an end date no later.")
                % {"day": date_format(last_day, "DATE_FORMAT")}
            )
        if first < EARLIEST_DAY:
            raise RangeProblem(
                _("Numbers start in %(year)s; pick a later start date.") % {"year": EARLIEST_DAY.year}
            )
        chosen = DayRange(first, last)
        if chosen.days > MAX_RANGE_DAYS:
            raise RangeProblem(_("A range can be at most %(days)s days long.") % {"days": MAX_RANGE_DAYS})
        return chosen
    days = 28
    if preset:
        if not preset.isdigit() or int(preset) not in PRESET_DAYS:
            raise RangeProblem(_("Choose the last 7, 28, 60 or 365 days, or a start and an end date."))
        days = int(preset)
    return DayRange(last_day - datetime.timedelta(days=days - 1), last_day)


# --- the feed's view of a video, in words ---------------------------------------------------------


def judgement_words(
    *, impressions: int, watch_through: float, quality: float, site_watch_through: float
) -> list[str]:
    """What the ranking thinks of a video, as sentences a creator can act on. ``watch_through`` and
    ``quality`` are the ranking's own numbers (``feeds.ranking.features``)."""
    if watch_through > 1:  # the ranking counts every loop watched to the end
        expects = _("The feed expects viewers to watch it to the end more than once, counting replays.")
    else:
        expects = _(
            "The feed expects about %(percent)s%% of viewers to watch to the end (replays count)."
        ) % {"percent": number_format(round(watch_through * 100))}
    if impressions < 30:
        start = _(
            "It starts every video at one in three and moves toward what viewers really do as views come in,"
            " so with few views this is mostly the starting guess."
        )
    else:
        start = _(
            "It starts every video at one in three and moves toward what viewers really do as views come in."
        )
    words = [f"{expects} {start}"]
    if watch_through >= site_watch_through * 1.15:
        words.append(_("That is better than most videos on Joyreel, so the feed shows it more."))
    elif watch_through <= site_watch_through * 0.85:
        words.append(
            _("That is below most videos on Joyreel. A stronger first two seconds usually helps most.")
        )
    else:
        words.append(_("That is about as good as most videos on Joyreel."))
    score = {"quality": number_format(round(quality, 2), 2)}
    if quality >= 1.1:
        words.append(_("Likes and shares lift it (quality score %(quality)s; 1.00 is neutral).") % score)
    elif quality <= 0.9:
        words.append(
            _("Skips and “not interested” hold it back (quality score %(quality)s; 1.00 is neutral).") % score
        )
    else:
        words.append(
            _("Likes, shares, skips and “not interested” about balance out (quality score %(quality)s).")
            % score
        )
    return words
