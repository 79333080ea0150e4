"""Captions in a real Chromium at phone size: a creator uploads an SRT on the edit page (and a broken one is
refused naming its line); in the feed the CC button shows the cues, for the MP4 (<track>) and for the HLS
ladder (hls.js reads them from the master), and the choice stays for the next video."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from creators import services
from creators.models import CaptionTrack, Video
from tests.clips import Clips
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import PHONE, log_in, video_with_ladder, with_rendition
from tests.factories import CreatorFactory, published_video

pytestmark = pytest.mark.django_db(transaction=True)

# Cues over the whole 3 s loop, so that one is on screen whenever the test looks.
SRT = """1
00:00:00,000 --> 00:00:01,400
Hello <i>there</i> & welcome

2
00:00:01,500 --> 00:00:02,990
Second caption
"""
# What the caption box may show: either cue, as plain text (the markup gone, the ampersand decoded).
CUE_TEXT = re.compile(r"^(Hello there & welcome|Second caption)$")


def test_creator_uploads_captions_and_the_feed_shows_them_with_the_cc_button(
    live_server, browser: Browser, clips: Clips, settings, tmp_path: Path
):
    creator = CreatorFactory.create(handle="cara", display_name="Cara")
    video = published_video(owner=creator, topics=("food",), caption="With captions")
    with_rendition(video, clips.portrait, Path(settings.MEDIA_ROOT))
    srt = tmp_path / "captions.srt"
    srt.write_text(SRT)
    broken = tmp_path / "broken.srt"
    broken.write_text("1\n00:00:01,000 --> 00:00:00,500\nBackwards\n")

    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server.url, creator.user.email, f"/studio/videos/{video.public_id}/")
    section = page.get_by_test_id("captions")
    expect(section.get_by_test_id("no-captions")).to_be_visible()

    # A broken file: the line and what is wrong with it, and nothing stored.
    section.get_by_label("Language").select_option("en")
    section.get_by_label("Caption file").set_input_files(str(broken))
    section.get_by_test_id("caption-upload").click()
    expect(page.get_by_role("alert")).to_have_text("line 2: the cue ends before it starts.")
    assert not CaptionTrack.objects.exists()

    section.get_by_label("Language").select_option("en")
    section.get_by_label("Caption file").set_input_files(str(srt))
    section.get_by_test_id("caption-upload").click()
    expect(page.get_by_text("Captions saved: English.")).to_be_visible()
    track = section.get_by_test_id("caption-track")
    expect(track).to_contain_text("English")
    expect(track).to_contain_text("2 captions")
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "captions-studio-390.png"), full_page=True)
    context.close()

    # A viewer at phone size: the CC button is there for this video, and shows the cues when pressed.
    viewer = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = viewer.new_page()
    page.goto(live_server.url)
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    button = page.get_by_role("button", name="Captions")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-pressed", "false")
    box = page.get_by_test_id("captions-box")
    expect(box).to_be_hidden()
    assert page.get_by_test_id("current-video").evaluate(
        "el => [...el.querySelectorAll('track')].map(t => [t.kind, t.srclang, t.label])"
    ) == [["captions", "en", "English"]]
    # Keyboard operable: focus and Enter, like any button.
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(box).to_have_text(CUE_TEXT)
    assert box.get_attribute("translate") == "no"
    page.screenshot(path=str(SCREENSHOTS / "captions-feed-390.png"))
    # Remembered like the sound: a reload keeps them on.
    page.reload()
    expect(page.get_by_role("button", name="Captions")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("captions-box")).to_have_text(CUE_TEXT)
    page.keyboard.press("c")  # and C turns them off
    expect(page.get_by_role("button", name="Captions")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("captions-box")).to_be_hidden()
    viewer.close()


@pytest.fixture
def streamed_video(tmp_path: Path, settings) -> Video:
    """A published video with a real ladder (360 px) and its MP4, and English captions."""
    video = video_with_ladder(
        folder=tmp_path, media_root=Path(settings.MEDIA_ROOT), seconds=3, caption="Streamed", size=(360, 640)
    )
    services.caption_track_set(video=video, language="en", data=SRT.encode())
    return video


def test_the_ladder_brings_its_captions_through_the_master_playlist(
    live_server, browser: Browser, streamed_video: Video
):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url)
    video = page.get_by_test_id("current-video")
    expect(video).to_have_attribute("data-engine", "hls.js")
    # No <track> of ours (hls.js adds its own empty ones and fills them with the cues it loads).
    assert (
        video.evaluate(
            "el => [...el.querySelectorAll('track')].filter(t => !t.src.startsWith('data:')).length"
        )
        == 0
    )
    page.get_by_role("button", name="Captions").click()
    expect(page.get_by_test_id("captions-box")).to_have_text(CUE_TEXT)
    # Drawn once, by the caption box: the browser's own rendering of the track stays off.
    modes = video.evaluate("el => [...el.textTracks].map(t => t.mode)")
    assert "hidden" in modes
    assert "showing" not in modes
    captions = f"/v/{streamed_video.public_id}/captions/"
    assert any(url.endswith(captions + "en.m3u8") for url in requested)
    assert any(url.endswith(captions + "en.vtt") for url in requested)
    page.screenshot(path=str(SCREENSHOTS / "captions-feed-hls-390.png"))
    context.close()
