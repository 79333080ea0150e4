"""benchmark_comments at a tiny size: it runs, prints one JSON line with every figure, and the figures are
sane (no timing assertions). And what it made the first page's query keep: the viewer's own waiting
comments merged in order into pages read on the big video's index."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from creators.comments import selectors, services
from creators.comments.models import Comment
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video

TINY = ["--videos", "40", "--comments", "600", "--viewers", "4", "--runs", "5", "--for-you-pairs", "6"]
TIMED = ("p50_ms", "p99_ms", "max_ms", "runs")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_test_database_settings_kept")
def test_benchmark_comments_prints_one_json_line_of_sane_figures():
    out, err = io.StringIO(), io.StringIO()

    call_command("benchmark_comments", *TINY, stdout=out, stderr=err)

    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, err.getvalue()[-3000:]
    report = json.loads(lines[0])
    assert report["benchmark"] == "comments"
    assert report["database"] == connection.vendor
    assert report["videos"] == 40
    assert report["comments"] >= 600
    assert report["big_video_comments"] >= 60  # a tenth of them on one video
    assert 0 < report["replies"] < report["comments"] / 5
    pages = report["comment_page"]
    for order in ("top", "newest", "top_anonymous"):
        assert set(TIMED) <= set(pages[order])
        assert pages[order]["runs"] == 5
        assert 0 < pages[order]["p50_ms"] <= pages[order]["p99_ms"] <= pages[order]["max_ms"]
    assert pages["queries_constant"] is True
    for order in ("top", "newest"):
        assert pages["queries_per_page"][order]["big"] == pages["queries_per_page"][order]["small"]
        assert all(0 < count <= 4 for count in pages["queries_per_page"][order]["big"])
    posts = report["comment_post"]
    assert set(TIMED) <= set(posts)
    assert posts["statuses"] == {"201": 5}
    assert posts["per_second"] > 0
    for_you = report["for_you"]
    assert set(TIMED) <= set(for_you["with_counts"])
    assert set(TIMED) <= set(for_you["without_counts"])
    assert for_you["with_counts"]["runs"] == for_you["without_counts"]["runs"] == 6  # --for-you-pairs
    assert for_you["queries_per_page"] == for_you["queries_per_page_min"] == 3
    assert for_you["p99_ratio"] > 0
    assert for_you["p99_over_ms_all_pairs"] == pytest.approx(
        for_you["with_counts"]["p99_ms"] - for_you["without_counts"]["p99_ms"], abs=0.01
    )
    # 6 pairs in 3 blocks of 2: the difference quoted is the median block's.
    assert for_you["blocks"] == 3
    assert len(for_you["p99_over_ms_by_block"]) == 3
    assert for_you["p99_over_ms"] == sorted(for_you["p99_over_ms_by_block"])[1]
    # The seeded rows lived in the throwaway database, which is gone: the test's own is untouched.
    assert not Comment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["top", "newest"])
def test_own_waiting_comments_are_merged_in_order_across_pages(order):
    video = published_video(owner=CreatorFactory.create())
    creator = video.owner.user
    me = UserFactory.create()
    posted = []
    for number in range(7):
        author = me if number in (1, 5) else UserFactory.create()
        comment = services.comment_post(author=author, video=video, text=f"comment {number}")
        posted.append(comment)
    Comment.objects.filter(pk__in=[posted[1].pk, posted[5].pk]).update(state=Comment.State.PENDING)
    Comment.objects.filter(pk=posted[3].pk).update(score=50)
    services.comment_pin(creator=creator, comment=posted[0])
    viewer = viewer_for_user(me)

    def ids_of(who, size=2):
        pages, cursor = [], None
        while True:
            page = selectors.comment_page(video=video, viewer=who, order=order, cursor=cursor, size=size)
            pages.append([comment.pk for comment in page.comments])
            cursor = page.next_cursor
            if cursor is None:
                return pages

    mine = ids_of(viewer)
    everyone = ids_of(viewer_for_user(UserFactory.create()))
    flat_mine = [pk for page in mine for pk in page]
    flat_everyone = [pk for page in everyone for pk in page]
    assert flat_mine[0] == flat_everyone[0] == posted[0].pk  # pinned first, on the first page only
    assert posted[1].pk not in flat_everyone
    assert posted[5].pk not in flat_everyone
    assert sorted(flat_mine) == sorted([comment.pk for comment in posted])  # each once, none lost
    by_pk = {comment.pk: comment for comment in Comment.objects.filter(video=video)}
    rest = [by_pk[pk] for pk in flat_mine[1:]]
    if order == "top":
        assert [c.pk for c in rest] == [
            c.pk for c in sorted(rest, key=lambda c: (c.score, c.pk), reverse=True)
        ]
    else:
        assert [c.pk for c in rest] == [
            c.pk for c in sorted(rest, key=lambda c: (c.created_at, c.pk), reverse=True)
        ]
