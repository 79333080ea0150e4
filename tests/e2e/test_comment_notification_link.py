"""A reply's notification leads to the reply: on a phone, the person notified opens it from their
notifications and the player's comments sheet opens on that video with the reply shown first, marked."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from creators.comments import services
from platform.models import Notification
from tests.clips import Clips
from tests.e2e.helpers import PHONE, log_in, with_rendition
from tests.factories import CreatorFactory, published_video

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "has_touch": True, "is_mobile": True}


def test_a_reply_notification_opens_the_sheet_at_the_reply(
    live_server, page: Page, screenshot, clips: Clips, settings, eager_tasks
):
    base = live_server.url
    maker = CreatorFactory.create(handle="maker", display_name="Mia Maker")
    video = with_rendition(
        published_video(owner=maker, caption="Sourdough at dawn"), clips.portrait, Path(settings.MEDIA_ROOT)
    )
    vera = CreatorFactory.create(handle="vera", display_name="Vera").user
    question = services.comment_post(author=vera, video=video, text="How long does the dough rest?")
    # Enough others below it that the reply would not be on the sheet's first screen by itself.
    for number in range(12):
        services.comment_post(author=CreatorFactory.create().user, video=video, text=f"Looks great {number}")
    reply = services.comment_post(
        author=maker.user, video=video, text="Twelve hours in the fridge.", parent_id=question.pk
    )
    notification = Notification.objects.get(user=vera, url__contains=f"?comment={reply.pk}#")

    log_in(page, base, vera.email, next_url="/notifications/")
    link = page.locator(".notification-link").filter(has_text="replied")
    expect(link).to_be_visible()
    screenshot("01-notifications")
    link.click()

    sheet = page.get_by_test_id("comments-sheet")
    expect(sheet).to_be_visible()
    assert page.url.endswith(notification.url)
    linked = sheet.locator(".comment.is-linked")
    expect(linked).to_have_count(1)
    expect(linked).to_contain_text("The reply you were sent to")
    expect(linked).to_contain_text("Twelve hours in the fridge.")
    expect(linked).to_be_in_viewport()
    # The sheet's pages follow, without the linked reply a second time.
    first = sheet.get_by_test_id("comments-list").get_by_test_id("comment").first
    expect(first).to_have_class(re.compile(r"\bis-linked\b"))
    expect(sheet.get_by_test_id("comment").filter(has_text="Twelve hours")).to_have_count(1)
    screenshot("02-sheet-at-the-reply")

    # Top/newest switches read the comments as usual: the mark goes with the reload.
    sheet.get_by_role("button", name="Newest").click()
    expect(sheet.locator(".comment.is-linked")).to_have_count(0)
    expect(sheet.get_by_test_id("comment").filter(has_text="Looks great 11")).to_be_visible()
