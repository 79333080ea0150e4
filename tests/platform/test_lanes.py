"""The fast lane stays inside the pytest process: a test in no lane that starts a process fails."""

import os
import subprocess
import sys

import imageio_ffmpeg
import pytest

from tests import lanes
from tests.workers import ROOT


@pytest.fixture
def refusals(request):
    """The refusals this test provokes on purpose, forgotten before its report is made."""
    yield request.node.stash.setdefault(lanes.VIOLATIONS, [])
    request.node.stash[lanes.VIOLATIONS].clear()


def test_a_test_in_no_lane_cannot_start_python(refusals):
    with pytest.raises(pytest.fail.Exception, match="is in no lane but starts"):
        subprocess.run([sys.executable, "-c", "pass"], check=False)
    assert len(refusals) == 1


@pytest.mark.parametrize("program", ["redis-server", "/usr/bin/chromium", "gunicorn", "make", "npm"])
def test_a_test_in_no_lane_cannot_start_a_server_a_browser_or_a_build(program, refusals):
    with pytest.raises(pytest.fail.Exception, match=program):
        subprocess.Popen([program, "--version"])


def test_refusals_are_no_exception_the_code_under_test_could_swallow(refusals):
    def careless():
        try:
            subprocess.run(["redis-server", "--port", "0"], check=False)
        except Exception:
            return "swallowed"
        return "started"

    with pytest.raises(pytest.fail.Exception):
        careless()


def test_forking_and_shelling_out_are_refused_too(refusals):
    with pytest.raises(pytest.fail.Exception):
        os.fork()
    with pytest.raises(pytest.fail.Exception):
        os.system("true")  # noqa: S605
    assert len(refusals) == 2


def test_a_refusal_caught_anyway_still_fails_the_test(request, refusals):
    refusals.append("tests/x.py::test_y is in no lane but starts 'redis-server'")
    report = pytest.TestReport(
        nodeid=request.node.nodeid, location=request.node.location, keywords={}, outcome="passed",
        longrepr=None, when="teardown",
    )  # fmt: skip
    lanes.fail_report_of_refused(request.node, report)
    assert report.outcome == "failed"
    assert "redis-server" in str(report.longrepr)


def test_ffmpeg_runs_in_every_lane_as_the_media_code_runs_it():
    result = subprocess.run(
        ["setpriv", "--pdeathsig", "KILL", "--", imageio_ffmpeg.get_ffmpeg_exe(), "-version"],
        capture_output=True,
        check=True,
    )
    assert result.stdout.startswith(b"ffmpeg version")


def test_the_fixtures_that_start_processes_put_their_tests_in_a_lane(request):
    assert lanes.lanes_of(["page", "db"]) == {"browser"}
    assert lanes.lanes_of(["stripe_local", "localstripe"]) == {"stripe"}
    assert lanes.lanes_of(["s3_media", "s3_server"]) == {"s3"}
    assert lanes.lanes_of(["client", "live_server", "clips"]) == set()
    # This test runs in no lane: every lane's fixture would have put it in one.
    assert not lanes.in_a_lane(request.node)


def test_make_test_fast_deselects_every_lane():
    assert lanes.FAST_LANE == "not browser and not processes and not stripe and not s3"
    [line] = [line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("test-fast:")]
    # It needs the Python packages only: no system package, no npm (Babel, a Python package, compiles the
    # translations).
    assert line == "test-fast: $(STAMP) translations"
    assert f'-m "{lanes.FAST_LANE}"' in (ROOT / "Makefile").read_text()


def test_each_xdist_worker_has_its_own_redis_database_for_celery():
    from django.core.exceptions import ImproperlyConfigured

    from platform.settings.test import redis_database_for_worker

    assert redis_database_for_worker("redis://127.0.0.1:6379/0", worker="gw0") == "redis://127.0.0.1:6379/0"
    assert redis_database_for_worker("redis://127.0.0.1:6379/0", worker="gw1") == "redis://127.0.0.1:6379/1"
    assert redis_database_for_worker("redis://:pw@redis:6379", worker="gw2") == "redis://:pw@redis:6379/2"
    with pytest.raises(ImproperlyConfigured):
        redis_database_for_worker("redis://127.0.0.1:6379/10", worker="gw6")
