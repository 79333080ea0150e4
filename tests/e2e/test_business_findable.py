"""A business finds its way: from the header's account menu to its dashboard, from the studio's and the
player's "Promote" to the promotion form with that video chosen; the phone's header keeps every
control on screen with a long name and unread notifications. A teen refused the dashboard reads why."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from platform import notifications
from platform.models import Notification
from tests.businesses.factories import BusinessFactory
from tests.clips import Clips
from tests.e2e.helpers import DESKTOP, PHONE, log_in, with_rendition
from tests.factories import CreatorFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db(transaction=True)

LONG_NAME = "Maximiliane Alexandra von Hohenzollern-Sigmaringen"


def _inside_the_viewport(locator: Locator, width: int, height: int) -> None:
    box = locator.bounding_box()
    assert box is not None, locator
    assert box["x"] >= 0, (locator, box)
    assert box["y"] >= 0, (locator, box)
    assert box["x"] + box["width"] <= width, (locator, box)
    assert box["y"] + box["height"] <= height, (locator, box)


def test_phone_header_fits_a_long_name_and_reaches_the_business(live_server, page, screenshot):
    business = BusinessFactory.create(creator__user__display_name=LONG_NAME, creator__handle="maxi_bakes")
    user = business.creator.user
    user.is_staff = True  # the fullest menu: Settings, Business, Admin, Log out
    user.save(update_fields=["is_staff"])
    for index in range(12):
        notifications.notify(user=user, kind=Notification.Kind.ACCOUNT, title=f"News {index}")
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, user.email, "/guidelines/")
    expect(page.get_by_role("heading", name="Community guidelines")).to_be_visible()

    header = page.locator("header.topbar")
    menu_button = page.get_by_test_id("account-menu")
    controls = [
        header.locator(".brand"),
        header.get_by_role("link", name="Studio"),
        header.get_by_role("link", name="Notifications, 12 unread"),
        header.locator(".topnav-bell-count"),
        menu_button,
    ]
    for control in controls:
        expect(control).to_be_visible()
        _inside_the_viewport(control, PHONE["width"], PHONE["height"])
    expect(header.locator(".topnav-bell-count")).to_have_text("12")
    # On a phone the header's search box has the name's room: the initial shows, and the whole name is
    # what a screen reader announces for the menu button.
    expect(menu_button).to_have_accessible_name(LONG_NAME)
    expect(header.get_by_test_id("header-search")).to_be_visible()
    _inside_the_viewport(header.get_by_test_id("header-search"), PHONE["width"], PHONE["height"])
    name = menu_button.locator(".account-name")
    assert name.evaluate("el => el.getBoundingClientRect().width") <= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("phone-header")

    menu_button.click()
    panel = page.get_by_test_id("account-menu-panel")
    expect(panel).to_be_visible()
    entries = [
        panel.get_by_role("link", name="Settings"),
        panel.get_by_role("link", name="Business"),
        panel.get_by_role("link", name="Admin"),
        panel.get_by_role("button", name="Log out"),
    ]
    for entry in entries:
        expect(entry).to_be_visible()
        _inside_the_viewport(entry, PHONE["width"], PHONE["height"])
    _inside_the_viewport(panel, PHONE["width"], PHONE["height"])
    screenshot("phone-menu-open")

    page.keyboard.press("Escape")  # closes, as a menu does
    expect(panel).to_be_hidden()
    menu_button.click()
    panel.get_by_role("link", name="Business").click()
    expect(page).to_have_url(f"{live_server.url}/business/")


def test_business_goes_from_header_and_studio_to_its_promotion(live_server, page, screenshot):
    business = BusinessFactory.create(creator__user__display_name="Bea Baker", creator__handle="bea_bakes")
    video = published_video(
        owner=business.creator, caption="Fresh rolls every morning", topics=("stem",), review="pending"
    )
    draft = published_video(owner=business.creator, caption="Not for everyone", visibility="followers")
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, business.creator.user.email, "/guidelines/")

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Business").click()
    expect(page).to_have_url(f"{live_server.url}/business/")

    page.get_by_test_id("account-menu").click()
    expect(page.get_by_test_id("account-menu-business")).to_be_visible()
    screenshot("desktop-menu-open")
    page.mouse.click(640, 600)  # a click elsewhere closes it
    expect(page.get_by_test_id("account-menu-panel")).to_be_hidden()

    page.goto(f"{live_server.url}/studio/")
    rows = page.locator(".studio-row")
    eligible = rows.filter(has_text="Fresh rolls every morning")
    expect(eligible.get_by_test_id("topic-review")).to_have_text("STEM: Waiting for review")
    expect(eligible.get_by_test_id("views")).to_have_text("0 views")
    expect(rows.filter(has_text="Not for everyone").get_by_test_id("promote")).to_have_count(0)
    screenshot("studio-list")
    page.set_viewport_size(PHONE)
    screenshot("studio-list-phone")
    page.set_viewport_size(DESKTOP)

    eligible.get_by_role("link", name="Promote").click()
    expect(page).to_have_url(re.compile(rf"/business/promotions/new\?video={video.public_id}$"))
    assert str(draft.public_id) not in page.url


def test_owner_promotes_from_the_player(live_server, page, screenshot, clips: Clips, settings):
    creator = CreatorFactory.create(handle="owner_here")
    video = with_rendition(
        published_video(owner=creator, caption="My shop"), clips.portrait, Path(settings.MEDIA_ROOT)
    )
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, creator.user.email, f"/v/{video.public_id}/")

    slide = page.locator(".feed-slide.is-current")
    promote = slide.get_by_test_id("promote-link")
    expect(promote).to_be_visible()
    _inside_the_viewport(promote, PHONE["width"], PHONE["height"])
    screenshot("player-promote")
    # The account menu opens over the player, not under it.
    page.get_by_test_id("account-menu").click()
    settings_link = page.get_by_test_id("account-menu-panel").get_by_role("link", name="Settings")
    box = settings_link.bounding_box()
    assert box is not None
    top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('[data-testid=account-menu-panel]') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert top
    screenshot("player-menu-open")
    page.keyboard.press("Escape")
    promote.click()
    # Not a business yet: the promotion form sends them to make the profile first, then back to it.
    expect(page.get_by_text("Create your business profile first")).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/business/?next=")
    assert f"video%3D{video.public_id}" in page.url


def test_teen_sees_no_promote_and_is_told_why_the_dashboard_is_closed(live_server, page, screenshot):
    teen = CreatorFactory.create(user__date_of_birth=born_years_ago(15), user__display_name="Tess")
    published_video(owner=teen, caption="Skate park")
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, teen.user.email, "/studio/")

    expect(page.locator(".studio-row")).to_have_count(1)
    expect(page.get_by_role("link", name="Promote")).to_have_count(0)
    page.get_by_test_id("account-menu").click()
    expect(page.get_by_test_id("account-menu-business")).to_have_count(0)

    response = page.goto(f"{live_server.url}/business/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="You can't open this page")).to_be_visible()
    expect(page.get_by_test_id("error-reason")).to_have_text(
        "Business accounts and promotions are for adults (18+)."
    )
    expect(page.locator("header.topbar")).to_be_visible()
    screenshot("teen-403-phone")
    page.set_viewport_size(DESKTOP)
    screenshot("teen-403-desktop")


def test_adult_creator_finds_the_business_offer_in_settings(live_server, page, screenshot):
    creator = CreatorFactory.create(user__display_name="Cara Creator")
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, creator.user.email, "/accounts/settings/")

    offer = page.get_by_test_id("become-business")
    expect(offer).to_be_visible()
    screenshot("settings-offer-phone")
    page.set_viewport_size(DESKTOP)
    screenshot("settings-offer-desktop")
    offer.get_by_role("link", name="Turn this into a business profile").click()
    expect(page).to_have_url(f"{live_server.url}/business/")
