"""The suite's lanes: which tests drive a browser or start processes, localstripe or the S3 server, and a
guard that keeps every other test inside the pytest process.

``make test-fast`` deselects the four lanes; the guard makes that honest. A test in no lane that starts a
program other than ffmpeg (the media code's own tool, from a Python package) fails, whichever way it is
run, so a new test that starts Chromium, Redis, gunicorn, a Celery worker or another Python is told to
say so with its lane's marker instead of slowing the fast lane down unseen.
"""

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import pytest

# Registered, with what each means, in pyproject.toml.
LANES = ("browser", "processes", "stripe", "s3")
FAST_LANE = " and ".join(f"not {lane}" for lane in LANES)

# The fixtures that start something outside this process, and the lane a test that uses one (directly
# or through another fixture) is in. A test that starts something itself carries its lane's marker.
FIXTURE_LANES = {
    # pytest-playwright's
    "browser_type": "browser",
    "launch_browser": "browser",
    "browser": "browser",
    "new_context": "browser",
    "context": "browser",
    "page": "browser",
    "localstripe": "stripe",  # tests/businesses/conftest.py
    "s3_server": "s3",  # tests/s3.py
    "redis_instance": "processes",  # tests/feeds/test_shared_pools.py
}

VIOLATIONS = pytest.StashKey[list[str]]()


def lanes_of(fixturenames: list[str] | tuple[str, ...]) -> set[str]:
    return {FIXTURE_LANES[name] for name in fixturenames if name in FIXTURE_LANES}


def in_a_lane(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(lane) for lane in LANES)


def mark_lanes(items: list[pytest.Item]) -> None:
    for item in items:
        for lane in sorted(lanes_of(getattr(item, "fixturenames", ()))):
            item.add_marker(lane)


def _program(args: Any) -> str:
    """The program an argv runs, looking through the media code's ``setpriv … --`` wrapper."""
    given = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
    argv: list[str] = [os.fsdecode(arg) for arg in given]
    if argv and Path(argv[0]).name == "setpriv" and "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    return argv[0] if argv else ""


def _allowed(program: str) -> bool:
    return os.path.realpath(program) == os.path.realpath(str(imageio_ffmpeg.get_ffmpeg_exe()))


@contextmanager
def processes_refused(item: pytest.Item) -> Iterator[None]:
    """While ``item`` runs (its fixtures too), starting a process other than ffmpeg fails it."""
    violations = item.stash.setdefault(VIOLATIONS, [])

    def refuse(what: str) -> None:
        message = (
            f"{item.nodeid} is in no lane but starts {what}: mark it with one of "
            f"{', '.join(LANES)} (see tests/lanes.py), or keep it inside this process"
        )
        violations.append(message)
        # Failed is no Exception: code under test that catches Exception cannot hide the refusal.
        pytest.fail(message, pytrace=True)

    real_execute_child = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def execute_child(self: subprocess.Popen[Any], args: Any, *rest: Any, **options: Any) -> Any:
        program = _program(args)
        if not _allowed(program):
            refuse(repr(program))
        return real_execute_child(self, args, *rest, **options)

    def fork() -> int:
        refuse("a forked process")
        return -1

    def system(command: str) -> int:
        refuse(repr(command))
        return -1

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess.Popen, "_execute_child", execute_child)
        patch.setattr(os, "fork", fork)
        patch.setattr(os, "system", system)
        yield


def guard(item: pytest.Item) -> Any:
    """Run a test's protocol (setup, call, teardown) under the guard unless it is in a lane."""
    if in_a_lane(item):
        return None
    return processes_refused(item)


def fail_report_of_refused(item: pytest.Item, report: pytest.TestReport) -> None:
    """A refusal the code under test swallowed (``except BaseException``) still fails the test."""
    violations = item.stash.get(VIOLATIONS, [])
    if report.when == "teardown" and violations and report.passed:
        report.outcome = "failed"
        report.longrepr = "\n".join(violations)
