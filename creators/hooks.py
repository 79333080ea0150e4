"""A small interface for apps above ``creators`` to hear that a video changed (published, moderated, deleted).

``creators`` may not import the apps above it; they register listeners in their
``AppConfig.ready()`` and services call ``video_changed`` after commit.
"""

from collections.abc import Callable, Sequence

_listeners: list[Callable[[int], None]] = []


def on_video_changed(listener: Callable[[int], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def video_changed(video_id: int) -> None:
    for listener in _listeners:
        listener(video_id)


# How many times each video was viewed: the signal log and its rollups live in ``feeds``.
ViewCounts = Callable[[Sequence[int]], dict[int, int]]
_view_counts: list[ViewCounts] = []


def provide_view_counts(provider: ViewCounts) -> None:
    _view_counts[:] = [provider]


def view_counts(video_ids: Sequence[int]) -> dict[int, int]:
    """Views per video id (missing ids: none counted yet); empty when no app provides them."""
    return _view_counts[0](video_ids) if _view_counts and video_ids else {}
