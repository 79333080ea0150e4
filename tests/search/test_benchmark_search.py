"""benchmark_search at a tiny size: it runs, prints one JSON line with every figure, the figures are sane
(no timing assertions), and it wrote nothing into the test's own database."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from creators.models import Video
from devtools.bench.search import misspell, ndcg_at, recall_at
from feeds.search.models import VideoDocument

TINY = ["--videos", "300", "--runs", "20", "--queries", "20"]
TIMED = ("p50_ms", "p99_ms", "max_ms", "runs")
KEYS = (
    "benchmark", "database", "videos", "seed_s", "index_videos_per_s", "search", "suggest", "icontains",
    "queries_per_search", "queries_per_suggest", "ndcg_at_10", "recall_at_10", "icontains_ndcg_at_10",
    "icontains_recall_at_10", "ndcg_over_icontains", "search_p99_over_goal", "suggest_p99_over_goal",
    "publish_to_found_ms",
)  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_test_database_settings_kept")
def test_benchmark_search_prints_one_json_line_of_sane_figures():
    out, err = io.StringIO(), io.StringIO()

    call_command("benchmark_search", *TINY, stdout=out, stderr=err)

    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, err.getvalue()[-3000:]
    report = json.loads(lines[0])
    assert set(KEYS) <= set(report)
    assert report["benchmark"] == "search"
    assert report["database"] == connection.vendor
    assert report["videos"] == 300
    # A few removed or unpublished ones are left out of the index; mature and private ones are in it.
    assert 280 <= report["indexed_documents"] < 300
    assert report["labelled_queries"] == 20
    assert report["index_videos_per_s"] > 0
    for name in ("search", "suggest", "icontains", "search_selector"):
        assert set(TIMED) <= set(report[name])
        assert report[name]["runs"] == 20
        assert 0 < report[name]["p50_ms"] <= report[name]["p99_ms"] <= report[name]["max_ms"]
    for name in ("ndcg_at_10", "recall_at_10", "icontains_ndcg_at_10", "icontains_recall_at_10"):
        assert 0 <= report[name] <= 1
    by_kind = report["recall_at_10_by_kind"]
    assert set(by_kind) == {"caption", "hashtag", "creator", "misspelt", "accent_free"}
    # icontains finds no typo, and München typed without its umlaut only where a hashtag spells it so
    # (#fussball); our search forgives both.
    assert by_kind["misspelt"]["icontains"] == 0
    assert by_kind["misspelt"]["ours"] > 0
    assert by_kind["accent_free"]["ours"] > by_kind["accent_free"]["icontains"]
    assert by_kind["creator"]["ours"] > by_kind["creator"]["icontains"]  # names are not in captions
    assert report["recall_at_10"] > report["icontains_recall_at_10"]
    assert report["ndcg_over_icontains"] > 1
    assert 0 < report["queries_per_search"] <= 30
    assert 0 < report["queries_per_suggest"] <= 5
    assert report["publish_to_found_ms"] is not None
    assert 0 < report["publish_to_found_ms"] < 1000
    assert report["search_p99_over_goal"] == pytest.approx(report["search"]["p99_ms"] / 50, abs=0.001)
    assert report["suggest_p99_over_goal"] == pytest.approx(report["suggest"]["p99_ms"] / 15, abs=0.001)
    # The seeded rows lived in the throwaway database, which is gone: the test's own is untouched.
    assert not Video.objects.exists()
    assert not VideoDocument.objects.exists()


def test_ndcg_and_recall_count_a_first_page_against_what_it_could_hold():
    relevant = frozenset({1, 2, 3})
    assert ndcg_at([1, 2, 3, 9], relevant) == 1.0
    assert recall_at([1, 2, 3, 9], relevant) == 1.0
    assert ndcg_at([9, 1, 2, 3], relevant) < 1.0
    assert ndcg_at([], relevant) == recall_at([], relevant) == 0.0
    many = frozenset(range(100))
    assert recall_at(list(range(10)), many) == 1.0  # a page of 10 can hold at most 10 of them
    assert recall_at([5, 200, 300], frozenset({5, 6})) == 0.5


def test_misspell_changes_one_letter_and_keeps_the_first():
    import random

    rng = random.Random(1)
    for _ in range(50):
        typo = misspell("timelapse", rng)
        assert typo != "timelapse"
        assert typo[0] == "t"
        assert len(typo) in (8, 9)
