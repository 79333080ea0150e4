"""The feed plays the HLS ladder in a real Chromium at phone size: hls.js fetches the master playlist, a
rung's playlist and its segments from the site, and the video plays."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from creators.models import Video
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import PHONE, video_with_ladder

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def streamed_video(tmp_path: Path, settings) -> Video:
    """A published video with a real two-rung ladder (360 and 540 px) and its MP4 fallback."""
    return video_with_ladder(
        folder=tmp_path, media_root=Path(settings.MEDIA_ROOT), seconds=4, caption="Streamed"
    )


def test_feed_at_phone_size_plays_the_ladder_through_hls(live_server, browser: Browser, streamed_video):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url)
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    page.wait_for_function("document.querySelector('[data-testid=current-video]').currentTime > 1.0")
    video = page.get_by_test_id("current-video")
    assert video.get_attribute("data-engine") == "hls.js"
    assert video.evaluate("el => el.src").startswith("blob:")  # Media Source Extensions, not the MP4
    prefix = f"/v/{streamed_video.public_id}/stream/{streamed_video.rendition_version}/"
    streamed = [url.split(prefix, 1)[1] for url in requested if prefix in url]
    # The page's first video: the lowest rung's and the sound's first files are asked for at once, beside
    # the master playlist (and hls.js itself), not after it; hls.js then has them from the HTTP cache.
    assert set(streamed[:7]) == {
        "master.m3u8",
        *(
            f"{folder}/{name}"
            for folder in ["v360", "audio"]
            for name in ["index.m3u8", "init.mp4", "seg00000.m4s"]
        ),
    }
    assert any(name.endswith("/index.m3u8") for name in streamed)
    assert any(name.endswith(".m4s") for name in streamed)
    assert not any("/video?" in url for url in requested)  # the MP4 fallback was never fetched
    # 390 px wide: the player is capped to the rung that fits, never the whole 540 px one first.
    first_segment = next(name for name in streamed if name.endswith(".m4s") and not name.startswith("audio/"))
    assert first_segment.startswith("v360/")
    assert any(name.startswith("audio/seg00001") for name in streamed)  # the sound plays on with the pictures
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "feed-hls--390px.png"))
    context.close()
