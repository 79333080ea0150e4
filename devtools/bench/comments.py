"""Benchmark the conversation at 100k videos and 2M comments (10% replies, one video with 200k).

Measures, in a throwaway database of the configured engine (created and dropped here):
- the first page of comments, top and newest, on the 200k-comment video through
  ``creators.comments.selectors.comment_page`` (as a signed-in viewer: their likes and their own
  waiting comments are part of the query), and its queries against a small video's;
- posting a comment through the API (``POST /api/v1/videos/<id>/comments``) with every check the
  service makes, and the interest signal recorded after commit;
- the For You page with the comment, like and share counts on its items against the same run without
  them (the three columns left out of the page's query and the items), and its queries.
Prints one JSON line.
"""

from __future__ import annotations

import datetime
import functools
import gc
import json
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.core.management.base import OutputWrapper
from django.core.management.color import no_style
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from creators.comments import rules
from creators.comments.models import Comment
from creators.comments.selectors import comment_page
from creators.models import CreatorProfile, Topic, Video, VideoTopic
from devtools.bench.feed import latency_ms as _ms
from devtools.bench.feed import learned_weights, percentile
from devtools.bench.feed_setup import bench_video, feeds_throwaway_database, unthrottled
from feeds import selectors as feed_selectors
from feeds.api import serializers as feed_serializers
from feeds.catalog import catalog_get, catalog_reset
from feeds.models import InterestProfile
from platform.bulk import rows_insert
from platform.models import User
from platform.viewer import viewer_for_user

PHRASES = (
    "This made my day", "How did you film this?", "Love the colours", "Which song is this?",
    "Tried it at home and it worked", "The ending got me", "More of these please", "So calm to watch",
    "I didn't know that", "Great explanation, thank you", "Where is this place?", "Watched it five times",
)  # fmt: skip
COMMENT_COLUMNS = (
    "id", "video_id", "author_id", "parent_id", "text", "state", "is_watched_match", "is_pinned", "like_count",
    "reply_count", "creator_reply_count", "score", "created_at", "edited_at",
)  # fmt: skip
REPLY_SHARE = 0.10
BIG_SHARE = 0.10
FOR_YOU_BLOCKS = 5  # For You's with/without pairs are compared block by block (``for_you``)  # the big video's share of all comments (200k of 2M)
# A few comments are not visible: waiting for review or the creator's approval, hidden, deleted.
STATES = (
    [Comment.State.VISIBLE] * 196 + [Comment.State.PENDING, Comment.State.HELD, Comment.State.HIDDEN, Comment.State.DELETED]
)  # fmt: skip


def _timed(run: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return times


@contextmanager
def without_counts() -> Iterator[None]:
    """The For You page as it was before the counts: the three columns out of the page's query, the three
    keys out of each item."""
    fields = tuple(name for name in feed_selectors.PAGE_FIELDS if name not in feed_selectors.COUNT_FIELDS)
    with (
        mock.patch.object(feed_selectors, "PAGE_FIELDS", fields),
        mock.patch.object(feed_serializers, "action_counts", return_value={}),
    ):
        yield


class CommentsBenchmark:
    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper, options: dict[str, Any]) -> None:
        self.stdout, self.stderr, self.options = stdout, stderr, options
        self.rng = random.Random(24)

    def note(self, message: str) -> None:
        self.stderr.write(f"[benchmark_comments] {message}")

    def handle(self) -> None:
        options = self.options
        with (
            feeds_throwaway_database("benchmark-comments", keep=options["keep"]) as database,
            override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False),
            unthrottled("comments"),  # the service's own limits (10 a minute per account) still apply
        ):
            result = self.run()
        if options["keep"]:
            self.stderr.write(f"kept database {database}")
        self.stdout.write(json.dumps(result))

    # --- seeding ----------------------------------------------------------------------------------

    def seed(self) -> dict[str, Any]:
        options, rng = self.options, self.rng
        now = timezone.now()
        began = time.perf_counter()
        n_videos, n_comments = max(2, options["videos"]), max(20, options["comments"])
        big_count = max(10, round(n_comments * BIG_SHARE))
        creator_count = max(10, n_videos // 50)
        born = now.date().replace(year=1990)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"creator{i}@bench.invalid",
                    display_name=f"Creator {i}",
                    date_of_birth=born,
                    password="!",
                )
                for i in range(creator_count)
            ],
            batch_size=5000,
        )
        creators = CreatorProfile.objects.bulk_create(
            [
                CreatorProfile(user=user, handle=f"bench_{i}", display_name=f"Creator {i}")
                for i, user in enumerate(users)
            ],
            batch_size=5000,
        )
        topics = list(Topic.objects.all())
        videos = Video.objects.bulk_create(
            [
                bench_video(index=i, owner=creators[i % creator_count], now=now, rng=rng, mature=False)
                for i in range(n_videos)
            ],
            batch_size=5000,
        )
        VideoTopic.objects.bulk_create(
            [VideoTopic(video=video, topic=rng.choice(topics), review_state="approved") for video in videos],
            batch_size=10000,
        )
        author_count = max(50, min(20_000, n_comments // 100))
        authors = User.objects.bulk_create(
            [
                User(
                    email=f"author{i}@bench.invalid",
                    display_name=f"Author {i}",
                    date_of_birth=born,
                    password="!",
                )
                for i in range(author_count)
            ],
            batch_size=5000,
        )
        CreatorProfile.objects.bulk_create(
            [
                CreatorProfile(user=user, handle=f"author_{i}", display_name=f"Author {i}")
                for i, user in enumerate(authors[: author_count // 2])  # half have a handle to show
            ],
            batch_size=5000,
        )
        timings = {"seed_videos_s": time.perf_counter() - began}

        began = time.perf_counter()
        big, small = videos[0], videos[1]
        owner_user = {creator.pk: creator.user_id for creator in creators}
        # The rest over the other videos, skewed (a few busy ones, many quiet ones).
        rest = n_comments - big_count
        weights = [rng.expovariate(1.0) ** 2 for _ in videos[1:]]
        total = sum(weights)
        counts = [int(rest * weight / total) for weight in weights]
        for index in rng.choices(range(len(counts)), k=rest - sum(counts)):
            counts[index] += 1
        counts[0] = max(counts[0], 30)  # the small video: a page and a half of comments
        plan = [(big, big_count), *zip(videos[1:], counts, strict=True)]
        author_ids = [author.pk for author in authors]
        inserted = rows_insert(
            Comment,
            COMMENT_COLUMNS,
            self._comment_rows(plan=plan, author_ids=author_ids, owner_user=owner_user, now=now),
        )
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Comment]):
                cursor.execute(sql)
            video_table = connection.ops.quote_name(Video._meta.db_table)
            comment_table = connection.ops.quote_name(Comment._meta.db_table)
            cursor.execute(
                f"UPDATE {video_table} SET comment_count = (SELECT COUNT(*) FROM {comment_table} c "  # noqa: S608
                f"WHERE c.video_id = {video_table}.id AND c.state = %s)",
                [Comment.State.VISIBLE],
            )
        timings["seed_comments_s"] = time.perf_counter() - began

        began = time.perf_counter()
        viewers = User.objects.bulk_create(
            [
                User(
                    email=f"viewer{i}@bench.invalid",
                    display_name=f"Viewer {i}",
                    date_of_birth=born,
                    password="!",
                )
                for i in range(options["viewers"])
            ],
            batch_size=5000,
        )
        video_ids = [video.pk for video in videos]
        InterestProfile.objects.bulk_create(
            [
                InterestProfile(
                    viewer_key=f"u:{viewer.pk}",
                    user=viewer,
                    weights=learned_weights(
                        rng,
                        topics=[topic.pk for topic in rng.sample(topics, 2)],
                        hashtags=[],
                        creators=[creator.pk for creator in rng.sample(creators, min(4, len(creators)))],
                    ),
                    seen=(watched := rng.sample(video_ids, min(100, len(video_ids)))),
                    favourites=watched[-10:],
                    signal_count=len(watched),
                )
                for viewer in viewers
            ],
            batch_size=5000,
        )
        # Like-count and share-count columns as the signal pipeline leaves them.
        Video.objects.filter(pk__in=video_ids[::7]).update(like_count=1234, share_count=56)
        if connection.vendor == "postgresql":
            # Planner statistics, as autovacuum keeps them in a running site. A SQLite site has none
            # (nothing runs ANALYZE there), and none are made here: SQLite's statistics count every
            # NULL as its own value, so "parent IS NULL" would look like 12 rows of 2M and lead its
            # planner to the reply indexes.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        timings["seed_viewers_s"] = time.perf_counter() - began
        self.big, self.small, self.viewers = big, small, viewers
        return {
            "videos": n_videos,
            "comments": inserted,
            "replies": Comment.objects.filter(parent__isnull=False).count(),
            "big_video_comments": Comment.objects.filter(video=big).count(),
            "small_video_comments": Comment.objects.filter(video=small).count(),
            **{key: round(value, 1) for key, value in timings.items()},
        }

    def _comment_rows(
        self,
        *,
        plan: list[tuple[Video, int]],
        author_ids: list[int],
        owner_user: dict[int, int],
        now: datetime.datetime,
    ) -> Iterator[tuple[Any, ...]]:
        """Each video's comments: top-level ones with their reply counts and "top" scores, then replies
        (a few by the video's creator), ids in order of time within a video."""
        rng = self.rng
        next_id = 1
        for video, count in plan:
            if count <= 0:
                continue
            # A tenth replies, rounded at random so that small videos add up to a tenth too.
            replies = min(count - 1, int(count * REPLY_SHARE + rng.random())) if count >= 2 else 0
            tops = count - replies
            span = 30 * 86400.0 if video is plan[0][0] else 60 * 86400.0
            starts = sorted(rng.random() * span for _ in range(tops))
            top_times = [now - datetime.timedelta(seconds=span - offset) for offset in starts]
            first_top = next_id
            parents = [rng.randrange(tops) for _ in range(replies)]
            creator_user = owner_user[video.owner_id]
            reply_rows = []
            reply_counts = [0] * tops
            creator_replies = [0] * tops
            for offset, parent in enumerate(parents):
                by_creator = rng.random() < 0.05
                author = creator_user if by_creator else rng.choice(author_ids)
                state = rng.choice(STATES)
                if state == Comment.State.VISIBLE:
                    reply_counts[parent] += 1
                    creator_replies[parent] += by_creator
                moment = min(now, top_times[parent] + datetime.timedelta(minutes=rng.randint(1, 600)))
                reply_rows.append(
                    (first_top + tops + offset, video.pk, author, first_top + parent,
                     f"Reply {offset}: {rng.choice(PHRASES)}", state, False, False, int(rng.paretovariate(2)) - 1,
                     0, 0, 0, moment, None)
                )  # fmt: skip
            pinned = rng.randrange(tops) if video is plan[0][0] or video is plan[1][0] else -1
            for index in range(tops):
                likes = min(50_000, int(rng.paretovariate(1.2)) - 1)
                score = (
                    likes * rules.LIKE_POINTS
                    + reply_counts[index] * rules.REPLY_POINTS
                    + creator_replies[index] * rules.CREATOR_REPLY_POINTS
                )
                yield (
                    first_top + index, video.pk, rng.choice(author_ids), None,
                    f"Comment {index}: {rng.choice(PHRASES)}",
                    Comment.State.VISIBLE if index == pinned else rng.choice(STATES), False, index == pinned,
                    likes, reply_counts[index], creator_replies[index], score, top_times[index], None,
                )  # fmt: skip
            yield from reply_rows
            next_id = first_top + tops + replies

    # --- measuring --------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        began = time.perf_counter()
        result: dict[str, Any] = {"benchmark": "comments", "database": connection.vendor}
        result |= self.seed()
        self.note(f"seeded in {time.perf_counter() - began:.0f} s")
        gc.freeze()
        result["comment_page"] = self.comment_pages()
        result["comment_post"] = self.comment_posts()
        result["for_you"] = self.for_you()
        return result

    def comment_pages(self) -> dict[str, Any]:
        runs = self.options["runs"]
        viewer = viewer_for_user(self.viewers[0])
        # The viewer's own comment waiting for review: the first page shows it to them (the query's OR).
        Comment.objects.create(video=self.big, author=self.viewers[0], text="Mine, pending", state="pending")
        out: dict[str, Any] = {"page_size": 20}
        queries: dict[str, dict[str, list[int]]] = {}
        for order in ("top", "newest"):
            for video in (self.big, self.small):
                comment_page(video=video, viewer=viewer, order=order)  # warm
            out[order] = _ms(
                _timed(functools.partial(comment_page, video=self.big, viewer=viewer, order=order), runs)
            )
            counted = {}
            for name, video in (("big", self.big), ("small", self.small)):
                with CaptureQueriesContext(connection) as first:
                    page = comment_page(video=video, viewer=viewer, order=order)
                with CaptureQueriesContext(connection) as second:
                    after = comment_page(video=video, viewer=viewer, order=order, cursor=page.next_cursor)
                assert len(page.comments) >= 20, (order, name)
                assert after.comments, (order, name)
                counted[name] = [len(first), len(second)]  # the first page, the next
            queries[order] = counted
        out["queries_per_page"] = queries
        out["queries_constant"] = all(counted["big"] == counted["small"] for counted in queries.values())
        anonymous = viewer_for_user(None)
        out["top_anonymous"] = _ms(_timed(lambda: comment_page(video=self.big, viewer=anonymous), runs))
        return out

    def comment_posts(self) -> dict[str, Any]:
        """Each post by another account (the limits allow 10 a minute per account), on the big video or
        a random one, with distinct text; a tenth are replies. Timed through the API's whole stack."""
        runs = self.options["runs"]
        born = timezone.now().date().replace(year=1992)
        posters = User.objects.bulk_create(
            [
                User(
                    email=f"poster{i}@bench.invalid",
                    display_name=f"Poster {i}",
                    date_of_birth=born,
                    password="!",
                )
                for i in range(runs + 1)
            ]
        )
        targets = list(Video.objects.order_by("?").values_list("public_id", flat=True)[:500])
        parents = list(
            Comment.objects.filter(video=self.big, parent__isnull=True, state="visible").values_list("pk", flat=True)[:50]
        )  # fmt: skip
        client = APIClient()
        client.force_authenticate(posters[-1])
        client.post(
            reverse("api-video-comments", args=[self.big.public_id]), {"text": "warming up"}, format="json"
        )
        times: list[float] = []
        statuses: dict[str, int] = {}
        started = time.perf_counter()
        for index, poster in enumerate(posters[:runs]):
            on_big = index % 2 == 0
            public_id = self.big.public_id if on_big else self.rng.choice(targets)
            body: dict[str, Any] = {"text": f"{self.rng.choice(PHRASES)} ({index})"}
            if on_big and index % 10 == 0:
                body["parent_id"] = self.rng.choice(parents)
            client.force_authenticate(poster)
            began = time.perf_counter()
            response = client.post(reverse("api-video-comments", args=[public_id]), body, format="json")
            times.append((time.perf_counter() - began) * 1000)
            statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
        elapsed = time.perf_counter() - started
        return {**_ms(times), "per_second": round(runs / elapsed, 1), "statuses": statuses}

    def for_you(self) -> dict[str, Any]:
        """For You pages through the API by different viewers, with the counts and without them in turn
        (the same viewers, interleaved, so both runs see the same machine).

        The pairs run in ``FOR_YOU_BLOCKS`` blocks; the difference of the two p99s is the median of the
        blocks' differences. Over all pairs at once the 99th percentile is the tenth-worst page of each
        run: on a shared machine a few stray spikes moved it by ±4 ms either way, in runs whose medians
        were equal to 1 %."""
        runs = self.options.get("for_you_pairs") or self.options["runs"]
        catalog_reset()
        catalog_get()
        client = APIClient()
        url = reverse("api-feed-for-you")
        viewers = self.viewers[: max(1, runs)]
        client.force_authenticate(viewers[0])
        for _ in range(3):
            client.get(url)
            with without_counts():
                client.get(url)
        with_counts: list[float] = []
        plain: list[float] = []
        for index in range(runs):
            viewer = viewers[index % len(viewers)]
            client.force_authenticate(viewer)
            order = (True, False) if index % 2 == 0 else (False, True)
            for counted in order:
                if counted:
                    began = time.perf_counter()
                    response = client.get(url)
                    with_counts.append((time.perf_counter() - began) * 1000)
                    assert "comment_count" in response.json()["results"][0]
                else:
                    with without_counts():
                        began = time.perf_counter()
                        response = client.get(url)
                        plain.append((time.perf_counter() - began) * 1000)
                        assert "comment_count" not in response.json()["results"][0]
        # Queries of the page itself (ranking, videos, items), separately: capturing slows every query.
        page_queries = []
        for viewer in viewers[:20]:
            who = viewer_for_user(viewer)
            with CaptureQueriesContext(connection) as captured:
                feed_serializers.feed_page_json(feed_selectors.feed_for_you(viewer=who), viewer=who)
            page_queries.append(len(captured))
        counted_ms, plain_ms = _ms(with_counts), _ms(plain)
        blocks = max(1, min(FOR_YOU_BLOCKS, runs // 2))
        size = runs // blocks
        pairs = [
            (percentile(with_counts[at : at + size], 0.99), percentile(plain[at : at + size], 0.99))
            for at in range(0, size * blocks, size)
        ]
        return {
            "with_counts": counted_ms,
            "without_counts": plain_ms,
            "blocks": blocks,
            "p99_over_ms_by_block": [round(counted - without, 3) for counted, without in pairs],
            "p99_over_ms": round(statistics.median(counted - without for counted, without in pairs), 3),
            "p99_ratio": round(statistics.median(counted / without for counted, without in pairs), 3),
            "p99_over_ms_all_pairs": round(counted_ms["p99_ms"] - plain_ms["p99_ms"], 3),
            "p50_ratio": round(counted_ms["p50_ms"] / plain_ms["p50_ms"], 3),
            "queries_per_page": max(page_queries),
            "queries_per_page_min": min(page_queries),
        }


def benchmark_comments(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py benchmark_comments`` with the options its command parsed."""
    CommentsBenchmark(stdout=stdout, stderr=stderr, options=options).handle()
