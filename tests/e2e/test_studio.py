"""A creator uploads a clip, waits for the draft, drags the trim handles, publishes, and watches it on their profile:
with media on disk, and on S3 (a loopback S3 server, the player on time-limited links)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from creators.models import Video
from platform.celery import app
from tests.clips import Clips
from tests.factories import TEST_PASSWORD, CreatorFactory
from tests.workers import start_worker, stop_worker

pytestmark = pytest.mark.django_db(transaction=True)


def drag_handle(page, handle: str, to_fraction: float) -> None:
    track = page.locator("[data-role=track]").bounding_box()
    box = page.locator(f"[data-role={handle}]").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * to_fraction, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()


@pytest.mark.parametrize("storage", ["disk", "s3"])
def test_creator_uploads_trims_publishes_and_plays_it(
    live_server, page, screenshot, clips: Clips, settings, storage, request
):
    app.control.purge()
    s3 = request.getfixturevalue("s3_media") if storage == "s3" else None
    creator = CreatorFactory.create(handle="cleo", display_name="Cleo")
    worker = start_worker(
        media_root=settings.MEDIA_ROOT, queues="media,default", extra_env=s3.env if s3 is not None else None
    )
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/?next=/studio/upload/")
        page.get_by_label("Email").fill(creator.user.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Upload a video")).to_be_visible()
        # The chunked upload takes over once its module has run (a module loads after the page).
        expect(page.locator("[data-upload-form]")).to_have_attribute("data-enhanced", "true")

        chunk_puts: list[str] = []
        page.on(
            "request", lambda request: chunk_puts.append(request.url) if request.method == "PUT" else None
        )
        page.set_input_files("input[type=file]", str(clips.portrait))
        from_bucket: list[tuple[str, int]] = []  # what the browser fetched from S3 itself
        if s3 is not None:
            endpoint = s3.endpoint
            page.on(
                "response",
                lambda response: (
                    from_bucket.append((response.url, response.status))
                    if response.url.startswith(endpoint)
                    else None
                ),
            )
        page.get_by_role("button", name="Upload").click()
        expect(page).to_have_url(re.compile(r"/studio/videos/[0-9a-f-]+/$"), timeout=30_000)
        assert chunk_puts  # the browser sent the file as resumable chunks
        assert all("/api/v1/studio/uploads/" in url and "/chunk?offset=" in url for url in chunk_puts)
        # The page polls and reloads itself when the draft is ready.
        expect(page.get_by_test_id("video-state")).to_have_text("Draft", timeout=60_000)
        player = page.locator("[data-role=player]")
        expect(player).to_be_visible()
        page.wait_for_function("document.querySelector('[data-role=player]').readyState >= 1")
        screenshot("editor-draft")

        drag_handle(page, "handle-start", 0.2)
        drag_handle(page, "handle-end", 0.8)
        start = float(page.locator("#id_start").input_value())
        end = float(page.locator("#id_end").input_value())
        assert 0.4 < start < 0.8
        assert 2.2 < end < 2.6
        expect(page.get_by_test_id("trim-length")).to_have_text(f"{end - start:.2f}")
        page.locator("#id_caption").fill("First light #sunrise")
        screenshot("editor-trimmed")
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_test_id("video-state")).to_have_text("Published", timeout=60_000)
        screenshot("editor-published")

        video = Video.objects.get()
        assert (video.trim_start, video.trim_end) == (start, end)
        page.goto(f"{live_server.url}/@cleo/")
        card = page.get_by_test_id("profile-video")
        expect(card).to_have_count(1)
        expect(card.locator(".video-card-duration")).to_have_text(f"0:{int(end - start):02d}")
        expect(card.locator("img")).to_have_js_property("complete", True)
        screenshot("profile-grid")
        card.click()
        # The card opens the vertical player at that video, with the feed's actions.
        page.wait_for_url(f"{live_server.url}/v/{video.public_id}/?from=profile")
        player = page.get_by_test_id("current-video")
        expect(page.get_by_test_id("current-slide")).to_have_attribute("data-video-id", str(video.public_id))
        expect(page.get_by_test_id("why-button").first).to_be_visible()
        page.wait_for_function("document.querySelector('[data-testid=current-video]').readyState >= 1")
        duration = player.evaluate("video => video.duration")
        assert duration == pytest.approx(end - start, abs=0.08)
        player.evaluate("video => { video.muted = true; return video.play(); }")
        page.wait_for_function("document.querySelector('[data-testid=current-video]').currentTime > 0.3")
        screenshot("video-playing")
        # Seeking asks for the segments at that time (the site serves them on disk, S3 on presigned links).
        player.evaluate("video => { video.pause(); video.currentTime = video.duration - 0.3; }")
        page.wait_for_function(
            "(() => { const v = document.querySelector('[data-testid=current-video]');"
            " return !v.seeking && v.currentTime > v.duration - 0.5; })()"
        )
        if s3 is not None:
            stored = s3.keys()
            assert str(video.rendition.name) in stored
            ladder = str(Path(str(video.stream.name)).parent)
            assert str(video.stream.name) in stored
            # The player streamed the ladder's segments straight from the bucket, on signed links (the
            # site served only the playlists naming them).
            played = [(url, status) for url, status in from_bucket if f"{ladder}/" in url]
            assert [url for url, _ in played if ".m4s?" in url]
            assert {status for _, status in played} <= {200, 206}
            assert all("X-Amz-Expires=" in url and "X-Amz-Signature=" in url for url, _ in played)
            local = [*Path(settings.MEDIA_ROOT).rglob("*.mp4"), *Path(settings.MEDIA_ROOT).rglob("*.m4s")]
            assert local == []  # nothing of it on this disk
    finally:
        output = stop_worker(worker)
    assert "Traceback" not in output, output
