"""What the admin's browser tests share: the laptop screen the admin is checked at, and logging in to it."""

from playwright.sync_api import Page, ViewportSize

from tests.factories import TEST_PASSWORD

LAPTOP: ViewportSize = {"width": 1280, "height": 800}


def admin_log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/admin/")
