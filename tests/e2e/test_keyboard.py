"""The main journeys with the keyboard only (no clicks, no taps): log in, move through the feed, pause,
mute, open and close the comments sheet, reach the upload, and move a trim handle; each focused control
shows a focus ring."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from creators.models import CreatorProfile, Video
from platform import age, screen_time
from platform.models import ScreenTimeDay
from tests.clips import Clips
from tests.e2e.helpers import PHONE, log_in, organic_videos, settled, with_rendition
from tests.factories import (
    TEST_PASSWORD,
    CreatorFactory,
    UserFactory,
    VideoFactory,
    born_years_ago,
    published_video,
)

pytestmark = pytest.mark.django_db(transaction=True)

FOCUS_RING = """() => {
    const style = getComputedStyle(document.activeElement);
    return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
}"""


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            assert page.evaluate(FOCUS_RING), f"no visible focus ring on {selector}"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def _draft_with_preview(creator: CreatorProfile, clip: Path) -> Video:
    video = VideoFactory.create(owner=creator, caption="", state=Video.State.DRAFT, published_at=None)
    name = f"videos/{video.public_id.hex}/preview.mp4"
    target = Path(settings.MEDIA_ROOT) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(clip, target)
    Video.objects.filter(pk=video.pk).update(preview=name)
    return video


def test_a_keyboard_user_logs_in_watches_comments_uploads_and_trims(
    live_server, page, screenshot, clips: Clips
):
    organic_videos(clips.portrait, Path(settings.MEDIA_ROOT))
    creator = CreatorFactory.create(handle="kim", display_name="Kim")
    draft = _draft_with_preview(creator, clips.portrait)
    page.set_viewport_size(PHONE)

    # Log in: the skip link first, then the form's fields, submitted with Enter.
    page.goto(f"{live_server.url}/accounts/login/?next=/")
    tab_to(page, ".skip-link")
    tab_to(page, "#id_username")
    page.keyboard.type(creator.user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")

    # The feed: arrow keys and PageUp/PageDown move one video; the new one is announced.
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    settled(page, 0)
    announce = page.locator("[data-role=announce]")
    expect(announce).to_have_attribute("aria-live", "polite")
    first_caption = page.get_by_test_id("current-slide").get_by_test_id("caption").inner_text()
    expect(announce).to_contain_text(first_caption)
    page.keyboard.press("ArrowDown")
    settled(page, 1)
    page.keyboard.press("PageDown")
    settled(page, 2)
    page.keyboard.press("PageUp")
    settled(page, 1)
    caption = page.get_by_test_id("current-slide").get_by_test_id("caption").inner_text()
    expect(announce).to_contain_text(caption)

    # Space pauses and plays again; M turns the sound on and off.
    video = page.get_by_test_id("current-video")
    page.wait_for_function("() => !document.querySelector('[data-testid=current-video]').paused")
    page.keyboard.press("Space")
    expect(video).to_have_js_property("paused", True)
    page.keyboard.press("Space")
    expect(video).to_have_js_property("paused", False)
    sound = page.get_by_test_id("sound-toggle")
    expect(sound).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("m")
    expect(sound).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("m")
    expect(sound).to_have_attribute("aria-pressed", "false")

    # The current video's actions in order (like before comments), then the comments sheet: Tab stays
    # inside it, and Escape closes it and gives focus back to its button.
    tab_to(page, "[data-testid=current-slide] [data-role=like]")
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.dataset.role || document.activeElement.tagName"))
    # The rail top to bottom, then the sound button (a phone has no step buttons; it swipes).
    assert order == ["comments", "share", "not-interested", "report", "why", "sound"], order
    tab_to(page, "[data-testid=current-slide] [data-role=comments]", backwards=True)
    page.keyboard.press("Enter")
    sheet = page.get_by_test_id("comments-sheet")
    expect(sheet).to_be_visible()
    for _ in range(12):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.querySelector('[data-testid=comments-sheet]').contains(document.activeElement)"
        )
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(
            "document.querySelector('[data-testid=comments-sheet]').contains(document.activeElement)"
        )
    screenshot("comments-sheet")
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    assert page.evaluate("document.activeElement.dataset.role") == "comments"
    screenshot("feed-focus")

    # The upload: from the header's Studio link to the upload form's file picker.
    tab_to(page, "a[href='/studio/']", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Studio")).to_be_visible()
    tab_to(page, "a[href='/studio/upload/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Upload a video")).to_be_visible()
    tab_to(page, "input[type=file]")
    screenshot("upload-focus")

    # The account menu opens with Enter, closes with Escape (focus back on its button) and when Tab
    # leaves it.
    menu = page.get_by_test_id("account-menu-panel")
    tab_to(page, "[data-testid=account-menu]", backwards=True)
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('[data-account-menu]').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert page.evaluate("document.activeElement.dataset.testid") == "account-menu"
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    tab_to(page, "[data-account-menu] form button")
    page.keyboard.press("Tab")
    expect(menu).to_be_hidden()

    # The trim editor: an arrow key moves the end handle a frame, Shift and an arrow a second.
    page.goto(f"{live_server.url}/studio/videos/{draft.public_id}/")
    tab_to(page, "[data-role=handle-end]")
    end = page.locator("#id_end")
    expect(end).to_have_value("3.000")  # to the millisecond, as the editor writes it
    page.keyboard.press("Shift+ArrowLeft")
    expect(end).to_have_value("2.000")
    page.keyboard.press("ArrowLeft")
    expect(end).to_have_value("1.967")
    expect(page.locator("[data-role=handle-end]")).to_have_attribute("aria-valuetext", "1.97 seconds")
    page.keyboard.press("Shift+ArrowRight")
    expect(end).to_have_value("2.967")
    screenshot("trim-focus")


def test_the_screen_time_panel_stays_through_escape_and_keeps_focus(live_server, page, clips: Clips):
    video = published_video(owner=CreatorFactory.create(), topics=("food",))
    with_rendition(video, clips.portrait, Path(settings.MEDIA_ROOT))
    teen = UserFactory.create(date_of_birth=born_years_ago(15))
    screen_time.screen_time_passcode_set(user=teen, passcode="2468", actor=teen)
    ScreenTimeDay.objects.create(user=teen, day=age.screen_time_day(user=teen), seconds=3600)
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, teen.email)

    limit = page.get_by_test_id("screen-limit")
    expect(limit).to_be_visible()
    expect(limit.get_by_label("Passcode")).to_be_focused()
    for _ in range(3):  # Chromium closes a dialog on a second Escape unless the page keeps it
        page.keyboard.press("Escape")
        expect(limit).to_be_visible()
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.querySelector('[data-testid=screen-limit]').contains(document.activeElement)"
        )
    # The passcode typed and sent with the keyboard lets the teen go on.
    tab_to(page, "#feed-limit-passcode")
    page.keyboard.type("2468")
    page.keyboard.press("Enter")
    expect(limit).to_be_hidden()
