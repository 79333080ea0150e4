"""benchmark_delivery and benchmark_playback on a short, small clip: each runs, prints one JSON line with
every figure, and the figures are sane (no timing goals asserted: the machine's load decides those)."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command

from tests.workers import ROOT, clean_environ


def test_benchmark_delivery_prints_one_json_line_of_sane_figures():
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "benchmark_delivery", "--seconds", "2", "--size", "540x960", "--repeat", "1", stdout=out, stderr=err
    )

    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, err.getvalue()[-3000:]
    report = json.loads(lines[0])
    assert report["benchmark"] == "delivery"
    assert report["clip"] == "2s 540x960 30fps h264/aac"
    assert report["rungs"] == ["360x640", "540x960"]
    assert report["runs"] == 1
    assert report["video_frames"] == 60
    assert report["a_single_rendition_publish_s"] > 0
    assert report["b_ladder_publish_s"] > 0
    # Rounded medians on both sides of the division: equal to a thousandth or two.
    ratio = report["b_ladder_publish_s"] / report["a_single_rendition_publish_s"]
    assert abs(report["b_over_a"] - ratio) < 0.005
    assert report["rung_bytes"]["v360"] < report["rung_bytes"]["v540"]
    assert report["single_bytes"] > 0


@pytest.mark.browser
@pytest.mark.processes
def test_benchmark_playback_plays_both_in_chromium_and_prints_one_json_line(tmp_path):
    """In a fresh process, as a clone runs it: its own throwaway database, gunicorn and Chromium."""
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark_playback", "--seconds", "4", "--size", "540x960",
         "--repeat", "1", "--watch", "2"],
        cwd=ROOT, env={**clean_environ(), "JOYREEL_VAR_DIR": str(tmp_path / "var")},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stderr[-3000:]
    report = json.loads(lines[0])
    assert report["benchmark"] == "playback"
    assert report["clip"] == "4s 540x960 30fps h264/aac"
    assert report["viewport"] == "390x844@3x"
    assert report["rungs"] == ["360x640", "540x960"]
    assert report["engines"] == {
        "hls": ["hls.js"],
        "hls_cold": ["hls.js"],
        "hls_saver": ["hls.js"],
        "mp4": ["file"],
    }
    for kind in ("hls", "hls_cold", "hls_saver", "mp4"):
        assert report["ttff_s"][kind] is not None, result.stderr[-3000:]
        assert report["ttff_s"][kind] > 0
        assert report["bytes_first_2s"][kind] > 0
        assert len(report["rebuffers_after_first_frame"][kind]) == 1
    assert abs(report["ttff_hls_over_mp4"] - report["ttff_s"]["hls"] / report["ttff_s"]["mp4"]) < 0.005
    ratio = report["bytes_first_2s"]["hls"] / report["bytes_first_2s"]["mp4"]
    assert abs(report["bytes_hls_over_mp4"] - ratio) < 0.005
    ratio = report["bytes_first_2s"]["hls_saver"] / report["bytes_first_2s"]["mp4"]
    assert abs(report["bytes_hls_saver_over_mp4"] - ratio) < 0.005
    assert (report["ttff_goal"], report["bytes_goal"], report["unthrottled_top_goal_s"]) == (0.5, 0.4, 4.0)
    # Unthrottled at 3x the top rung (540 px here) is the one that fits; the player asks for it.
    assert report["unthrottled_top_rung_segment_s"] is not None
