"""Comments from first word to appeal, in one real Chromium on a phone (390 px): a viewer comments and replies
in the player's sheet and reports a rude comment, the creator pins a comment and filters a word (the matching
comment waits in the inbox), a 14-year-old's video refuses a stranger, a blocked person sees none of the
blocker's comments, and a moderator removes the reported comment in the admin (a desktop) with a statement
of reasons; its author appeals on their phone, another moderator reverses it and the comment is back."""

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from creators.comments import services
from creators.comments.models import Comment
from creators.models import Appeal, Decision, Follow, Report, Video
from platform.blocking import block_create
from tests.clips import Clips
from tests.e2e.admin_helpers import LAPTOP, admin_log_in
from tests.e2e.helpers import PHONE, log_in, with_rendition
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db(transaction=True)

RUDE = "Worst <b>bread</b> ever, give up baking"


@pytest.fixture
def browser_context_args(browser_context_args):
    """The story's one page is a phone's; the moderators widen it to a laptop for the admin."""
    return {
        **browser_context_args,
        "viewport": PHONE,
        "has_touch": True,
        "is_mobile": True,
        "device_scale_factor": 1,
    }


def _as(page: Page, base: str, email: str, next_url: str = "/") -> None:
    """Hand the phone to the next person: the last one's session goes, this one logs in through the form."""
    page.context.clear_cookies()
    log_in(page, base, email, next_url=next_url)
    expect(page.get_by_test_id("account-menu")).to_be_visible()


def _as_moderator(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.set_viewport_size(LAPTOP)
    admin_log_in(page, base, email)


def _open_sheet(page: Page, base: str, video: Video) -> None:
    page.goto(f"{base}/v/{video.public_id}/")
    page.locator(".feed-slide.is-current").get_by_test_id("comments-button").click()
    expect(page.get_by_test_id("comments-sheet")).to_be_visible()
    expect(page.get_by_test_id("comments-status")).not_to_have_text("Loading comments…")


def _comment(page: Page, text: str) -> Locator:
    return page.get_by_test_id("comments-list").get_by_test_id("comment").filter(has_text=text)


def _fits(page: Page) -> None:
    """Nothing sticks out sideways at the page's width."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _run_action(page: Page, action: str) -> None:
    """Tick every row of the changelist and run ``action`` (its label in the menu)."""
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_comment_reply_pin_filter_refuse_block_remove_and_restore(
    live_server, page: Page, screenshot, clips: Clips, settings
):
    base = live_server.url
    media = Path(settings.MEDIA_ROOT)

    def shot(step: str) -> None:
        # A full-page capture of a scrolled page would draw the sticky top bar in its middle.
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(step)

    maker = CreatorFactory.create(handle="maker", display_name="Mia Maker")
    video = with_rendition(published_video(owner=maker, caption="Sunset timelapse"), clips.portrait, media)
    welcome = services.comment_post(
        author=maker.user, video=video, text="Thanks for watching! Questions welcome."
    )
    viewer = CreatorFactory.create(handle="vera", display_name="Vera Viewer").user
    other = CreatorFactory.create(handle="bo", display_name="Bo").user
    services.comment_post(author=other, video=video, text="Bo was here first")
    rita = CreatorFactory.create(handle="rita", display_name="Rita").user
    rude = services.comment_post(author=rita, video=video, text=RUDE)
    first_moderator = UserFactory.create(email="mod.one@joyreel.example", is_staff=True, is_superuser=True)
    second_moderator = UserFactory.create(email="mod.two@joyreel.example", is_staff=True, is_superuser=True)

    # --- 1. a viewer comments and replies ---
    # Logged out, the sheet reads but asks to log in to comment.
    _open_sheet(page, base, video)
    expect(page.get_by_test_id("comment-refusal")).to_have_text("Log in to comment. Log in")
    expect(page.get_by_test_id("comment-form")).to_be_hidden()
    expect(_comment(page, "Bo was here first")).to_be_visible()
    expect(_comment(page, "Worst <b>bread</b> ever")).to_be_visible()  # text, never markup
    shot("01-logged-out-sheet")

    _as(page, base, viewer.email)
    _open_sheet(page, base, video)
    sheet = page.get_by_test_id("comments-sheet")
    expect(page.get_by_test_id("comments-title")).to_have_text("Comments · 3")
    expect(_comment(page, "Thanks for watching!")).to_be_visible()

    # Too long: the API's reason, the text stays in the box, and nothing is written.
    page.get_by_test_id("comment-input").fill("x" * 501)
    expect(page.get_by_test_id("comment-count")).to_have_text("501/500")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment-error")).to_have_text(
        "A comment is at most 500 characters; this one has 501."
    )
    expect(page.get_by_test_id("comment-input")).to_have_value("x" * 501)
    shot("02-too-long")
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
    expect(page.get_by_test_id("comments-title")).to_have_text("Comments · 4")
    expect(page.locator(".feed-slide.is-current").get_by_test_id("comments-count")).to_have_text("4")

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
    assert (reply.text, reply.edited_at is not None) == ("What camera and lens was this?", True)

    like = _comment(page, "Thanks for watching!").get_by_role("button", name="Like comment by @maker")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_have_text("♥ 1")
    welcome.refresh_from_db()
    assert welcome.like_count == 1
    _fits(page)
    shot("03-commented-and-replied")

    # Reporting someone's comment: the reasons of the guidelines and details, then thanks.
    _comment(page, "Worst").get_by_role("button", name="Report comment by @rita").click()
    dialog = page.get_by_test_id("comment-report-dialog")
    dialog.get_by_label("Harassment or bullying").check()
    dialog.get_by_label("Details").fill("Insults the baker.")
    shot("04-report-dialog")
    dialog.get_by_test_id("comment-report-submit").click()
    expect(page.get_by_test_id("comment-report-done")).to_be_visible()
    report = Report.objects.get()
    assert (report.comment_id, report.reporter_id, report.reason) == (rude.pk, viewer.pk, "harassment")
    page.get_by_test_id("comment-report-done").get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()
    _fits(page)

    # Escape closes the sheet and gives the focus back to the comments button.
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    expect(page.locator(".feed-slide.is-current").get_by_test_id("comments-button")).to_be_focused()

    # --- 2. the creator pins a comment and filters a word ---
    _as(page, base, maker.user.email)
    _open_sheet(page, base, video)
    _comment(page, "Lovely light").get_by_role("button", name="Pin", exact=True).click()
    expect(_comment(page, "Lovely light").get_by_test_id("comment-pinned")).to_be_visible()
    expect(page.get_by_test_id("comments-list").get_by_test_id("comment").first).to_contain_text(
        "Lovely light"
    )
    assert Comment.objects.get(author=viewer, parent=None).is_pinned is True
    shot("05-creator-pinned")

    page.goto(f"{base}/studio/comments/settings")
    page.get_by_label("Add a word or phrase").fill("spoiler")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("filter-words")).to_contain_text("spoiler")
    _fits(page)
    shot("06-creator-filter-words")

    # Each video has its own choice, on its page in the studio.
    page.goto(f"{base}/studio/videos/{video.public_id}/")
    expect(page.get_by_test_id("video-policy-form").get_by_label("No one")).not_to_be_checked()
    _fits(page)
    shot("07-creator-video-policy")

    # The viewer's comment with the word waits: they see it as pending, others not at all.
    services.comment_post(author=viewer, video=video, text="The ending is a big spoiler")
    _as(page, base, viewer.email)
    _open_sheet(page, base, video)
    page.get_by_test_id("comments-order-newest").click()
    expect(_comment(page, "big spoiler").get_by_test_id("comment-pending")).to_be_visible()
    shot("08-viewer-sees-pending")
    page.context.clear_cookies()
    _open_sheet(page, base, video)
    page.get_by_test_id("comments-order-newest").click()
    expect(_comment(page, "Lovely light")).to_be_visible()
    expect(_comment(page, "big spoiler")).to_have_count(0)

    _as(page, base, maker.user.email, next_url="/studio/")
    expect(page.get_by_test_id("studio-comments")).to_contain_text("Comments 1")
    page.get_by_test_id("studio-comments").click()
    held = page.get_by_test_id("inbox-held")
    expect(held).to_contain_text("The ending is a big spoiler")
    _fits(page)
    shot("09-creator-inbox")
    held.get_by_test_id("inbox-approve").click()
    expect(page.get_by_text("Comment approved")).to_be_visible()
    assert Comment.objects.get(text="The ending is a big spoiler").state == Comment.State.VISIBLE

    # Without JavaScript the same conversation is a page, with a plain form.
    page.goto(f"{base}/v/{video.public_id}/comments")
    expect(page.get_by_test_id("comments-list").get_by_test_id("comment")).to_have_count(5)
    _fits(page)
    shot("10-page-without-javascript")

    # --- 3. a 14-year-old's video refuses a stranger's comment, saying why ---
    teen = CreatorFactory.create(handle="teen.art", user=UserFactory.create(date_of_birth=born_years_ago(14)))
    teen_video = with_rendition(published_video(owner=teen, caption="My drawing"), clips.portrait, media)
    stranger = UserFactory.create()
    Follow.objects.create(follower=stranger, creator=teen, status=Follow.Status.APPROVED)  # not followed back
    _as(page, base, stranger.email)
    _open_sheet(page, base, teen_video)
    expect(page.get_by_test_id("comment-refusal")).to_have_text(
        "Only people this creator follows back can comment here."
    )
    expect(page.get_by_test_id("comment-form")).to_be_hidden()
    shot("11-teen-video-refuses-stranger")

    # --- 4. a blocked person sees none of the blocker's comments, in the sheet or on the page ---
    block_create(blocker=other, blocked=viewer)
    _as(page, base, viewer.email)
    _open_sheet(page, base, video)
    expect(_comment(page, "Lovely light")).to_be_visible()
    expect(_comment(page, "Bo was here first")).to_have_count(0)
    # The sheet counts what she may see: the video's count less Bo's comments.
    bos = Comment.objects.filter(video=video, author=other, state=Comment.State.VISIBLE).count()
    assert bos >= 1
    counted = Video.objects.get(pk=video.pk).comment_count - bos
    expect(page.get_by_test_id("comments-title")).to_have_text(f"Comments · {counted}")
    page.locator(".comments-sheet-body").evaluate("(body) => body.scrollTo(0, body.scrollHeight)")
    shot("12-blocked-sheet-end")
    page.goto(f"{base}/v/{video.public_id}/comments")
    expect(_comment(page, "Lovely light")).to_be_visible()
    expect(_comment(page, "Bo was here first")).to_have_count(0)

    # --- 5. a moderator finds the reported comment in the admin's queue and removes it, with reasons ---
    _as_moderator(page, base, first_moderator.email)
    queue = (
        page.get_by_test_id("moderation-queues").get_by_test_id("queue").filter(has_text="Reported comments")
    )
    expect(queue.get_by_test_id("queue-count")).to_have_text("1")
    queue.get_by_role("link", name="Reported comments").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(RUDE)  # escaped: the words as written
    expect(rows.first.locator("b")).to_have_count(0)
    expect(rows.first.get_by_role("link", name="Sunset timelapse")).to_be_visible()
    expect(rows.first).to_contain_text("@rita")
    expect(rows.first).to_contain_text("Harassment or hate")
    _fits(page)
    shot("13-admin-queue")

    _run_action(page, "Remove the comments (ask for the reasons)…")
    expect(page.get_by_role("heading", name="Decide the reported comments: remove")).to_be_visible()
    # The facts are required: the browser keeps the form until they are written, and nothing is decided.
    page.get_by_label("Guideline").select_option(label="Harassment or hate")
    page.get_by_role("button", name="Remove").click()
    assert page.get_by_label("Facts").evaluate("(box) => box.matches(':invalid')")
    assert Comment.objects.get(pk=rude.pk).state == Comment.State.VISIBLE
    assert Decision.objects.count() == 0
    page.get_by_label("Facts").fill("The comment insults the creator and says nothing about the video.")
    shot("14-admin-decision-form")
    page.get_by_role("button", name="Remove").click()
    expect(page.locator(".messagelist")).to_contain_text("1 comment(s) removed; 1 report(s) decided.")
    expect(page.locator("#result_list")).to_have_count(0)  # the queue is empty
    assert Comment.objects.get(pk=rude.pk).state == Comment.State.REMOVED
    assert Video.objects.get(pk=video.pk).comment_count == 5

    # --- 6. the author reads the decision on their phone and appeals ---
    decision = Decision.objects.get(comment=rude)
    page.set_viewport_size(PHONE)
    _as(page, base, rita.email, next_url="/decisions/")
    expect(page.get_by_role("heading", name="Decisions about you")).to_be_visible()
    listed = (
        page.get_by_test_id("decision-list").locator("li").filter(has_text="Comment: Worst <b>bread</b> ever")
    )
    listed.get_by_role("link", name="Removed").click()
    page.wait_for_url(f"{base}{decision.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Decision about your comment")).to_be_visible()
    expect(page.get_by_test_id("decision-comment")).to_contain_text(RUDE)
    expect(page.get_by_test_id("decision-facts")).to_contain_text("insults the creator")
    page.get_by_label("Why is this decision wrong?").fill("Mia is my sister; we tease each other.")
    shot("15-author-appeals")
    page.get_by_role("button", name="Send appeal").click()
    expect(page.get_by_test_id("appeal-state")).to_have_text("Waiting for a moderator")
    _fits(page)

    # --- 7. another moderator reverses it; the comment is back, counted again ---
    _as_moderator(page, base, second_moderator.email)
    page.get_by_test_id("moderation-queues").get_by_role("link", name="Open appeals").click()
    appeals = page.locator("#result_list tbody tr")
    expect(appeals).to_have_count(1)
    expect(appeals.first).to_contain_text("Comment removed (harassment or hate)")
    shot("16-admin-appeals")
    _run_action(page, "Reverse the decision (ask for the reason)")
    page.get_by_label("Reason").fill("Friendly teasing between relatives, not harassment.")
    page.get_by_role("button", name="Reverse").click()
    expect(page.locator(".messagelist")).to_contain_text("1 appeal(s) decided: reversed.")
    assert Appeal.objects.get().state == Appeal.State.REVERSED
    assert Comment.objects.get(pk=rude.pk).state == Comment.State.VISIBLE
    assert Video.objects.get(pk=video.pk).comment_count == 6

    # On a wide screen the sheet is a side panel at the right edge, the window's height.
    _open_sheet(page, base, video)
    box = page.get_by_test_id("comments-sheet").bounding_box()
    assert box is not None
    assert (box["x"] > 600, box["height"] >= LAPTOP["height"] - 1) == (True, True)
    expect(_comment(page, "Worst <b>bread</b> ever")).to_be_visible()
    shot("17-desktop-side-panel")

    page.set_viewport_size(PHONE)
    _as(page, base, rita.email)
    _open_sheet(page, base, video)
    expect(page.get_by_test_id("comments-title")).to_have_text("Comments · 6")
    expect(_comment(page, "Worst <b>bread</b> ever")).to_be_visible()
    _comment(page, "Worst <b>bread</b> ever").scroll_into_view_if_needed()
    shot("18-comment-back")
    page.goto(f"{base}{decision.get_absolute_url()}")
    expect(page.get_by_test_id("appeal-state")).to_have_text("Decision reversed")
