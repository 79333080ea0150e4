"""The feed player in a real Chromium: its scripts load cleanly, and swipes, wheel, keys and the action rail behave."""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, ViewportSize, expect

from feeds.models import Signal
from tests.clips import Clips
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import DESKTOP, PHONE, settled, with_rendition
from tests.factories import CreatorFactory, published_video
from tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def feed_videos(clips: Clips, settings) -> list[str]:
    """Eight playable videos from eight creators (so diversity caps keep them all on page one)."""
    ids = []
    for index in range(8):
        video = published_video(owner=CreatorFactory.create(), topics=("food",), caption=f"Dish {index}")
        with_rendition(video, clips.portrait, Path(settings.MEDIA_ROOT))
        ids.append(str(video.public_id))
    return ids


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    yield context
    context.close()


class Problems:
    """Everything a page logs as going wrong: uncaught errors, console errors, failed or refused requests."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.scripts: dict[str, int] = {}
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text}") if message.type == "error" else None
            ),
        )
        page.on("requestfailed", lambda request: self.errors.append(f"failed: {request.url}"))
        page.on("response", self._response)

    def _response(self, response) -> None:
        if "/static/" in response.url and response.url.endswith(".js"):
            self.scripts[response.url.split("/static/", 1)[1]] = response.status
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")


def current_index(page: Page) -> int:
    return int(page.locator("#feed").get_attribute("data-current-index") or "-1")


def swipe(cdp: CDPSession, page: Page, *, distance: float, steps: int = 6, pause: float = 0.0) -> None:
    """A one-finger vertical drag through Chromium's touch input (negative distance = finger moves up)."""
    box = page.get_by_test_id("feed-stage").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, steps + 1):
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [{"x": x, "y": y + distance * step / steps}]},
        )
        if pause:
            time.sleep(pause)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def flick(page: Page, *, distance: float) -> None:
    """A fast one-finger flick, its touch events sent from inside the page so that its speed is the
    same on a slow machine (a flick counts by speed, which round trips through CDP would distort)."""
    page.get_by_test_id("feed-stage").evaluate(
        """(stage, distance) => {
            const box = stage.getBoundingClientRect();
            const x = box.left + box.width / 2, y = box.top + box.height / 2;
            const touch = (dy) => new Touch({ identifier: 1, target: stage, clientX: x, clientY: y + dy });
            const send = (type, dy) => stage.dispatchEvent(new TouchEvent(type, {
                bubbles: true, cancelable: true,
                touches: type === "touchend" ? [] : [touch(dy)], changedTouches: [touch(dy)],
            }));
            send("touchstart", 0);
            send("touchmove", distance / 2);
            send("touchmove", distance);
            send("touchend", distance);
        }""",
        distance,
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_feed_page_loads_every_script_without_errors(
    live_server, browser: Browser, feed_videos, viewport: ViewportSize
):
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    problems = Problems(page)
    page.goto(live_server.url)
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    assert page.get_by_test_id("current-slide").get_attribute("data-video-id") in feed_videos
    page.wait_for_function("document.querySelector('[data-testid=current-video]').currentTime > 0.2")
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"feed-player--{viewport['width']}px.png"))
    context.close()
    assert problems.errors == []
    assert problems.scripts, "the feed page loaded no script"
    assert set(problems.scripts.values()) == {200}, problems.scripts


def test_swipes_move_one_video_and_short_drags_snap_back(live_server, phone: BrowserContext, feed_videos):
    page = phone.new_page()
    page.goto(live_server.url)
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    cdp = phone.new_cdp_session(page)
    settled(page, 0)

    swipe(cdp, page, distance=-300)  # a long drag up: the next video
    settled(page, 1)
    flick(page, distance=-60)  # a quick flick, shorter than a long drag
    settled(page, 2)
    swipe(cdp, page, distance=-20, steps=4, pause=0.05)  # too short and slow: snaps back
    settled(page, 2)
    swipe(cdp, page, distance=300)  # down: the previous video
    settled(page, 1)
    swipe(cdp, page, distance=300)
    settled(page, 0)
    swipe(cdp, page, distance=300)  # nothing above the first video
    settled(page, 0)
    assert (
        page.locator(".feed-track").evaluate("track => track.style.transform") == "translate3d(0px, 0%, 0px)"
    )


def test_wheel_keys_and_buttons_each_move_one_video(live_server, browser: Browser, feed_videos):
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    page.goto(live_server.url)
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    settled(page, 0)
    box = page.get_by_test_id("feed-stage").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    # One trackpad gesture sends many small events: still one video. Sent from inside the page so
    # that a slow machine cannot stretch the gesture past the 200 ms pause that ends it.
    page.get_by_test_id("feed-stage").evaluate(
        "stage => { for (let i = 0; i < 12; i++) stage.dispatchEvent("
        "new WheelEvent('wheel', { deltaY: 30, bubbles: true, cancelable: true })); }"
    )
    settled(page, 1)
    time.sleep(0.3)  # the gesture is over once the wheel has been quiet
    page.mouse.wheel(0, -120)
    settled(page, 0)
    time.sleep(0.3)  # again a quiet wheel, so the next turn is a gesture of its own
    page.mouse.wheel(0, -120)  # nothing above the first video
    settled(page, 0)

    page.keyboard.press("ArrowDown")
    settled(page, 1)
    page.keyboard.press("j")
    settled(page, 2)
    page.keyboard.press("k")
    settled(page, 1)
    page.keyboard.press("PageUp")
    settled(page, 0)
    page.get_by_test_id("next-button").click()
    settled(page, 1)
    page.get_by_test_id("prev-button").click()
    settled(page, 0)
    expect(page.get_by_test_id("prev-button")).to_be_disabled()

    # Space pauses and resumes the current video; M turns the sound on.
    video = page.get_by_test_id("current-video")
    page.wait_for_function("!document.querySelector('[data-testid=current-video]').paused")
    page.keyboard.press(" ")
    expect(page.get_by_test_id("current-slide")).to_have_class(re.compile(r"(^|\s)is-paused(\s|$)"))
    assert video.evaluate("v => v.paused") is True
    page.keyboard.press(" ")
    page.wait_for_function("!document.querySelector('[data-testid=current-video]').paused")
    page.keyboard.press("m")
    expect(page.get_by_test_id("sound-toggle")).to_have_attribute("aria-pressed", "true")
    context.close()


def test_like_not_interested_why_and_report_from_the_rail(live_server, browser: Browser, feed_videos):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.goto(live_server.url)
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    slide = page.get_by_test_id("current-slide")
    first = slide.get_attribute("data-video-id")
    assert first

    slide.get_by_test_id("like-button").click()
    expect(slide.get_by_test_id("like-button")).to_have_attribute("aria-pressed", "true")

    slide.get_by_test_id("why-button").click()
    expect(page.get_by_test_id("why-sheet")).to_be_visible()
    page.get_by_test_id("why-close").click()
    expect(page.get_by_test_id("why-sheet")).to_be_hidden()

    slide.get_by_test_id("report-button").click()
    dialog = page.get_by_test_id("report-dialog")
    expect(dialog).to_be_visible()
    assert page.get_by_test_id("current-video").evaluate("v => v.paused") is True  # a dialog holds playback
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.wait_for_function("!document.querySelector('[data-testid=current-video]').paused")

    page.get_by_test_id("current-slide").get_by_test_id("not-interested-button").click()
    expect(page.get_by_test_id("toast")).to_have_text("We'll show fewer like this")
    expect(page.locator(f'[data-video-id="{first}"]')).to_have_count(0)
    second = page.get_by_test_id("current-slide").get_attribute("data-video-id")
    assert second in feed_videos
    assert second != first

    page.goto(f"{live_server.url}/guidelines/")  # leaving sends what is queued
    eventually(
        lambda: (
            {"impression", "like", "not_interested"}
            <= set(Signal.objects.filter(video__public_id=first).values_list("kind", flat=True))
        ),
        timeout=15,
        what="the impression, the like and the not-interested to arrive",
    )
    context.close()
