"""A moderator's morning in the admin at 1280×800: the home page says what waits, a queue opens filtered, and
a reported video plays on its admin page (removed or not), with its pipeline details folded away."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from creators.models import Video
from tests.admin_world import admin_world_create
from tests.clips import Clips, run_ffmpeg
from tests.e2e.admin_helpers import LAPTOP, admin_log_in
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import with_rendition

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_home_leads_to_the_queues_and_a_reported_video_plays(
    live_server, browser: Browser, clips: Clips, settings
):
    world = admin_world_create()
    reported = with_rendition(world.videos[0], clips.portrait, Path(settings.MEDIA_ROOT))
    poster = f"videos/{reported.public_id.hex}/poster.jpg"
    run_ffmpeg("-i", str(clips.portrait), "-frames:v", "1", str(Path(settings.MEDIA_ROOT) / poster))
    Video.objects.filter(pk=reported.pk).update(poster=poster, moderation_state=Video.Moderation.REMOVED)
    context = browser.new_context(viewport=LAPTOP, device_scale_factor=1)
    page = context.new_page()
    admin_log_in(page, live_server.url, world.superuser.email)

    queues = page.get_by_test_id("moderation-queues")
    expect(queues.get_by_test_id("queue")).to_have_count(8)
    reports = queues.get_by_test_id("queue").filter(has_text="Open reports")
    expect(reports.get_by_test_id("queue-count")).to_have_text(
        "6"
    )  # three videos, an account, a comment twice
    expect(reports.get_by_test_id("queue-oldest")).to_have_text("7\xa0hours")
    # Trust and safety is the first group of models, with reports and appeals side by side.
    expect(page.locator("#content-main .module caption").nth(1)).to_have_text("Trust and safety")
    page.screenshot(path=str(SCREENSHOTS / "admin_home--index.png"), full_page=True)

    reports.get_by_role("link", name="Open reports").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(6)
    expect(page.locator("#changelist-filter li.selected a", has_text="Open")).to_be_visible()

    page.goto(f"{live_server.url}/admin/creators/video/{reported.pk}/change/")
    player = page.get_by_test_id("admin-player")
    expect(player).to_be_visible()
    page.wait_for_function("() => document.querySelector('[data-testid=admin-player]').readyState >= 1")
    assert page.evaluate("document.querySelector('[data-testid=admin-player]').duration") == pytest.approx(
        3, abs=0.2
    )
    assert page.evaluate("document.querySelector('[data-testid=admin-poster]').naturalWidth") == 320
    internals = page.locator("details", has_text="Processing (pipeline internals, read-only)")
    expect(internals).not_to_have_attribute("open", "")
    expect(page.get_by_text("Work heartbeat at")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "admin_home--video-change.png"), full_page=True)
    context.close()
