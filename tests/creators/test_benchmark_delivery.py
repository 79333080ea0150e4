"""benchmark_delivery on a short, small clip: it runs, prints one JSON line with every figure, and the
figures are sane (no timing goals asserted: the machine's load decides those)."""

import io
import json

from django.core.management import call_command


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
