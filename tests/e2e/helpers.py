"""What the browser tests share: playable videos, the two screen sizes and waiting for the feed to settle."""

import shutil
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, expect

from creators.models import Video

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def with_rendition(video: Video, clip: Path, media_root: Path) -> Video:
    """Give a factory-made video a real, playable rendition and poster-less file layout."""
    name = f"videos/{video.public_id.hex}/rendition-1.mp4"
    target = media_root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(clip, target)
    Video.objects.filter(pk=video.pk).update(
        rendition=name, rendition_duration=3.0, rendition_version=1, duration=3.0
    )
    return video


def settled(page: Page, index: int) -> None:
    """Wait until the feed shows slide ``index`` and the track has stopped moving."""
    expect(page.locator("#feed")).to_have_attribute("data-current-index", str(index))
    page.wait_for_function(
        "() => !document.querySelector('.feed-track').getAnimations().length"
        " && !document.querySelector('.feed-column').getAnimations().length"
    )
