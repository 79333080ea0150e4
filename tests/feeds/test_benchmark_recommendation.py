"""``benchmark_recommendation --case specific`` on a tiny world, in a fresh process as a clone runs it."""

import json
import subprocess
import sys

import pytest

from tests.workers import ROOT, clean_environ

pytestmark = pytest.mark.processes

CONFIGURED = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "MEDIA_ROOT", "UPLOAD_PARTS_DIR")
TINY = ["--viewers", "6", "--videos", "150", "--creators", "20", "--watched", "60", "--seed", "1"]
STRATEGIES = ("for_you", "for_you_picks", "oracle", "loops", "popular", "following", "random")


def run(tmp_path, case):
    env = {key: value for key, value in clean_environ().items() if key not in CONFIGURED}
    env |= {
        "DJANGO_SETTINGS_MODULE": "platform.settings.local",
        "JOYREEL_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'joyreel.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark_recommendation", "--case", case, *TINY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_specific_tastes_are_measured_for_every_strategy_and_the_loops_formula_beats_random(tmp_path):
    report = run(tmp_path, "specific")

    assert (report["benchmark"], report["case"], report["database"]) == (
        "recommendation",
        "specific",
        "sqlite",
    )
    assert (report["seed"], report["viewers"], report["videos"], report["watched"]) == (1, 6, 150, 60)
    # For You was taught through the API: every view sends an impression and at least one more event.
    assert report["signals"] >= 2 * 6 * 60
    for name in STRATEGIES:
        shares = report[name]
        assert set(shares) == {
            "match_share_at_10",
            "match_share_at_50",
            "match_share_at_200",
            "match_share_1_10",
            "match_share_11_50",
            "match_share_over_200",
            "match_share_drift",
            "coverage",
        }
        assert shares["match_share_at_200"] is None  # 60 watched videos cannot say what happens at 200
        for key in (
            "match_share_at_10",
            "match_share_at_50",
            "match_share_1_10",
            "match_share_11_50",
            "match_share_over_200",
            "match_share_drift",
        ):
            assert 0.0 <= shares[key] <= 1.0, (name, key)  # the drift window (videos 46–60) is measured
        assert 0.0 < shares["coverage"] <= 1.0
    # The formula learns something: it serves liked videos more often than chance does.
    assert report["loops"]["match_share_over_200"] > report["random"]["match_share_over_200"]
    # And For You, learning one outcome per view per hashtag, serves liked videos more often than the
    # formula does even in this tiny world, while a tenth of each page still explores.
    assert report["for_you"]["match_share_over_200"] > report["loops"]["match_share_over_200"]
    assert 0.1 <= report["exploration_share"] <= 1.0
    assert report["coverage"] == report["for_you"]["coverage"]
    assert report["for_you_over_loops_at_50"] == round(
        report["for_you"]["match_share_at_50"] / report["loops"]["match_share_at_50"], 2
    )
    for ratio in ("for_you_over_loops_drift", "for_you_over_popular_at_50"):
        assert report[ratio] > 0
    assert report["for_you_over_loops_at_200"] is None
    assert report["for_you_over_loops_1_200"] == round(
        report["for_you"]["match_share_over_200"] / report["loops"]["match_share_over_200"], 2
    )
    # The first minute, without the interests step and with it (the viewers picked their true tastes).
    for picks, name in (("without_picks", "for_you"), ("with_picks", "for_you_picks")):
        assert report["match_share_1_10"][picks] == report[name]["match_share_1_10"]
        assert report["match_share_11_50"][picks] == report[name]["match_share_11_50"]
        assert report["for_you_over_oracle_1_200"][picks] == round(
            report[name]["match_share_over_200"] / report["oracle"]["match_share_over_200"], 2
        )
        assert 0.0 < report["for_you_over_oracle_1_200"][picks] <= 1.0  # the oracle is the ceiling
    # Knowing each viewer's tastes, the oracle serves liked videos nearly always while it has them; a
    # viewer who said what they enjoy gets more of it in their first ten videos than one who did not.
    assert report["oracle"]["match_share_1_10"] >= 0.9
    assert report["match_share_1_10"]["with_picks"] > report["match_share_1_10"]["without_picks"]
    assert report["seconds"] >= 0


def test_both_cases_print_one_line_with_the_topic_viewers_under_their_old_keys(tmp_path):
    report = run(tmp_path, "both")

    assert (report["benchmark"], report["case"]) == ("recommendation", "both")
    topics, specific = report["topics"], report["specific"]
    assert "case" not in topics  # the default case's line is unchanged
    assert topics["videos"] == specific["videos"] == 150
    assert set(topics["for_you"]) >= {"after_10", "after_50", "after_200", "coverage", "exploration_share"}
    assert "for_you_vs_popular_match_after_50" in topics
    assert specific["loops"]["match_share_over_200"] is not None
