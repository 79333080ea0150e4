"""Every admin changelist fits a 1280×800 screen: no results table wider than the area that holds it, so no
column a moderator needs is cut off. The measured widths are written to test-artifacts/admin-widths.json."""

import json

import pytest
from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import Browser, ViewportSize

from tests.admin_world import admin_world_create
from tests.e2e.admin_helpers import LAPTOP, admin_log_in
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

PHONE: ViewportSize = {"width": 390, "height": 844}
WIDTHS = SCREENSHOTS.parent / "admin-widths.json"

MEASURE = """() => {
    const table = document.querySelector('#result_list');
    if (!table) return null;
    const box = table.parentElement;
    const columns = Object.fromEntries([...table.querySelectorAll('thead th')].map(
        (th) => [[...th.classList].find((name) => name.startsWith('column-')) || 'checkbox', Math.round(th.getBoundingClientRect().width)]));
    return {table: table.scrollWidth, container: box.clientWidth, page: document.documentElement.scrollWidth,
            height: document.documentElement.scrollHeight, columns};
}"""


def changelists() -> list[tuple[str, str]]:
    return [
        (model._meta.label, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        for model in admin.site._registry
    ]


def test_every_changelist_fits_a_laptop_screen(live_server, browser: Browser):
    world = admin_world_create()
    context = browser.new_context(viewport=LAPTOP, device_scale_factor=1)
    page = context.new_page()
    admin_log_in(page, live_server.url, world.superuser.email)
    measured: dict[str, dict[str, int]] = {}
    for label, url in changelists():
        page.goto(f"{live_server.url}{url}")
        widths = page.evaluate(MEASURE)
        assert widths is not None, f"{label}: no results table at {url}"
        measured[label] = widths
    WIDTHS.parent.mkdir(parents=True, exist_ok=True)
    WIDTHS.write_text(json.dumps(measured, indent=2, sort_keys=True))
    print(json.dumps(measured, indent=2, sort_keys=True))  # noqa: T201  (quoted from the test's output)
    for name in (
        "platform.User",
        "creators.Video",
        "creators.Report",
        "creators.Appeal",
        "creators.Decision",
        "businesses.Promotion",
    ):
        label_url = dict(changelists())[name]
        page.goto(f"{live_server.url}{label_url}")
        page.screenshot(path=str(SCREENSHOTS / f"admin_lists--{name}.png"), full_page=True)
    context.close()
    overflowing = {
        label: [widths["table"], widths["container"], widths["columns"]]
        for label, widths in measured.items()
        if widths["table"] > widths["container"] or widths["page"] > LAPTOP["width"]
    }
    assert overflowing == {}


def test_changelists_are_usable_on_a_phone(live_server, browser: Browser):
    world = admin_world_create()
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    admin_log_in(page, live_server.url, world.superuser.email)
    page.screenshot(path=str(SCREENSHOTS / "admin_lists--phone-home.png"), full_page=True)
    for name in ("creators.Report", "creators.Appeal"):
        page.goto(f"{live_server.url}{dict(changelists())[name]}")
        assert page.evaluate(MEASURE) is not None
        page.screenshot(path=str(SCREENSHOTS / f"admin_lists--phone-{name}.png"), full_page=True)
    # The page itself never scrolls sideways; only the results table may, inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
