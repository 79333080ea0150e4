"""``benchmark_http`` on a tiny world, in a fresh process as a clone runs it: gunicorn with two
workers, driven by wrk (read-only) and Locust (mixed), against the configured database (PostgreSQL in CI).

wrk is a system package (``make test`` installs it): without it these tests fail, never skip."""

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.workers import ROOT, clean_environ, redis_server

pytestmark = pytest.mark.processes

TINY = [
    "--videos", "400", "--viewers", "120", "--signals", "2000", "--users", "6",
    "--seconds", "6", "--baseline-seconds", "2", "--wrk-seconds", "2", "--connections", "4",
]  # fmt: skip


@pytest.mark.parametrize("pools", ["per-process", "redis"])
def test_the_site_serves_feeds_signals_videos_and_profiles_over_http_without_errors(tmp_path, pools):
    env = {**clean_environ(), "JOYREEL_VAR_DIR": str(tmp_path / "var")}
    with redis_server() as redis:
        # Empty: each worker its own catalog, even when the broker is Redis (CI).
        env["FEED_POOLS_URL"] = redis.url if pools == "redis" else ""
        report, _ = _run(env)
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
    # The read-only phase: wrk answered on both paths over the same connections, without an error.
    assert (report["connections"], report["wrk_seconds"], report["wrk_errors"]) == (4, 2, 0)
    assert report["wrk_healthz_rps"] > 0
    assert report["wrk_for_you_rps"] > 0
    assert report["wrk_for_you_p99_ms"] >= report["wrk_for_you_p50_ms"] > 0
    # From the unrounded rates: the rounded ones give it to within a rounding.
    ratio = report["wrk_for_you_rps"] / report["wrk_healthz_rps"]
    assert report["for_you_over_healthz"] == pytest.approx(ratio, rel=0.01)
    assert "profile" not in report


def test_profile_prints_the_top_functions_of_served_for_you_pages(tmp_path):
    env = {**clean_environ(), "JOYREEL_VAR_DIR": str(tmp_path / "var"), "FEED_POOLS_URL": ""}
    report, stderr = _run(env, "--profile", "--profile-pages", "6")
    assert report["errors"] == report["wrk_errors"] == 0
    profile = report["profile"]
    assert profile["pages"] == 6
    # Nested as served: the page holds the For You selector, the serializer and the rendering.
    assert profile["page_ms"] > profile["feed_for_you_ms"] > 0
    assert profile["page_ms"] > profile["serialize_ms"] > 0
    assert profile["page_ms"] > profile["render_ms"] > 0
    assert "6 For You pages served with cProfile on, by internal time" in stderr
    assert "the same pages, by cumulative time" in stderr
    assert "feed_for_you" in stderr


def test_a_missing_wrk_stops_the_run_before_anything_is_built(tmp_path):
    var = tmp_path / "var"
    env = {**clean_environ(), "JOYREEL_VAR_DIR": str(var), "JOYREEL_WRK": str(tmp_path / "no-wrk")}
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark_http", *TINY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert f"JOYREEL_WRK names {tmp_path / 'no-wrk'}, which is not an executable wrk binary." in result.stderr
    assert result.stdout == ""  # no report
    assert not list(var.glob("benchmark_http*"))  # no throwaway database was made


def _run(env: dict[str, str], *extra: str) -> tuple[dict[str, Any], str]:
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark_http", *TINY, *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report, result.stderr


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
