"""Picking a cover in a real Chromium at phone size: the slider shows the frame at its moment, and saving
makes that frame the poster."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import Browser, expect

from creators import services
from creators.models import Video
from tests.clips import run_ffmpeg
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import PHONE, log_in
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_creator_slides_to_a_frame_and_it_becomes_the_cover(
    live_server, browser: Browser, eager_tasks, tmp_path: Path
):
    clip = tmp_path / "colours.mp4"
    sources = []
    for colour, seconds in (("red", 0.5), ("green", 1.5), ("blue", 1.0)):
        sources += ["-f", "lavfi", "-i", f"color=c={colour}:s=320x568:r=30:d={seconds}"]
    run_ffmpeg(
        *sources, "-filter_complex", "[0][1][2]concat=n=3:v=1:a=0",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", str(clip),
    )  # fmt: skip
    creator = CreatorFactory.create()
    video = services.video_upload(
        owner=creator, upload=SimpleUploadedFile("colours.mp4", clip.read_bytes(), content_type="video/mp4")
    )
    video.refresh_from_db()
    assert video.state == Video.State.DRAFT  # processed at once (eager tasks)

    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server.url, creator.user.email, f"/studio/videos/{video.public_id}/")
    cover = page.get_by_test_id("cover")
    expect(cover).to_contain_text("Now: automatic")
    preview = cover.get_by_test_id("cover-preview")
    expect(preview).to_be_hidden()
    page.wait_for_function(
        "document.querySelector('[data-role=cover-preview]').readyState >= 1"
    )  # its metadata, so a seek lands
    cover.get_by_label("Frame at (s)").fill("2.5")
    expect(preview).to_be_visible()
    expect(cover.locator("output")).to_have_text("2.5")
    page.wait_for_function(
        "Math.abs(document.querySelector('[data-role=cover-preview]').currentTime - 2.5) < 0.05"
    )
    cover.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "cover-picking-390.png"))

    cover.get_by_role("button", name="Use this frame").click()
    expect(page.get_by_text("Making the new cover…").first).to_be_visible()
    expect(page.get_by_test_id("cover")).to_contain_text("Now: at 2.5 s")
    expect(page.get_by_test_id("cover-pending")).to_have_count(0)
    video.refresh_from_db()
    with video.poster.open("rb") as handle:
        pixel = Image.open(io.BytesIO(handle.read())).convert("RGB").resize((1, 1)).getpixel((0, 0))
    assert isinstance(pixel, tuple)
    red, green, blue = pixel[:3]
    assert (red < 40, green < 40, blue > 200) == (True, True, True)  # the blue part, at 2.5 s
    # The new cover's image loads once the page shows it (CI once checked it a moment too early): it
    # must load, and not be a broken image.
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-testid=cover-image]');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    page.get_by_test_id("cover").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "cover-chosen-390.png"))
    context.close()
