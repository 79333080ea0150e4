"""Believable watching, written straight into the signal log: the demo's history, the analytics benchmark's
ten million events and the tests' seeds.

Each view becomes the events the player really sends (``static/js/feed/player.js``): an impression, a
progress event every 3 seconds of playback with the furthest point of the current loop, a completion at
the end of each loop, a skip when left within 2 seconds, then the likes, shares and follows. Bulk-loaded
(COPY on PostgreSQL), not through the API: history cannot be sent in the past, and ten million events
through the API would take an hour.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from feeds.models import Signal, Source
from platform.bulk import rows_insert

PROGRESS_EVERY = 3.0
SKIP_BELOW = 2.0
COLUMNS = (
    "viewer_key", "event_id", "video_id", "kind", "source", "position", "watched_seconds", "looped", "topic_id",
    "created_at",
)  # fmt: skip


@dataclass(slots=True)
class WatchedView:
    viewer_key: str
    video_id: int
    duration: float
    started_at: datetime.datetime
    watched: float  # how far the first loop got, in seconds (the length: watched to the end)
    loops: int = 0  # whole loops after the first, when it was watched to the end
    source: str = Source.FOR_YOU
    topic_id: int | None = None
    is_liked: bool = False
    is_shared: bool = False
    is_followed: bool = False
    is_not_interested: bool = False


Row = tuple[str, uuid.UUID, int, str, str, int, float, int, int | None, datetime.datetime]


def view_events(view: WatchedView, *, rng: random.Random) -> list[Row]:
    """The events the player sends for ``view``, in the order it sends them."""
    rows: list[Row] = []
    t0 = view.started_at

    def add(kind: str, watched: float, looped: int, at: float) -> None:
        rows.append(
            (
                view.viewer_key,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                view.video_id,
                kind,
                view.source,
                0,
                round(watched, 2),
                looped,
                view.topic_id,
                t0 + datetime.timedelta(seconds=at),
            )
        )

    length = view.duration
    add(Signal.Kind.IMPRESSION, 0.0, 0, 0.0)
    if view.is_not_interested:
        add(Signal.Kind.NOT_INTERESTED, 0.0, 0, min(view.watched, 1.0))
        return rows
    watched = min(view.watched, length)
    if watched < SKIP_BELOW:
        add(Signal.Kind.SKIP, watched, 0, watched)
        return rows
    completed = watched >= length
    played = 0.0
    for loop in range(1 + (view.loops if completed else 0)):
        end = length if completed else watched
        mark = PROGRESS_EVERY - (played % PROGRESS_EVERY)
        while mark < end:
            add(Signal.Kind.PROGRESS, mark, loop, played + mark)
            mark += PROGRESS_EVERY
        if completed:
            add(Signal.Kind.COMPLETE, length, loop, played + length)
        else:
            add(Signal.Kind.PROGRESS, end, loop, played + end)  # leaving sends the furthest point
        played += end
    for kind, flag in (
        (Signal.Kind.LIKE, view.is_liked),
        (Signal.Kind.SHARE, view.is_shared),
        (Signal.Kind.FOLLOW, view.is_followed),
    ):
        if flag:
            add(kind, 0.0, 0, min(played, 5.0))
    return rows


def events_of(views: Iterable[WatchedView], *, rng: random.Random) -> Iterator[Row]:
    for view in views:
        yield from view_events(view, rng=rng)


def signals_load(rows: Iterable[Row]) -> int:
    """Append rows to the signal log as fast as the database takes them; returns how many."""
    return rows_insert(Signal, COLUMNS, rows)
