"""benchmark_analytics at a tiny size: it runs, prints its figures, and the dashboard's numbers agree with a
recount of the raw signals and the views it generated."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from feeds.models import Signal

pytestmark = pytest.mark.django_db(transaction=True)

TINY = ["--events", "20000", "--videos", "300", "--creator-videos", "30", "--viewers", "500", "--days", "10",
        "--requests", "20", "--raw-repeats", "1"]  # fmt: skip
FIGURES = (
    "events", "creator_events", "creator_share", "videos", "viewers", "days", "seed_seconds", "rollup_seconds",
    "rollup_events_per_s", "baseline_group_by_events_per_s", "rollup_vs_group_by_ratio",
    "dashboard_p50_ms", "dashboard_p99_ms", "overview_28_p50_ms", "overview_365_p99_ms", "video_28_p50_ms",
    "audience_28_p99_ms", "queries_per_dashboard_max", "raw_overview_p50_ms", "dashboard_speedup_vs_raw",
    "recount_mismatches", "database",
)  # fmt: skip


@pytest.mark.usefixtures("_test_database_settings_kept")
def test_benchmark_analytics_recounts_every_dashboard_number_without_a_mismatch():
    out, err = io.StringIO(), io.StringIO()

    call_command("benchmark_analytics", *TINY, stdout=out, stderr=err)

    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["recount_mismatches"] == 0, err.getvalue()[-3000:]
    for figure in FIGURES:
        assert figure in report, figure
    assert report["benchmark"] == "analytics"
    assert report["database"] == connection.vendor
    assert report["events"] >= 20000
    assert 0 < report["creator_events"] < report["events"]
    assert report["requests"] == 20
    assert report["days"] == 10
    assert report["rollup_days"] == 10
    assert 0 < report["queries_per_dashboard_max"] <= 10
    # The seeded rows lived in the throwaway database, which is gone: the test's own is untouched.
    assert not Signal.objects.exists()
