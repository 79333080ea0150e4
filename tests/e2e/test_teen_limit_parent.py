"""The young-users flow end to end, in two phones: a linked teen reaches the daily limit and the
player stops; their parent raises the limit on the family page; the teen's feed plays again."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from platform import age, family
from platform.models import ScreenTimeDay, User
from tests.clips import Clips
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import log_in, with_rendition
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db(transaction=True)

PHONE: ViewportSize = {"width": 390, "height": 844}


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"test_teen_limit_parent--{name}.png"), full_page=True)


def test_a_teen_at_the_limit_watches_again_once_the_parent_raises_it(
    live_server, browser: Browser, clips: Clips, settings
):
    for index in range(4):
        video = published_video(owner=CreatorFactory.create(), topics=("food",), caption=f"Dish {index}")
        with_rendition(video, clips.portrait, Path(settings.MEDIA_ROOT))
    parent = UserFactory.create(display_name="Pat", eligible_parent=True)
    teen = UserFactory.create(display_name="Tia", date_of_birth=born_years_ago(14), time_zone="Europe/Berlin")
    code = family.pairing_code_create(parent=parent)
    family.pairing_link(teen=teen, token=family.pairing_preview(teen=teen, code=code.code).token)
    family.family_teen_settings_set(
        parent=parent, teen=teen, daily_limit_minutes=15, is_restricted_mode=True, follow_policy="approved"
    )
    # Fifteen minutes and a few seconds watched today: the limit is reached.
    ScreenTimeDay.objects.create(user=teen, day=age.screen_time_day(user=teen), seconds=15 * 60 + 5)

    teen_context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    teen_page = teen_context.new_page()
    log_in(teen_page, live_server.url, teen.email, "/")
    limit = teen_page.get_by_test_id("screen-limit")
    expect(limit).to_be_visible()
    expect(limit.get_by_role("heading")).to_have_text("You've reached today's limit of 15 minutes")
    assert teen_page.locator("[data-testid=current-video]").count() == 0
    _shot(teen_page, "teen-at-limit")

    parent_context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    parent_page = parent_context.new_page()
    log_in(parent_page, live_server.url, parent.email, "/family/")
    panel = parent_page.get_by_test_id("linked-teen")
    expect(panel.get_by_role("heading", name="Tia")).to_be_visible()
    # The parent sees how long, never what: today's 15 minutes are on the week's chart.
    expect(panel.get_by_test_id("screen-time-week")).to_contain_text("15")
    panel.get_by_label("Daily screen-time limit (minutes)").fill("45")
    panel.get_by_role("button", name="Save Tia's settings").click()
    expect(parent_page.get_by_text("Tia's settings are saved.")).to_be_visible()
    assert User.objects.get(pk=teen.pk).daily_limit_minutes == 45
    _shot(parent_page, "parent-raised-limit")

    teen_page.reload()
    expect(teen_page.get_by_test_id("screen-limit")).to_be_hidden()
    teen_page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=current-video]');"
        " return Boolean(v && !v.paused && v.currentTime > 0); }",
        timeout=30_000,
    )
    teen_page.goto(f"{live_server.url}/accounts/settings/")
    expect(teen_page.get_by_test_id("daily-limit")).to_have_text("45 minutes · set by your parent")
    _shot(teen_page, "teen-settings")
    teen_context.close()
    parent_context.close()
