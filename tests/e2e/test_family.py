"""Family pairing in two browsers on phones: the parent makes a code, the teen types it in, sees whose
account it is and confirms, the parent lowers the teen's daily limit to 30 minutes and the teen's
settings say so, and who set it."""

import re

import pytest
from playwright.sync_api import Page, expect

from platform.models import FamilyLink, User
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import log_in
from tests.factories import UserFactory, born_years_ago

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"test_family--{name}.png"), full_page=True)


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_parent_links_a_teen_and_lowers_their_daily_limit(live_server, browser):
    parent = UserFactory.create(email="pat@example.com", display_name="Pat", eligible_parent=True)
    teen = UserFactory.create(email="tia@example.com", display_name="Tia", date_of_birth=born_years_ago(14))

    parent_context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    parent_page = parent_context.new_page()
    log_in(parent_page, live_server.url, parent.email, "/accounts/settings/")
    parent_page.get_by_test_id("family-link").click()
    expect(parent_page.get_by_role("heading", name="Link a teen's account")).to_be_visible()
    parent_page.get_by_role("button", name="Create a code").click()
    code = parent_page.get_by_test_id("pairing-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    expect(parent_page.get_by_test_id("pairing-code-expiry")).to_contain_text("10 minutes")
    _fits_the_phone(parent_page)
    _shot(parent_page, "parent-code")

    teen_context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    teen_page = teen_context.new_page()
    log_in(teen_page, live_server.url, teen.email, "/family/")
    expect(teen_page.get_by_role("heading", name="Enter a code from your parent")).to_be_visible()
    teen_page.get_by_label("Code from your parent").fill("WRONG234")
    teen_page.get_by_role("button", name="Link to my parent").click()
    expect(teen_page.get_by_text("That code doesn't work.")).to_be_visible()
    teen_page.get_by_label("Code from your parent").fill(code.lower())
    teen_page.get_by_role("button", name="Link to my parent").click()
    # Whose code it is, before anything is linked: the parent's name and email.
    expect(teen_page.get_by_test_id("pairing-parent-email")).to_have_text("pat@example.com")
    expect(teen_page.get_by_test_id("pairing-parent-name")).to_have_text("Pat")
    _fits_the_phone(teen_page)
    _shot(teen_page, "teen-confirms-parent")
    assert not FamilyLink.objects.exists()
    teen_page.get_by_role("button", name="Yes, link to Pat").click()
    expect(teen_page.get_by_test_id("linked-to")).to_have_text("Linked to Pat")
    expect(teen_page.get_by_text("What you watch, like, share or search for")).to_be_visible()
    _fits_the_phone(teen_page)
    _shot(teen_page, "teen-linked")
    assert FamilyLink.objects.get().parent == parent

    parent_page.goto(f"{live_server.url}/family/")
    teen_panel = parent_page.get_by_test_id("linked-teen")
    expect(teen_panel.get_by_role("heading", name="Tia")).to_be_visible()
    expect(teen_panel.get_by_test_id("screen-time-week").get_by_role("listitem")).to_have_count(7)
    teen_panel.get_by_label("Daily screen-time limit (minutes)").fill("30")
    teen_panel.get_by_role("button", name="Save Tia's settings").click()
    expect(parent_page.get_by_text("Tia's settings are saved.")).to_be_visible()
    _fits_the_phone(parent_page)
    _shot(parent_page, "parent-teen-settings")
    assert User.objects.get(pk=teen.pk).daily_limit_minutes == 30

    teen_page.goto(f"{live_server.url}/accounts/settings/")
    expect(teen_page.get_by_test_id("daily-limit")).to_have_text("30 minutes · set by your parent")
    _shot(teen_page, "teen-settings")
    parent_context.close()
    teen_context.close()
