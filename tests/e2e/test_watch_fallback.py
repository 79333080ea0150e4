"""The fallback watch page (``creators/watch.html``, served when no app above provides the vertical player)
plays a video's HLS ladder through the feed's player module, and a video without one its MP4 with its
captions as <track>s. In a real Chromium at phone size."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from creators import hooks, services
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import PHONE, video_with_ladder, with_rendition
from tests.factories import CreatorFactory, published_video

pytestmark = pytest.mark.django_db(transaction=True)

SRT = b"1\n00:00:00,000 --> 00:00:02,900\nFallback captions\n"


@pytest.fixture
def fallback_page(monkeypatch):
    """No vertical player from ``feeds``: /v/<id>/ is the creators app's own page."""
    monkeypatch.setattr(hooks, "_watch_page", [])


def test_the_fallback_page_plays_the_ladder_through_stream_js(
    live_server, browser: Browser, fallback_page, tmp_path: Path, settings
):
    video = video_with_ladder(
        folder=tmp_path,
        media_root=Path(settings.MEDIA_ROOT),
        seconds=3,
        caption="Fallback",
        size=(360, 640),
        topics=(),
    )

    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/v/{video.public_id}/")
    player = page.get_by_test_id("watch-video")
    expect(player).to_have_attribute("data-engine", "hls.js")
    page.wait_for_function("document.querySelector('[data-testid=watch-video]').currentTime > 1.0")
    assert player.evaluate("el => el.src").startswith("blob:")
    prefix = f"/v/{video.public_id}/stream/{video.rendition_version}/"
    assert any(url.endswith(prefix + "master.m3u8") for url in requested)
    assert any(prefix in url and url.endswith(".m4s") for url in requested)
    assert not any("/video?" in url for url in requested)  # the MP4 was not needed
    page.screenshot(path=str(SCREENSHOTS / "watch-fallback-hls-390.png"))
    context.close()


def test_the_fallback_page_plays_the_mp4_with_caption_tracks_without_a_ladder(
    live_server, browser: Browser, fallback_page, clips, settings
):
    video = published_video(owner=CreatorFactory.create(), caption="Old video")
    with_rendition(video, clips.portrait, Path(settings.MEDIA_ROOT))
    video.refresh_from_db()
    services.caption_track_set(video=video, language="de", data=SRT)
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/v/{video.public_id}/")
    player = page.get_by_test_id("watch-video")
    page.wait_for_function("document.querySelector('[data-testid=watch-video]').currentTime > 0.5")
    assert player.evaluate("el => el.currentSrc").endswith(f"/v/{video.public_id}/video?v=1")
    assert player.evaluate("el => el.dataset.engine || ''") == ""  # stream.js was not needed
    tracks = player.evaluate("el => [...el.querySelectorAll('track')].map(t => [t.kind, t.srclang, t.label])")
    assert tracks == [["captions", "de", "Deutsch"]]
    # The browser loads and shows the cue when the track is turned on (its own captions menu does this).
    player.evaluate("el => { el.textTracks[0].mode = 'showing'; }")
    page.wait_for_function(
        "() => { const t = document.querySelector('[data-testid=watch-video]').textTracks[0];"
        " return t.activeCues && t.activeCues.length && t.activeCues[0].text === 'Fallback captions'; }"
    )
    page.screenshot(path=str(SCREENSHOTS / "watch-fallback-mp4-captions-390.png"))
    context.close()
