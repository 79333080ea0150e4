"""How many seconds of watching newly stored signals add, for the viewer's screen time (no ORM here).

A progress or completion event carries the furthest point reached in the current loop of a view, a
running total, not an increment: three progress events at 3, 6 and 9 seconds are 9 seconds of watching,
not 18. So, as the analytics rollup does (``feeds.analytics.rollup._View``), events are read as views:
an impression starts a view of a video, and the view's watched time is the sum of each loop's furthest
point. What a batch adds is how much the views' watched time grew with the batch's events, read after
the view's earlier events (in the database already). A duplicate event is not stored, so never counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

IMPRESSION = "impression"
WATCHING = frozenset(("progress", "complete", "skip"))


@dataclass(slots=True)
class _View:
    loop: int = 0
    loop_furthest: float = 0.0
    earlier_loops: float = 0.0

    @property
    def watched(self) -> float:
        return self.earlier_loops + self.loop_furthest

    def progress(self, watched: float, looped: int) -> None:
        if looped > self.loop:
            self.earlier_loops += self.loop_furthest
            self.loop, self.loop_furthest = looped, watched
        elif looped == self.loop and watched > self.loop_furthest:
            self.loop_furthest = watched


def watched_seconds_added(events: Iterable[tuple[int, str, float, int, bool]]) -> float:
    """Seconds of watching that the new events add.

    ``events`` are one viewer's recent events of some videos in the order they were stored, as
    ``(video_id, kind, watched_seconds, looped, is_new)``; earlier ones only set where each view was."""
    views: dict[int, _View] = {}
    added = 0.0
    for video_id, kind, watched, looped, is_new in events:
        if kind == IMPRESSION:
            views[video_id] = _View()
            continue
        if kind not in WATCHING:
            continue
        view = views.setdefault(video_id, _View())  # its impression is older than what was read
        before = view.watched
        view.progress(max(0.0, watched), looped)
        if is_new:
            added += view.watched - before
    return added
