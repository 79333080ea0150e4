"""``benchmark_http`` on a tiny world, in a fresh process as a clone runs it: gunicorn with two
workers, driven by Locust, against the configured database (PostgreSQL in CI)."""

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.workers import ROOT, clean_environ, redis_server

pytestmark = pytest.mark.processes

TINY = [
    "--videos", "400", "--viewers", "120", "--signals", "2000", "--users", "6",
    "--seconds", "6", "--baseline-seconds", "2",
]  # fmt: skip


@pytest.mark.parametrize("pools", ["per-process", "redis"])
def test_the_site_serves_feeds_signals_videos_and_profiles_over_http_without_errors(tmp_path, pools):
    env = {**clean_environ(), "JOYREEL_VAR_DIR": str(tmp_path / "var")}
    with redis_server() as redis:
        # Empty: each worker its own catalog, even when the broker is Redis (CI).
        env["FEED_POOLS_URL"] = redis.url if pools == "redis" else ""
        report = _run(env)
    assert report["pools"] == pools
    assert (report["benchmark"], report["web_workers"], report["videos"]) == ("http", 2, 400)
    assert report["errors"] == 0
    assert report["requests"] > 0
    assert report["for_you_rps"] > 0
    assert report["for_you_p99_ms"] >= report["for_you_p50_ms"] > 0
    assert report["signals_per_s"] > 0  # stored in the database, counted there
    assert report["video_p99_ms"] > 0
    assert report["profile_p99_ms"] > 0
    assert report["healthz_rps"] > 0
    assert report["web_rss_mb_max"] > 20  # a real Django worker was measured


def _run(env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark_http", *TINY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_one_worker_is_refused():
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark_http", "--workers", "1"],
        cwd=ROOT,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Two or more workers" in result.stderr
