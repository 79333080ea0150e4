"""A reported comment, moderated like a video, in a real Chromium: a viewer reports it from the player's
comments sheet on a phone (390 px), a moderator removes it in the admin (1280 px) with a statement of
reasons, the author reads the decision on their phone and appeals, another moderator reverses it, and the
comment is back under the video, counted again."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from creators.comments import services
from creators.comments.models import Comment
from creators.models import Appeal, Decision, Report, Video
from tests.clips import Clips
from tests.e2e.admin_helpers import LAPTOP, admin_log_in
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import PHONE, log_in, with_rendition
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db(transaction=True)

RUDE = "Worst <b>bread</b> ever, give up baking"


def _phone(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)


def _laptop(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport=LAPTOP, device_scale_factor=1)


def _shot(page: Page, step: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"comment-moderation--{step}.png"), full_page=full_page)


def _open_sheet(page: Page, base: str, video: Video) -> None:
    page.goto(f"{base}/v/{video.public_id}/")
    page.locator(".feed-slide.is-current").get_by_test_id("comments-button").click()
    expect(page.get_by_test_id("comments-sheet")).to_be_visible()
    expect(page.get_by_test_id("comments-status")).not_to_have_text("Loading comments…")


def _comment(page: Page, text: str):
    return page.get_by_test_id("comments-list").get_by_test_id("comment").filter(has_text=text)


def _run_action(page: Page, action: str) -> None:
    """Tick every row of the changelist and run ``action`` (its label in the menu)."""
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_a_reported_comment_is_removed_with_reasons_and_restored_on_appeal(
    live_server, browser: Browser, clips: Clips, settings
):
    base = live_server.url
    cleo = CreatorFactory.create(handle="cleo_bakes", display_name="Cleo Bakes")
    video = with_rendition(
        published_video(owner=cleo, caption="Sourdough at dawn"), clips.portrait, Path(settings.MEDIA_ROOT)
    )
    rita = CreatorFactory.create(handle="rita", display_name="Rita").user
    comment = services.comment_post(author=rita, video=video, text=RUDE)
    services.comment_post(author=cleo.user, video=video, text="Thanks for watching!")
    viewer = CreatorFactory.create(handle="vera", display_name="Vera Viewer").user
    first_moderator = UserFactory.create(email="mod.one@joyreel.example", is_staff=True, is_superuser=True)
    second_moderator = UserFactory.create(email="mod.two@joyreel.example", is_staff=True, is_superuser=True)

    # --- a viewer reports the comment from the player's sheet, on a phone ---
    phone = _phone(browser)
    page = phone.new_page()
    log_in(page, base, viewer.email)
    expect(page.get_by_test_id("account-menu")).to_be_visible()
    _open_sheet(page, base, video)
    expect(_comment(page, "Worst <b>bread</b> ever")).to_be_visible()  # text, never markup
    _comment(page, "Worst").get_by_role("button", name="Report comment by @rita").click()
    dialog = page.get_by_test_id("comment-report-dialog")
    dialog.get_by_label("Harassment or bullying").check()
    dialog.get_by_label("Details").fill("Insults the baker.")
    _shot(page, "phone-report-dialog", full_page=False)
    dialog.get_by_test_id("comment-report-submit").click()
    expect(page.get_by_test_id("comment-report-done")).to_be_visible()
    report = Report.objects.get()
    assert (report.comment_id, report.reporter_id, report.reason) == (comment.pk, viewer.pk, "harassment")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()

    # --- a moderator finds it in the admin's queue and removes it, with reasons ---
    laptop = _laptop(browser)
    page = laptop.new_page()
    admin_log_in(page, base, first_moderator.email)
    queue = (
        page.get_by_test_id("moderation-queues").get_by_test_id("queue").filter(has_text="Reported comments")
    )
    expect(queue.get_by_test_id("queue-count")).to_have_text("1")
    queue.get_by_role("link", name="Reported comments").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(RUDE)  # escaped: the words as written
    expect(rows.first.locator("b")).to_have_count(0)
    expect(rows.first.get_by_role("link", name="Sourdough at dawn")).to_be_visible()
    expect(rows.first).to_contain_text("@rita")
    expect(rows.first).to_contain_text("Harassment or hate")
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    _shot(page, "admin-queue")

    _run_action(page, "Remove the comments (ask for the reasons)…")
    expect(page.get_by_role("heading", name="Decide the reported comments: remove")).to_be_visible()
    # The facts are required: the browser keeps the form until they are written, and nothing is decided.
    page.get_by_label("Guideline").select_option(label="Harassment or hate")
    page.get_by_role("button", name="Remove").click()
    assert page.get_by_label("Facts").evaluate("(box) => box.matches(':invalid')")
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.VISIBLE
    page.get_by_label("Facts").fill("The comment insults the creator and says nothing about the video.")
    _shot(page, "admin-decision-form")
    page.get_by_role("button", name="Remove").click()
    expect(page.locator(".messagelist")).to_contain_text("1 comment(s) removed; 1 report(s) decided.")
    expect(page.locator("#result_list")).to_have_count(0)  # the queue is empty
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.REMOVED
    assert Video.objects.get(pk=video.pk).comment_count == 1
    laptop.close()

    # --- the author reads the decision on their phone and appeals ---
    decision = Decision.objects.get(comment=comment)
    phone = _phone(browser)
    page = phone.new_page()
    log_in(page, base, rita.email, next_url="/decisions/")
    expect(page.get_by_role("heading", name="Decisions about you")).to_be_visible()
    listed = (
        page.get_by_test_id("decision-list").locator("li").filter(has_text="Comment: Worst <b>bread</b> ever")
    )
    listed.get_by_role("link", name="Removed").click()
    page.wait_for_url(f"{base}{decision.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Decision about your comment")).to_be_visible()
    expect(page.get_by_test_id("decision-comment")).to_contain_text(RUDE)
    expect(page.get_by_test_id("decision-facts")).to_contain_text("insults the creator")
    page.get_by_label("Why is this decision wrong?").fill("Cleo is my sister; we tease each other.")
    _shot(page, "phone-decision")
    page.get_by_role("button", name="Send appeal").click()
    expect(page.get_by_test_id("appeal-state")).to_have_text("Waiting for a moderator")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()

    # --- another moderator reverses it; the comment is back ---
    laptop = _laptop(browser)
    page = laptop.new_page()
    admin_log_in(page, base, second_moderator.email)
    page.get_by_test_id("moderation-queues").get_by_role("link", name="Open appeals").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody tr").first).to_contain_text(
        "Comment removed (harassment or hate)"
    )
    _run_action(page, "Reverse the decision (ask for the reason)")
    page.get_by_label("Reason").fill("Friendly teasing between relatives, not harassment.")
    page.get_by_role("button", name="Reverse").click()
    expect(page.locator(".messagelist")).to_contain_text("1 appeal(s) decided: reversed.")
    laptop.close()
    assert Appeal.objects.get().state == Appeal.State.REVERSED
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.VISIBLE
    assert Video.objects.get(pk=video.pk).comment_count == 2

    phone = _phone(browser)
    page = phone.new_page()
    log_in(page, base, viewer.email)
    expect(page.get_by_test_id("account-menu")).to_be_visible()
    _open_sheet(page, base, video)
    expect(page.get_by_test_id("comments-title")).to_have_text("Comments · 2")
    expect(_comment(page, "Worst <b>bread</b> ever")).to_be_visible()
    _shot(page, "phone-comment-back", full_page=False)
    phone.close()
