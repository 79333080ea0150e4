"""The benchmarks run on a fresh clone: a new process, no var/ folder, no migrated database."""

import json
import subprocess
import sys

import pytest

from tests.workers import ROOT, clean_environ

pytestmark = pytest.mark.processes

# What a developer's shell or CI may point elsewhere; the fresh clone has none of it.
CONFIGURED = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "MEDIA_ROOT", "UPLOAD_PARTS_DIR")


FEED_SIZES = ["--videos", "200", "--viewers", "20", "--signals", "500", "--requests", "5", "--ingest-batches", "2"]  # fmt: skip
RECOMMENDATION_SIZES = ["--videos", "60", "--creators", "10", "--viewers", "3"]
PROMOTION_SIZES = ["--videos", "400", "--promotions", "20", "--adults", "60", "--minors", "20", "--pages", "80", "--threads", "2"]  # fmt: skip


@pytest.mark.parametrize(
    ("command", "sizes"),
    [
        ("benchmark_feed", FEED_SIZES),
        ("benchmark_recommendation", RECOMMENDATION_SIZES),
        ("benchmark_promotions", PROMOTION_SIZES),
    ],
)
def test_a_benchmark_runs_without_a_development_database_and_leaves_none(tmp_path, command, sizes):
    var = tmp_path / "var"  # does not exist yet, as in a fresh clone
    development_database = var / "joyreel.sqlite3"
    env = {key: value for key, value in clean_environ().items() if key not in CONFIGURED}
    env |= {
        "DJANGO_SETTINGS_MODULE": "platform.settings.local",
        "JOYREEL_VAR_DIR": str(var),
        # Explicit, so that a developer's .env cannot point the run at a real database.
        "DATABASE_URL": f"sqlite:///{development_database}",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", command, *sizes],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    line = result.stdout.strip().splitlines()[-1]
    report = json.loads(line)
    assert report["benchmark"] == command.removeprefix("benchmark_")
    assert report["database"] == "sqlite"
    assert report["videos"] == int(sizes[1])
    if command == "benchmark_feed":
        # The request alone, then with the plain insert: each a ceiling, the second the lower.
        assert report["empty_batch_p50_ms"] > 0
        assert (
            report["ingest_request_ceiling_signals_per_s"]
            >= report["ingest_request_and_insert_ceiling_signals_per_s"]
            > 0
        )
    if command == "benchmark_promotions":
        # What must be zero is zero, and slots were served and charged at all.
        assert report["sponsored_slots_served"] > 0
        assert report["impressions_charged"] == report["sponsored_slots_served"]
        for must_be_zero in (
            "sponsored_to_minors",
            "sponsored_to_anonymous",
            "max_overspend_cents",
            "frequency_cap_violations",
        ):
            assert report[must_be_zero] == 0, must_be_zero
    # The development database was never created, and the throwaway one is gone.
    assert not development_database.exists()
    assert sorted(path.name for path in var.glob("*.sqlite3*")) == []
