"""Fair moderation end to end: a viewer reports a video, a moderator removes it in the admin with the facts,
the creator opens the decision from the notification's link and appeals, a second moderator reverses it,
and the video plays again while the creator's decision page says it was reversed."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from creators.models import Appeal, Decision, Report, Video
from platform.models import Notification
from tests.clips import Clips
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import with_rendition
from tests.factories import TEST_PASSWORD, CreatorFactory, UserFactory, published_video
from tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def log_in(page: Page, base: str, email: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def shot(page: Page, step: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"moderation_appeal--{step}.png"), full_page=True)


def test_a_report_leads_to_a_removal_an_appeal_and_a_reversal(
    live_server, browser: Browser, clips: Clips, settings
):
    creator = CreatorFactory.create(handle="dancer")
    video = with_rendition(
        published_video(owner=creator, caption="Kitchen dance"), clips.portrait, Path(settings.MEDIA_ROOT)
    )
    viewer = UserFactory.create()
    first_moderator = UserFactory.create(is_staff=True, is_superuser=True)
    second_moderator = UserFactory.create(is_staff=True, is_superuser=True)
    base = live_server.url

    # 1. A viewer reports the video from its page.
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    log_in(page, base, viewer.email, f"/v/{video.public_id}/")
    slide = page.get_by_test_id("current-slide")
    expect(slide).to_have_attribute("data-video-id", str(video.public_id))
    slide.get_by_test_id("report-button").click()
    dialog = page.get_by_test_id("report-dialog")
    dialog.get_by_label("Spam or scam").check()
    dialog.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-done")).to_be_visible()
    context.close()
    report = Report.objects.get()
    assert (report.video_id, report.reporter_id, report.reason) == (video.pk, viewer.pk, "spam")

    # 2. A moderator removes it in the admin, saying what was found.
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    log_in(page, base, first_moderator.email, "/admin/creators/report/?status__exact=open")
    page.locator("input[name=_selected_action]").first.check()
    page.get_by_role("combobox", name="Action").select_option(label="Remove the reported videos")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Decide the reports: removed")).to_be_visible()
    page.get_by_label("Facts").fill("The caption links to a shop that never delivers.")
    page.get_by_role("button", name="Removed").click()
    expect(page.get_by_text("1 report decided (removed) on 1 target.")).to_be_visible()
    context.close()
    video.refresh_from_db()
    assert video.moderation_state == "removed"
    assert Notification.objects.get(user=viewer, kind="report_outcome").body.endswith("we removed the video.")

    # 3. The creator follows the notification's link to the statement of reasons and appeals.
    link = Notification.objects.get(user=creator.user, kind="decision").url
    decision = Decision.objects.get()
    assert link == f"/decisions/{decision.pk}/"
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    log_in(page, base, creator.user.email, link)
    expect(page.get_by_role("heading", name="Decision about your video")).to_be_visible()
    expect(page.get_by_test_id("decision-facts")).to_have_text(
        "The caption links to a shop that never delivers."
    )
    expect(page.get_by_role("link", name="Spam or scam")).to_have_attribute(
        "href", "/guidelines/#guideline-spam"
    )
    shot(page, "decision-390")
    page.get_by_label("Why is this decision wrong?").fill("There is no link at all: it is my kitchen.")
    page.get_by_role("button", name="Send appeal").click()
    expect(page.get_by_test_id("appeal-state")).to_have_text("Waiting for a moderator")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows a phone
    shot(page, "appealed-390")
    context.close()
    assert Appeal.objects.get().appellant == creator.user

    # 4. The moderator who removed it may not decide the appeal; a second one reverses it.
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    log_in(page, base, second_moderator.email, "/admin/creators/appeal/")
    page.locator("input[name=_selected_action]").first.check()
    page.get_by_role("combobox", name="Action").select_option(
        label="Reverse the decision (ask for the reason)"
    )
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Reason").fill("We checked again: there is no link.")
    page.get_by_role("button", name="Reverse").click()
    expect(page.get_by_text("1 appeal(s) decided: reversed.")).to_be_visible()
    context.close()
    eventually(
        lambda: Video.objects.get(pk=video.pk).moderation_state == "visible",
        timeout=20,
        what="the video to be restored",
    )

    # 5. The video plays again, and the creator's page says the decision was reversed.
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{base}/v/{video.public_id}/")
    expect(page.get_by_test_id("current-slide")).to_have_attribute("data-video-id", str(video.public_id))
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=current-video]'); return v && v.currentTime > 0.3; }",
        timeout=15_000,
    )
    log_in(page, base, creator.user.email, link)
    expect(page.get_by_test_id("decision-reversed")).to_contain_text("Reversed")
    expect(page.get_by_test_id("appeal-state")).to_have_text("Decision reversed")
    expect(page.get_by_test_id("appeal-outcome")).to_have_text("We checked again: there is no link.")
    shot(page, "reversed-390")
    context.close()
