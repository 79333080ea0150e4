"""On a phone, a person downloads their data from the settings page, asks for their account to be deleted,
and changes their mind by logging in again."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from platform.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _log_in(page, url, email):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_download_then_delete_then_keep_the_account(live_server, page, screenshot, eager_tasks, tmp_path):
    user = UserFactory.create(email="sam@example.com", display_name="Sam Saver")
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/accounts/settings/")
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    _fits_the_phone(page)
    screenshot("settings-your-data")

    page.get_by_role("button", name="Download your data").click()
    link = page.get_by_role("link", name="Download your data")
    expect(link).to_be_visible()
    expect(page.get_by_text("The link works until")).to_be_visible()
    _fits_the_phone(page)
    screenshot("settings-download-ready")
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / "data.zip"
    download_info.value.save_as(saved)
    assert "platform/account.json" in zipfile.ZipFile(saved).namelist()

    page.get_by_role("link", name="Delete your account…").click()
    expect(page).to_have_url(re.compile(r"/accounts/delete/$"))
    _fits_the_phone(page)
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_label("I understand").check()
    screenshot("delete-filled")
    page.get_by_role("button", name="Delete my account in 14 days").click()
    expect(page.get_by_text("Your account will be deleted on")).to_be_visible()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    assert User.objects.get(pk=user.pk).deletion_requested_at is not None

    _log_in(page, live_server.url, user.email)
    expect(page.get_by_text("Welcome back. Your account will not be deleted.")).to_be_visible()
    screenshot("kept-after-login")
    assert User.objects.get(pk=user.pk).deletion_requested_at is None
