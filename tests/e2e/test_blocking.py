"""On a phone: mute and unmute from a profile, block after a confirm step, unblock from account settings."""

import re

import pytest
from playwright.sync_api import expect

from platform.models import Block, Mute
from tests.factories import TEST_PASSWORD, CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db(transaction=True)


def test_mute_block_and_unblock_from_settings(live_server, page, screenshot):
    them = CreatorFactory.create(
        handle="noisy.neighbour", display_name="Noisy Neighbour", bio="Loud videos, every day."
    )
    for topic in ("comedy", "music"):
        published_video(owner=them, topics=(topic,))
    me = UserFactory.create(email="viewer@example.com", display_name="Vera Viewer")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("viewer@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main").get_by_test_id("account-menu")).to_contain_text(
        "Vera Viewer"
    )

    page.goto(f"{live_server.url}/@noisy.neighbour/")
    expect(page.get_by_role("button", name="Follow")).to_be_visible()
    expect(page.get_by_test_id("mute")).to_be_visible()
    expect(page.get_by_test_id("block")).to_be_visible()
    # the buttons fit on the phone's width: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("profile-buttons")

    page.get_by_test_id("mute").click()
    expect(page.get_by_text("their videos no longer show in your feeds")).to_be_visible()
    expect(page.get_by_test_id("unmute")).to_be_visible()
    assert Mute.objects.filter(muter=me, muted=them.user).exists()
    screenshot("profile-muted")
    page.get_by_test_id("unmute").click()
    expect(page.get_by_test_id("mute")).to_be_visible()
    assert not Mute.objects.exists()

    page.get_by_test_id("block").click()
    expect(page.get_by_role("heading", name="Block @noisy.neighbour?")).to_be_visible()
    expect(
        page.get_by_text("They can't see your profile or your videos, and can't follow you.")
    ).to_be_visible()
    assert not Block.objects.exists()  # asking wrote nothing
    screenshot("block-confirm")
    page.get_by_role("button", name="Block @noisy.neighbour").click()
    expect(page.get_by_role("heading", name="You blocked @noisy.neighbour")).to_be_visible()
    expect(page.get_by_test_id("profile-video")).to_have_count(0)
    assert Block.objects.filter(blocker=me, blocked=them.user).exists()
    screenshot("profile-blocked")

    page.get_by_role("link", name="Blocked and muted accounts").click()
    expect(page).to_have_url(re.compile(r"/accounts/settings/#blocked-and-muted$"))
    section = page.get_by_test_id("blocked-and-muted")
    expect(section.get_by_text("@noisy.neighbour")).to_be_visible()
    screenshot("settings-blocked")
    section.get_by_role("button", name="Unblock").click()
    expect(page.get_by_text("You unblocked @noisy.neighbour.")).to_be_visible()
    expect(page.get_by_text("You haven't blocked anyone.")).to_be_visible()
    assert not Block.objects.exists()

    page.goto(f"{live_server.url}/@noisy.neighbour/")
    expect(page.get_by_test_id("profile-video")).to_have_count(2)
