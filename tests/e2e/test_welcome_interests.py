"""A new viewer signs up on a phone, picks STEM in "What do you enjoy?" with the keyboard, and For You
opens with STEM among its first five videos."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from feeds.models import InterestProfile
from platform.models import User
from tests.clips import Clips
from tests.e2e.helpers import PHONE, with_rendition
from tests.factories import born_years_ago
from tests.welcome.world import world_build

pytestmark = pytest.mark.django_db(transaction=True)


def test_new_viewer_picks_stem_and_gets_stem_in_the_first_five(
    live_server, page, screenshot, clips: Clips, settings
):
    world = world_build()
    for video in world.stem_videos:
        with_rendition(video, clips.portrait, Path(settings.MEDIA_ROOT))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Display name").fill("Ada")
    page.get_by_label("Date of birth").fill(born_years_ago(15).isoformat())  # a teen: the same step
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("Region").fill("DE-BE")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_label("Password again").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/welcome/interests$"))
    expect(page.get_by_role("heading", name="What do you enjoy?")).to_be_visible()
    stem = page.get_by_role("checkbox", name="STEM")
    stem.focus()
    page.keyboard.press("Space")  # real checkboxes: the keyboard picks
    expect(stem).to_be_checked()
    screenshot("welcome-topics")
    # The chips wrap inside the phone's width.
    panel = page.locator("section.welcome").bounding_box()
    assert panel is not None
    assert panel["x"] >= 0
    assert panel["x"] + panel["width"] <= PHONE["width"]
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("checkbox", name="#physics")).to_be_visible()
    expect(page.get_by_role("checkbox", name="STEM")).to_be_checked()
    expect(page.get_by_text("#spicy")).to_have_count(0)  # a mature video's hashtag is never suggested
    screenshot("welcome-hashtags")
    page.get_by_role("button", name="Start watching").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    screenshot("welcome-for-you")
    first_five = json.loads(page.locator("#feed-items").text_content() or "[]")[:5]
    assert sum(item["video"]["topics"] == ["stem"] for item in first_five) >= 2
    user = User.objects.get(email="ada@example.com")
    assert set(InterestProfile.objects.get(user=user).weights["t"]) == {str(world.stem.pk)}
