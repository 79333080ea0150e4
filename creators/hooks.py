"""A small interface for apps above ``creators`` to hear that a video changed (published, moderated, deleted).

``creators`` may not import the apps above it; they register listeners in their
``AppConfig.ready()`` and services call ``video_changed`` after commit.
"""

from collections.abc import Callable

_listeners: list[Callable[[int], None]] = []


def on_video_changed(listener: Callable[[int], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def video_changed(video_id: int) -> None:
    for listener in _listeners:
        listener(video_id)
