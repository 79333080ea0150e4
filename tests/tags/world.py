"""Videos with hashtags, made the way publishing stores them (lower-case names, no '#')."""

from typing import Any

from creators.models import Hashtag, Video
from tests.factories import published_video


def tagged_video(*names: str, caption: str | None = None, **fields: Any) -> Video:
    """A published video whose caption carries ``names`` as hashtags, with the hashtags attached."""
    video = published_video(caption=caption or " ".join(f"#{name}" for name in names), **fields)
    for name in names:
        hashtag, _ = Hashtag.objects.get_or_create(name=name.casefold())
        video.hashtags.add(hashtag)
    return video
