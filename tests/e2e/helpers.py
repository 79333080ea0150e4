"""What the browser tests share: playable videos, the two screen sizes and waiting for the feed to settle."""

import re
import shutil
import uuid
from pathlib import Path

from playwright.sync_api import Page, Route, ViewportSize, expect

from creators import media, streaming
from creators.models import Video
from devtools import testclips
from feeds import services as feed_services
from feeds.models import Source
from platform.models import User
from platform.viewer import viewer_for_user
from tests.factories import TEST_PASSWORD, CreatorFactory, published_video

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


def video_with_ladder(
    *,
    folder: Path,
    media_root: Path,
    seconds: float,
    caption: str,
    size: tuple[int, int] = (540, 960),
    topics: tuple[str, ...] = ("food",),
) -> Video:
    """A published video with a real ladder of a generated clip with sound (540x960: the 360 and 540 px
    rungs), its MP4, and the size and sound publishing records (so feed items carry `stream_start`)."""
    clip = folder / "tall.mp4"
    testclips.make_test_clip(destination=clip, seconds=seconds, width=size[0], height=size[1])
    info = media.probe(path=clip, max_seconds=60, max_pixels=10**7)
    ladder = media.encode_ladder(source=clip, destination=folder / "ladder", probe=info, start=0, end=seconds)
    video = published_video(owner=CreatorFactory.create(), topics=topics, caption=caption)
    with_rendition(video, clip, media_root)
    master = streaming.ladder_store(video=video, ladder=ladder, folder_name="stream-1-test")
    Video.objects.filter(pk=video.pk).update(
        stream=master,
        rendition_duration=seconds,
        duration=seconds,
        width=info.width,
        height=info.height,
        has_audio=info.has_audio,
    )
    video.refresh_from_db()
    return video


def settled(page: Page, index: int) -> None:
    """Wait until the feed shows slide ``index`` and the track has stopped moving."""
    expect(page.locator("#feed")).to_have_attribute("data-current-index", str(index))
    page.wait_for_function(
        "() => !document.querySelector('.feed-track').getAnimations().length"
        " && !document.querySelector('.feed-column').getAnimations().length"
    )


def log_in(page: Page, base: str, email: str, next_url: str = "/") -> None:
    """Log in through the form as a person would (the factories' password), then on to ``next_url``."""
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def pay_with_test_card(page: Page, amount: str) -> None:
    """Pay on a promotion's page with localstripe's mock card element (plain inputs named by their
    placeholders) and Stripe's test card; ``amount`` as the button says it, e.g. "30.00 EUR"."""
    page.get_by_placeholder("number").fill("4242424242424242")
    page.get_by_placeholder("exp_month").fill("12")
    page.get_by_placeholder("exp_year").fill("30")
    page.get_by_placeholder("cvc").fill("123")
    page.get_by_placeholder("postal_code").fill("80331")
    page.get_by_role("button", name=f"Pay {amount}").click()


def organic_videos(clip: Path, media_root: Path) -> None:
    """Seven playable published videos, more than a page, each from its own creator and topic, so that
    the diversity caps keep them apart."""
    for index, topic in enumerate(("comedy", "music", "art", "travel", "sports", "animals", "dance")):
        organic = published_video(owner=CreatorFactory.create(), topics=(topic,), caption=f"Clip {index}")
        with_rendition(organic, clip, media_root)


def seen_in_for_you(user: User, video: Video) -> None:
    """Record that ``user`` was shown ``video`` in For You: organic For You leaves it out from then on (a
    promoted video is never on a page twice), so the one way it comes back is the sponsored slot."""
    feed_services.signals_record(
        viewer=viewer_for_user(user),
        items=[
            feed_services.SignalInput(
                event_id=uuid.uuid4(), video=video.public_id, kind="impression", source=Source.FOR_YOU,
                watched_seconds=0.0, looped=0,
            )
        ],
    )  # fmt: skip


class RequestGate:
    """Holds a page's requests whose URL matches ``pattern`` until ``open()``; after that they pass at once.

    The throttled HLS tests hold the first segment until the slower network is on: polling for its request
    instead let a loaded machine download it on the faster one first. (The DevTools call that changes the
    network cannot be made from inside a route handler: it waits on the same dispatcher.)"""

    def __init__(self, page: Page, pattern: re.Pattern[str]) -> None:
        self.held: list[Route] = []
        self.opened = False
        page.route(pattern, self._route)

    def _route(self, route: Route) -> None:
        if self.opened:
            route.continue_()
        else:
            self.held.append(route)

    def open(self) -> None:
        self.opened = True
        for route in self.held:
            route.continue_()
