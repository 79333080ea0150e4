"""Comments in a real Chromium on a phone: a viewer comments and replies in the player's sheet, the creator
pins a comment and filters a word (the matching comment waits in the inbox), a 14-year-old's video
refuses a stranger, and a blocked person sees none of the blocker's comments. Desktop shows the side panel."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from creators.comments import services
from creators.comments.models import Comment
from creators.models import Follow, Report, Video
from platform.blocking import block_create
from tests.clips import Clips
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import DESKTOP, PHONE, log_in, with_rendition
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db(transaction=True)


def _phone(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)


def _open_sheet(page: Page, base: str, video: Video) -> None:
    page.goto(f"{base}/v/{video.public_id}/")
    page.locator(".feed-slide.is-current").get_by_test_id("comments-button").click()
    expect(page.get_by_test_id("comments-sheet")).to_be_visible()
    expect(page.get_by_test_id("comments-status")).not_to_have_text("Loading comments…")


def _comment(page: Page, text: str):
    return page.get_by_test_id("comments-list").get_by_test_id("comment").filter(has_text=text)


def _shot(page: Page, step: str, *, full_page: bool = False) -> None:
    """A screenshot of one of the test's own pages (each person has their own browser context). The sheet
    is a modal over a fixed player: the viewport is what a person sees."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"comments-journey--{step}.png"), full_page=full_page)


def test_comment_reply_pin_filter_refuse_and_block(live_server, browser, clips: Clips, settings):
    base = live_server.url
    media = Path(settings.MEDIA_ROOT)
    maker = CreatorFactory.create(handle="maker", display_name="Mia Maker")
    video = with_rendition(published_video(owner=maker, caption="Sunset timelapse"), clips.portrait, media)
    welcome = services.comment_post(
        author=maker.user, video=video, text="Thanks for watching! Questions welcome."
    )
    viewer = CreatorFactory.create(handle="vera", display_name="Vera Viewer").user
    other = CreatorFactory.create(handle="bo", display_name="Bo").user
    services.comment_post(author=other, video=video, text="Bo was here first")

    # --- the viewer comments and replies, on a phone ---
    context = _phone(browser)
    page = context.new_page()
    # Logged out, the sheet reads but asks to log in to comment.
    _open_sheet(page, base, video)
    expect(page.get_by_test_id("comment-refusal")).to_have_text("Log in to comment. Log in")
    expect(page.get_by_test_id("comment-form")).to_be_hidden()
    expect(_comment(page, "Bo was here first")).to_be_visible()
    log_in(page, base, viewer.email)
    expect(page.get_by_test_id("account-menu")).to_be_visible()
    _open_sheet(page, base, video)
    sheet = page.get_by_test_id("comments-sheet")
    expect(page.get_by_test_id("comments-title")).to_have_text("Comments · 2")
    expect(_comment(page, "Thanks for watching!")).to_be_visible()

    # Too long: the API's reason, and the text stays in the box.
    page.get_by_test_id("comment-input").fill("x" * 501)
    expect(page.get_by_test_id("comment-count")).to_have_text("501/500")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment-error")).to_have_text(
        "A comment is at most 500 characters; this one has 501."
    )
    expect(page.get_by_test_id("comment-input")).to_have_value("x" * 501)
    assert Comment.objects.filter(author=viewer).count() == 0

    page.get_by_test_id("comment-input").fill("Lovely light, @maker <b>wow</b>")
    page.get_by_test_id("comment-submit").click()
    mine = _comment(page, "Lovely light")
    expect(mine).to_be_visible()
    expect(page.get_by_test_id("comment-error")).to_be_hidden()
    expect(page.get_by_test_id("comment-input")).to_have_value("")
    expect(mine.get_by_role("link", name="@maker")).to_have_attribute("href", "/@maker/")
    expect(mine.get_by_test_id("comment-text")).to_have_text(
        "Lovely light, @maker <b>wow</b>"
    )  # text, not HTML
    expect(page.get_by_test_id("comments-title")).to_have_text("Comments · 3")
    expect(page.locator(".feed-slide.is-current").get_by_test_id("comments-count")).to_have_text("3")

    _comment(page, "Thanks for watching!").get_by_role("button", name="Reply to @maker").click()
    expect(page.get_by_test_id("comment-replying")).to_have_text("Replying to @maker · Cancel")
    page.get_by_test_id("comment-input").fill("What camera was this?")
    page.get_by_test_id("comment-submit").click()
    reply_node = (
        _comment(page, "Thanks for watching!").locator("[data-role=replies]").get_by_test_id("comment")
    )
    expect(reply_node).to_contain_text("What camera was this?")
    reply = Comment.objects.get(author=viewer, text="What camera was this?")
    assert reply.parent_id == welcome.pk

    # Within 5 minutes the author edits it; it says "edited".
    reply_node.get_by_role("button", name="Edit").click()
    reply_node.get_by_role("textbox", name="Edit your comment").fill("What camera and lens was this?")
    reply_node.get_by_role("button", name="Save").click()
    expect(reply_node).to_contain_text("What camera and lens was this?")
    expect(reply_node).to_contain_text("edited")
    reply.refresh_from_db()
    assert reply.text == "What camera and lens was this?"
    assert reply.edited_at is not None

    # Reporting someone's comment: the reasons of the guidelines, then thanks.
    _comment(page, "Bo was here first").get_by_role("button", name="Report comment by @bo").click()
    report = page.get_by_test_id("comment-report-dialog")
    report.get_by_label("Spam or scam").check()
    report.get_by_test_id("comment-report-submit").click()
    expect(page.get_by_test_id("comment-report-done")).to_be_visible()
    assert Report.objects.filter(comment__text="Bo was here first", reporter=viewer, reason="spam").exists()
    page.get_by_test_id("comment-report-done").get_by_role("button", name="Done").click()
    expect(report).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "phone-sheet")

    like = _comment(page, "Thanks for watching!").get_by_role("button", name="Like comment by @maker")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_have_text("♥ 1")
    welcome.refresh_from_db()
    assert welcome.like_count == 1

    # Escape closes the sheet and gives the focus back to the comments button.
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    expect(page.locator(".feed-slide.is-current").get_by_test_id("comments-button")).to_be_focused()
    context.close()

    # --- the creator pins a comment and filters a word ---
    creator_context = _phone(browser)
    creator_page = creator_context.new_page()
    log_in(creator_page, base, maker.user.email)
    expect(creator_page.get_by_test_id("account-menu")).to_be_visible()
    _open_sheet(creator_page, base, video)
    _comment(creator_page, "Lovely light").get_by_role("button", name="Pin", exact=True).click()
    expect(_comment(creator_page, "Lovely light").get_by_test_id("comment-pinned")).to_be_visible()
    expect(creator_page.get_by_test_id("comments-list").get_by_test_id("comment").first).to_contain_text(
        "Lovely light"
    )
    assert Comment.objects.get(author=viewer, parent=None).is_pinned is True

    creator_page.goto(f"{base}/studio/comments/settings")
    creator_page.get_by_label("Add a word or phrase").fill("spoiler")
    creator_page.get_by_role("button", name="Add").click()
    expect(creator_page.get_by_test_id("filter-words")).to_contain_text("spoiler")
    assert creator_page.evaluate("document.documentElement.scrollWidth") <= 390
    creator_page.evaluate("window.scrollTo(0, 0)")
    _shot(creator_page, "phone-settings", full_page=True)

    # Each video has its own choice, on its page in the studio.
    creator_page.goto(f"{base}/studio/videos/{video.public_id}/")
    policy = creator_page.get_by_test_id("video-policy-form")
    expect(policy.get_by_label("No one")).not_to_be_checked()
    creator_page.locator("#comments").scroll_into_view_if_needed()
    creator_page.locator("#comments").screenshot(
        path=str(SCREENSHOTS / "comments-journey--phone-video-policy.png")
    )

    # The viewer's comment with the word waits: they see it as pending, others not at all.
    services.comment_post(author=viewer, video=video, text="The ending is a big spoiler")
    viewer_context = _phone(browser)
    viewer_page = viewer_context.new_page()
    log_in(viewer_page, base, viewer.email)
    expect(viewer_page.get_by_test_id("account-menu")).to_be_visible()
    _open_sheet(viewer_page, base, video)
    viewer_page.get_by_test_id("comments-order-newest").click()
    expect(_comment(viewer_page, "big spoiler").get_by_test_id("comment-pending")).to_be_visible()
    viewer_context.close()

    creator_page.goto(f"{base}/studio/")
    expect(creator_page.get_by_test_id("studio-comments")).to_contain_text("Comments 1")
    creator_page.get_by_test_id("studio-comments").click()
    held = creator_page.get_by_test_id("inbox-held")
    expect(held).to_contain_text("The ending is a big spoiler")
    _shot(creator_page, "phone-inbox", full_page=True)
    assert creator_page.evaluate("document.documentElement.scrollWidth") <= 390
    held.get_by_test_id("inbox-approve").click()
    expect(creator_page.get_by_text("Comment approved")).to_be_visible()
    assert Comment.objects.get(text="The ending is a big spoiler").state == Comment.State.VISIBLE

    # Without JavaScript the same conversation is a page, with a plain form.
    creator_page.goto(f"{base}/v/{video.public_id}/comments")
    expect(creator_page.get_by_test_id("comments-list").get_by_test_id("comment")).to_have_count(4)
    assert creator_page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(creator_page, "phone-page", full_page=True)

    # Desktop: the sheet is a side panel beside the video; the inbox and settings read well wide.
    creator_page.set_viewport_size(DESKTOP)
    _open_sheet(creator_page, base, video)
    box = creator_page.get_by_test_id("comments-sheet").bounding_box()
    assert box is not None
    assert (box["x"] > 600, box["height"] > 800) == (True, True)  # at the right edge, the window's height
    _shot(creator_page, "desktop-sheet")
    creator_page.goto(f"{base}/studio/comments/")
    _shot(creator_page, "desktop-inbox", full_page=True)
    creator_page.goto(f"{base}/studio/comments/settings")
    _shot(creator_page, "desktop-settings", full_page=True)
    creator_context.close()

    # --- a 14-year-old's video refuses a stranger's comment, saying why ---
    teen = CreatorFactory.create(handle="teen.art", user=UserFactory.create(date_of_birth=born_years_ago(14)))
    teen_video = with_rendition(published_video(owner=teen, caption="My drawing"), clips.portrait, media)
    stranger = UserFactory.create()
    Follow.objects.create(
        follower=stranger, creator=teen, status=Follow.Status.APPROVED
    )  # sees, not followed back
    stranger_context = _phone(browser)
    stranger_page = stranger_context.new_page()
    log_in(stranger_page, base, stranger.email)
    expect(stranger_page.get_by_test_id("account-menu")).to_be_visible()
    _open_sheet(stranger_page, base, teen_video)
    expect(stranger_page.get_by_test_id("comment-refusal")).to_have_text(
        "Only people this creator follows back can comment here."
    )
    expect(stranger_page.get_by_test_id("comment-form")).to_be_hidden()
    _shot(stranger_page, "phone-teen-refusal")
    stranger_context.close()

    # --- a blocked person sees none of the blocker's comments ---
    block_create(blocker=other, blocked=viewer)
    blocked_context = _phone(browser)
    blocked_page = blocked_context.new_page()
    log_in(blocked_page, base, viewer.email)
    expect(blocked_page.get_by_test_id("account-menu")).to_be_visible()
    _open_sheet(blocked_page, base, video)
    expect(_comment(blocked_page, "Lovely light")).to_be_visible()
    expect(_comment(blocked_page, "Bo was here first")).to_have_count(0)
    _shot(blocked_page, "phone-sheet-top")
    blocked_context.close()
