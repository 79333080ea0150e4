"""Issue 26's creator journey in one go, at phone size, with media on disk and on S3: a creator uploads a
clip through the upload page, trims it with the handles' keys, slides to a cover frame, uploads a WebVTT
file and schedules the video a few minutes ahead on their own clock. A follower does not find it before
the time; at the time (the beat job's run, with the clock moved as tests/e2e/test_schedule.py does) it is
in their Following feed, and on a throttled network the player starts on the lowest rung and switches up
once the throttle is lifted, shows the uploaded captions, the chosen cover and the trimmed length.

Each step has its own closer test (test_studio, test_cover, test_captions, test_schedule, test_hls_throttled);
this one checks that they hold together as a person uses them, one after the other."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from creators import scheduling, services
from creators.models import CaptionTrack, Video
from devtools import testclips
from platform.models import Notification
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import PHONE, RequestGate, log_in
from tests.factories import CreatorFactory, UserFactory
from tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# 540x960 makes a two-rung ladder (360 and 540 px); 16 s less the trim leaves seven 2 s segments per rung:
# the first on the slow network, then room for hls.js to switch up (its bandwidth estimate has to catch
# up with the lifted throttle, and on a loaded machine one fast segment is not always enough).
CLIP_SECONDS = 16
FPS = 30
COVER_SECONDS = 4.0  # the automatic cover is the frame at 1 s
# Cues over the whole trimmed video, so one is on screen whenever the test looks.
WEBVTT = """WEBVTT

00:00:00.000 --> 00:00:06.900
Morning on the <b>hill</b>

00:00:07.000 --> 00:00:13.900
Coffee first & then the climb
"""
CUE_TEXT = re.compile(r"^(Morning on the hill|Coffee first & then the climb)$")
# Chrome DevTools' "Fast 3G", in bytes per second, as test_hls_throttled.py and benchmark_playback use it.
FAST_3G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
HARD_THROTTLE = {**FAST_3G, "downloadThroughput": 250_000 / 8}  # slower than the lowest rung
NO_THROTTLE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
# A rung's files, wherever they are served from: the site (disk) or the bucket on a signed link (S3).
RUNG_FILE = re.compile(r"/(v\d+)/(index\.m3u8|init[^/?]*\.mp4|seg\d+\.m4s)(\?|$)")
SEGMENT = re.compile(r".*/v\d+/seg\d+\.m4s(\?.*)?$")


@pytest.fixture(scope="module")
def journey_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A portrait clip with sound (testsrc2 and a tone), as a phone would record it, small."""
    clip = tmp_path_factory.mktemp("journey") / "hill-walk.mp4"
    testclips.make_test_clip(destination=clip, seconds=CLIP_SECONDS, width=540, height=960, fps=FPS)
    return clip


def phone(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)


@pytest.mark.parametrize("storage", ["disk", pytest.param("s3", marks=pytest.mark.s3)])
def test_creator_uploads_trims_covers_captions_schedules_and_followers_stream_it_at_the_time(
    live_server, browser: Browser, journey_clip: Path, settings, eager_tasks, storage, request, tmp_path
):
    s3 = request.getfixturevalue("s3_media") if storage == "s3" else None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shot(page: Page, step: str) -> None:
        # What the person sees at that moment (a full-page shot draws the sticky header mid-page).
        page.screenshot(path=str(SCREENSHOTS / f"journey-{storage}--{step}.png"))

    creator = CreatorFactory.create(
        handle="hanna", display_name="Hanna", user=UserFactory.create(time_zone="Europe/Berlin")
    )
    follower = UserFactory.create(display_name="Finn")
    services.follow_create(follower=follower, creator=creator)

    # 1. Upload through the upload page (resumable chunks); processing runs as the request completes.
    studio = phone(browser)
    page = studio.new_page()
    log_in(page, live_server.url, creator.user.email, "/studio/upload/")
    expect(page.get_by_role("heading", name="Upload a video")).to_be_visible()
    expect(page.locator("[data-upload-form]")).to_have_attribute("data-enhanced", "true")
    page.set_input_files("input[type=file]", str(journey_clip))
    page.get_by_role("button", name="Upload").click()
    expect(page).to_have_url(re.compile(r"/studio/videos/[0-9a-f-]+/$"), timeout=60_000)
    expect(page.get_by_test_id("video-state")).to_have_text("Draft", timeout=60_000)
    video = Video.objects.get()
    assert video.duration == pytest.approx(CLIP_SECONDS, abs=0.05)
    automatic_poster = video.poster.read()
    video.poster.close()
    page.wait_for_function("document.querySelector('[data-role=player]').readyState >= 1")
    shot(page, "1-draft")

    # 2. Trim with the handles' keys: Shift+arrow moves a second, an arrow one frame.
    start_handle = page.get_by_role("slider", name="Start handle")
    start_handle.focus()
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("ArrowRight")
    end_handle = page.get_by_role("slider", name="End handle")
    end_handle.focus()
    page.keyboard.press("Shift+ArrowLeft")
    start, end = 1 + 1 / FPS, CLIP_SECONDS - 1.0
    expect(page.locator("#id_start")).to_have_value(f"{round(start, 3):.3f}")
    expect(page.locator("#id_end")).to_have_value(f"{end:.3f}")
    expect(page.get_by_test_id("trim-length")).to_have_text(f"{end - start:.2f}")
    expect(start_handle).to_have_attribute("aria-valuenow", f"{start:.3f}")
    page.locator("#id_caption").fill("Up the hill before breakfast #hillwalk")
    page.locator(".trim").scroll_into_view_if_needed()
    shot(page, "2-trimmed")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    video.refresh_from_db()
    assert (video.state, video.trim_start, video.trim_end) == (Video.State.DRAFT, round(start, 3), end)

    # 3. The cover: slide to a frame inside the trimmed part and use it.
    cover = page.get_by_test_id("cover")
    expect(cover).to_contain_text("Now: automatic")
    page.wait_for_function("document.querySelector('[data-role=cover-preview]').readyState >= 1")
    cover.get_by_label("Frame at (s)").fill(str(COVER_SECONDS))
    expect(cover.locator("output")).to_have_text(f"{COVER_SECONDS:.1f}")
    page.wait_for_function(
        f"Math.abs(document.querySelector('[data-role=cover-preview]').currentTime - {COVER_SECONDS}) < 0.05"
    )
    cover.scroll_into_view_if_needed()
    shot(page, "3-cover-picking")
    cover.get_by_role("button", name="Use this frame").click()
    expect(page.get_by_test_id("cover")).to_contain_text(f"Now: at {COVER_SECONDS:.1f} s")
    expect(page.get_by_test_id("cover-pending")).to_have_count(0)
    # The trim saved before stays in the editor after the cover's own form.
    expect(page.locator("#id_start")).to_have_value(f"{round(start, 3):.3f}")
    video.refresh_from_db()
    assert video.poster_seconds == COVER_SECONDS
    chosen_poster = video.poster.read()
    video.poster.close()
    assert chosen_poster != automatic_poster

    # 4. Captions: a WebVTT file through the form.
    vtt = tmp_path / "hill-walk.en.vtt"
    vtt.write_text(WEBVTT)
    section = page.get_by_test_id("captions")
    section.get_by_label("Language").select_option("en")
    section.get_by_label("Caption file").set_input_files(str(vtt))
    section.get_by_test_id("caption-upload").click()
    expect(page.get_by_text("Captions saved: English.")).to_be_visible()
    expect(section.get_by_test_id("caption-track")).to_contain_text("2 captions")
    assert list(CaptionTrack.objects.values_list("video_id", "language")) == [(video.pk, "en")]
    section.scroll_into_view_if_needed()
    shot(page, "4-captions")

    # 5. Schedule a few minutes ahead on the creator's clock (Berlin), through the form.
    at = (timezone.now().astimezone(BERLIN) + datetime.timedelta(minutes=8)).replace(second=0, microsecond=0)
    schedule = page.get_by_test_id("schedule")
    schedule.get_by_label("Schedule", exact=True).check()
    schedule.get_by_label("Date and time").fill(at.strftime("%Y-%m-%dT%H:%M"))
    expect(page.locator("#id_start")).to_have_value(f"{round(start, 3):.3f}")
    page.get_by_test_id("publish").click()
    expect(page.get_by_text(re.compile(r"^Scheduled for "))).to_be_visible(timeout=60_000)
    video.refresh_from_db()
    assert video.state == Video.State.SCHEDULED  # rendered during the request (eager tasks)
    assert video.scheduled_at == at.astimezone(datetime.UTC)
    assert (video.trim_start, video.trim_end) == (round(start, 3), end)
    assert video.stream.name
    expect(page.get_by_test_id("video-state")).to_have_text("Scheduled")
    page.evaluate("window.scrollTo(0, 0)")  # Chromium keeps the scroll position across the redirect
    shot(page, "5-scheduled")
    expect(page.get_by_test_id("scheduled-at")).to_have_text(scheduling.time_label(at, creator=creator))
    expect(page.get_by_test_id("scheduled")).to_contain_text("(Europe/Berlin)")
    page.get_by_test_id("scheduled").scroll_into_view_if_needed()
    shot(page, "5-goes-live")
    studio.close()

    # 6. The follower before the time: not in Following nor For You, no notification; the beat job now
    # publishes nothing.
    fan = phone(browser)
    page = fan.new_page()
    log_in(page, live_server.url, follower.email, "/feed/following/")
    expect(page.get_by_test_id("feed-empty")).to_be_visible()
    assert services.videos_publish_due(now=timezone.now()) == []
    page.goto(live_server.url)
    expect(page.get_by_test_id("feed-empty")).to_be_visible()
    expect(page.locator(f"[data-video-id='{video.public_id}']")).to_have_count(0)
    assert not Notification.objects.filter(user=follower).exists()
    shot(page, "6-follower-before")

    # 7. At the time: the beat job's run with the clock at the chosen minute.
    assert services.videos_publish_due(now=at + datetime.timedelta(seconds=20)) == [video.pk]
    video.refresh_from_db()
    assert (video.state, video.published_at) == (Video.State.PUBLISHED, at.astimezone(datetime.UTC))
    assert Notification.objects.filter(user=follower, kind=Notification.Kind.NEW_VIDEO).count() == 1

    # 8. The follower's Following feed on a throttled network.
    throttled, requests = watch_throttled(fan, page, f"{live_server.url}/feed/following/")
    expect(page.get_by_test_id("current-slide")).to_have_attribute("data-video-id", str(video.public_id))
    shot(page, "8-feed-streaming")
    stream_prefix = f"/v/{video.public_id}/stream/{video.rendition_version}/"
    rung_files = [
        (match.group(1), match.group(2), url) for url in requests if (match := RUNG_FILE.search(url))
    ]
    # On the slow network: the master playlist, the lowest rung's playlist and first segment, nothing of
    # the higher rung. (The page may fetch the lowest rung's first files beside the master, not after it.)
    assert live_server.url + stream_prefix + "master.m3u8" in throttled
    slow = [(match.group(1), match.group(2)) for url in throttled if (match := RUNG_FILE.search(url))]
    assert ("v360", "index.m3u8") in slow
    assert ("v360", "seg00000.m4s") in slow
    assert {rung for rung, _ in slow} == {"v360"}
    # Once the network allowed it, the higher rung's playlist and segments.
    assert {"v360", "v540"} <= {rung for rung, name, _ in rung_files if name == "index.m3u8"}
    assert {"v360", "v540"} <= {rung for rung, name, _ in rung_files if name.startswith("seg")}
    # The rungs' playlists always come from the site; the segments from the site on disk, from the
    # bucket on signed links with S3 (the bucket stays private).
    assert all(stream_prefix in url for _, name, url in rung_files if name == "index.m3u8")
    segment_urls = [url for _, name, url in rung_files if name.startswith("seg")]
    if s3 is None:
        assert all(url.startswith(live_server.url + stream_prefix) for url in segment_urls)
    else:
        ladder = str(Path(str(video.stream.name)).parent)
        assert all(url.startswith(f"{s3.endpoint}/{s3.bucket}/{ladder}/") for url in segment_urls)
        assert all("X-Amz-Signature=" in url and "X-Amz-Expires=" in url for url in segment_urls)
        stored = s3.keys()  # the bucket's objects
        assert str(video.stream.name) in stored
        assert str(video.poster.name) in stored
        local = [*Path(settings.MEDIA_ROOT).rglob("*.mp4"), *Path(settings.MEDIA_ROOT).rglob("*.m4s")]
        assert local == []  # nothing of it on this disk
    assert not any("/video?" in url or url.endswith("/video") for url in requests)  # never the MP4

    # The trimmed length, the chosen cover, the uploaded captions.
    player = page.get_by_test_id("current-video")
    assert player.get_attribute("data-engine") == "hls.js"
    assert player.evaluate("el => el.duration") == pytest.approx(end - start, abs=0.1)
    poster = player.get_attribute("poster")
    assert poster
    answer = fan.request.get(poster if poster.startswith("http") else live_server.url + poster)
    assert answer.ok
    assert answer.body() == chosen_poster
    button = page.get_by_role("button", name="Captions")
    expect(button).to_be_visible()
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("captions-box")).to_have_text(CUE_TEXT)
    captions = f"/v/{video.public_id}/captions/"
    assert any(url.endswith(captions + "en.vtt") for url in requests)
    shot(page, "9-feed-captions")
    fan.close()


def watch_throttled(context: BrowserContext, page: Page, url: str) -> tuple[list[str], list[str]]:
    """Open ``url`` on Fast 3G and lift the throttle part-way, as tests/e2e/test_hls_throttled.py does: the
    first segment's request is held until the master playlist was asked for and the network is slower
    than any rung (a loaded machine must not fetch it on Fast 3G first), released on that network, and
    the throttle is lifted while it downloads,
    so hls.js measures a fast link and asks for the higher rung. (Once a whole segment has come at the
    slow rate, hls.js's slow bandwidth average needs many more fast segments than a short clip has.)
    Returns the URLs requested before the lift, and all of them (a list the page keeps adding to), each
    once, in order. Only which files
    were asked for is asserted, never how long anything took."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    requested: list[str] = []  # each URL once: throttled, Chromium can report a request twice

    def seen(url: str) -> None:
        if url not in requested:
            requested.append(url)

    page.on("request", lambda request: seen(request.url))
    gate = RequestGate(page, SEGMENT)
    page.goto(url)
    expect(page.get_by_test_id("current-slide")).to_be_visible()

    def rungs() -> set[str]:
        return {match.group(1) for link in requested if (match := RUNG_FILE.search(link)) and "/seg" in link}

    def first_segment_held() -> bool:
        page.wait_for_timeout(20)  # lets Playwright deliver the page's request events
        # The page may ask for the lowest rung's first files before hls.js has even loaded: wait for
        # the player's master playlist too.
        return bool(gate.held) and any(link.endswith("/master.m3u8") for link in requested)

    eventually(first_segment_held, timeout=60, what="the master playlist and the first segment's request")
    cdp.send("Network.emulateNetworkConditions", HARD_THROTTLE)
    gate.open()
    before_lift = list(requested)
    cdp.send("Network.emulateNetworkConditions", NO_THROTTLE)

    def higher_rung_requested() -> bool:
        page.wait_for_timeout(50)
        return len(rungs()) >= 2

    eventually(higher_rung_requested, timeout=60, what="a higher rung's segment once the throttle was lifted")
    page.wait_for_function("document.querySelector('[data-testid=current-video]').currentTime > 0.5")
    return before_lift, requested
