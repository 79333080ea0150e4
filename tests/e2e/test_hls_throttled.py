"""The feed adapts the ladder's rung to the network, in a real Chromium at phone size, throttled through
the DevTools protocol: the page loads on Fast 3G and the player starts on the lowest rung; while the
network is slower than any rung it stays there; once the throttle is lifted it asks for the higher rung. No timing is asserted: only which files were asked for."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from creators.models import Video
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import PHONE, RequestGate, video_with_ladder
from tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

SECONDS = 24  # twelve 2 s segments per rung: room to switch after the throttle is lifted (hls.js weighs
# its bandwidth samples by their download time, so the slow ones of the throttled start outweigh many
# quick ones: it takes several segments on the open network before it trusts it)
# Chrome DevTools' "Fast 3G" (as benchmark_playback measures on), in bytes per second.
FAST_3G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
# Slower than the lowest rung's bitrate (about 400 kbit/s here): nothing tempts the player upwards.
HARD_THROTTLE = {**FAST_3G, "downloadThroughput": 250_000 / 8}
NO_THROTTLE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


@pytest.fixture
def streamed_video(tmp_path: Path, settings) -> Video:
    """A published video with a real two-rung ladder (360 and 540 px) and its MP4 fallback. It has its size,
    so the feed item has a `stream_start` and the page fetches the start files early (see below)."""
    video = video_with_ladder(
        folder=tmp_path, media_root=Path(settings.MEDIA_ROOT), seconds=SECONDS, caption="Adaptive"
    )
    assert (video.width, video.height) == (540, 960)  # so two rungs: 360 and 540 px
    return video


def test_throttled_feed_starts_on_the_lowest_rung_and_switches_up_once_the_network_allows(
    live_server, browser: Browser, streamed_video
):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    prefix = f"/v/{streamed_video.public_id}/stream/{streamed_video.rendition_version}/"
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    def streamed() -> list[str]:
        return [url.split(prefix, 1)[1] for url in requested if prefix in url]

    def segments() -> list[str]:
        """The rungs' segments asked for (the sound's rendition is the same at any bandwidth)."""
        return [name for name in streamed() if name.endswith(".m4s") and not name.startswith("audio/")]

    # The page and hls.js load on Fast 3G; from the first segment on, the network is slower than any rung.
    # The first segment's request is held until the slower network is on (CI once saw a loaded machine
    # download it on Fast 3G first, and hls.js then rightly chose the 540 rung).
    gate = RequestGate(page, re.compile(r".*/stream/.*\.m4s$"))
    page.goto(live_server.url)
    expect(page.get_by_test_id("current-slide")).to_be_visible()

    # The page's early fetch asks for the first segment before hls.js has loaded, then hls.js asks for it
    # too. Routing turns Chromium's HTTP cache off, so here both would download it on the slow network
    # (and hls.js, weighing its samples by download time, would then take longer than the clip to trust
    # the open network): the early fetch is dropped (test_hls.py covers it) and hls.js's is let through.
    def first_segment_held_twice() -> bool:
        page.wait_for_timeout(20)  # lets Playwright deliver the page's request events
        return len(gate.held) >= 2

    eventually(first_segment_held_twice, timeout=60, what="the first segment's two requests")
    early, *hls_own = gate.held
    early.abort()
    gate.held = hls_own
    cdp.send("Network.emulateNetworkConditions", HARD_THROTTLE)
    gate.open()

    def two_segments_requested() -> bool:
        page.wait_for_timeout(100)
        return len(set(segments())) >= 2

    eventually(two_segments_requested, timeout=60, what="two segments on the throttled network")
    throttled = segments()
    assert "master.m3u8" in streamed()
    assert all(name.startswith("v360/") for name in throttled), throttled
    assert any(name.startswith("audio/seg") for name in streamed())  # the sound, once, beside the pictures

    cdp.send("Network.emulateNetworkConditions", NO_THROTTLE)

    def higher_rung_requested() -> bool:
        page.wait_for_timeout(100)
        return any(name.startswith("v540/") for name in segments())

    eventually(higher_rung_requested, timeout=60, what="a 540 px segment once the throttle was lifted")
    assert "v540/index.m3u8" in streamed()
    assert len({name.split("/", 1)[0] for name in segments()}) == 2
    assert not any(
        "/video?" in url or url.endswith("/video") for url in requested
    )  # the MP4 fallback was never fetched
    video = page.get_by_test_id("current-video")
    assert video.get_attribute("data-engine") == "hls.js"
    page.wait_for_function("document.querySelector('[data-testid=current-video]').currentTime > 1.0")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "feed-hls-throttled--390px.png"))
    context.close()
