"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import fcntl
import os
import subprocess
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("JOYREEL_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    # Playwright's sync API runs an event loop in the test thread; the ORM calls
    # the tests make from that thread are still synchronous and safe.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    """Browser tests end with requests in flight (a closing page's signal beacon, the studio's
    status polling). Before any fixture is torn down, the live server stops taking requests and
    finishes those it has, or the transactional flush may deadlock them on PostgreSQL."""
    from tests import inflight

    if "live_server" in getattr(item, "fixturenames", ()):
        inflight.close_and_wait()
    try:
        return (yield)
    finally:
        inflight.reopen()


@pytest.fixture(scope="session", autouse=True)
def _front_end_libraries():
    """The npm libraries the pages load (static/vendor/, gitignored): `make test` copies them through
    `make install`; a bare `pytest` gets the same from `make vendor`, which does nothing when current.
    xdist workers take turns: two `npm ci` at once in one folder break each other."""
    root = SCREENSHOTS.parents[1]
    SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    with (SCREENSHOTS.parent / "vendor.lock").open("w") as lock:  # test-artifacts/ is gitignored
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["make", "--silent", "vendor"], cwd=root, check=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: `make test` installs it as root; otherwise run"
            " `sudo apt-get install chromium` or set JOYREEL_CHROMIUM (browser tests are never skipped)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot named after the test and a step; returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(step: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}--{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
