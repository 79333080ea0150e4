"""Every figure of a promotion's results is recounted here from the stored signal rows, independently of
the rollup: served and charged the real way, watched with repeats, replays and points past the clip."""

import datetime
import uuid
from collections import defaultdict

import pytest
from django.utils import timezone

from businesses import selectors, services
from businesses.models import Promotion, PromotionDelivery
from businesses.serving import slots
from creators.models import Video
from feeds.models import Signal, Source
from feeds.services import SignalInput, signals_record
from platform.viewer import viewer_for_user
from tests.businesses.helpers import business_with_video, established_adult

pytestmark = pytest.mark.django_db

CLIP = 5.0
CPM = 6_00
CAP = 3


@pytest.fixture(autouse=True)
def fresh_snapshot(settings):
    settings.PROMOTION_SNAPSHOT_SECONDS, settings.PROMOTION_FREQUENCY_CAP = 0, CAP
    slots.forget()
    yield
    slots.forget()


def _running() -> Promotion:
    business, video = business_with_video()
    Video.objects.filter(pk=video.pk).update(duration=CLIP, trim_end=CLIP, rendition_duration=CLIP)
    # Two hours ago, but not before today began: the results list a row per day since the start, and the
    # test expects one (it failed when run between midnight and 02:00).
    now = timezone.now()
    starts = max(
        now - datetime.timedelta(hours=2), timezone.localtime(now).replace(hour=0, minute=0, second=0)
    )
    return Promotion.objects.create(
        business=business, video=video, goal=Promotion.Goal.VIDEO_VIEWS, budget_cents=50_00, currency="eur",
        duration_days=7, cpm_cents=CPM, state=Promotion.State.ACTIVE, starts_at=starts,
        ends_at=starts + datetime.timedelta(days=7),
    )  # fmt: skip


def _serve(viewer, promotion, times):
    for _ in range(times):
        slot = slots.slot_for(viewer=viewer, feed="for_you", exclude_video_ids=set(), topic_interest={})
        assert slot is not None
        assert slot.promotion_id == promotion.pk


def _send(viewer, promotion, *events):
    """Signals as the player batches them: (kind, watched, looped), or (kind, watched, looped, event id)."""
    items = [
        SignalInput(
            event_id=event[3] if len(event) > 3 else uuid.uuid4(),
            video=promotion.video.public_id,
            kind=event[0],
            source="sponsored",
            watched_seconds=event[1],
            looped=event[2],
        )
        for event in events
    ]
    signals_record(viewer=viewer, items=items)


def _stored(viewer, promotion, kind, watched=0.0, looped=0):
    """A row stored as it was (e.g. before the clip was trimmed shorter): no check can refuse it now."""
    Signal.objects.create(
        viewer_key=viewer.key, event_id=uuid.uuid4(), video=promotion.video, kind=kind, source=Source.SPONSORED,
        watched_seconds=watched, looped=looped,
    )  # fmt: skip


def _recount(promotion, served: dict[str, int]) -> dict[str, object]:
    """The figures straight from the signal rows, by their definitions:

    - impressions: a person's reported sponsored impressions on a day, at most the slots served them;
    - reach: people with one or more;
    - per charged person-day, the furthest point of the first play, at most the clip (a completion or
      any point of a replay means the first play ended): a view from 2 s, a completion at the end,
      its seconds the watch time of the view;
    - likes: likes less unlikes; follows; spend: impressions at the price per 1,000, rounded down."""
    rows = Signal.objects.filter(video=promotion.video, source=Source.SPONSORED).order_by("pk")
    reported: dict[tuple[str, datetime.date], int] = defaultdict(int)
    furthest: dict[tuple[str, datetime.date], float] = defaultdict(float)
    likes = follows = 0
    for row in rows:
        key = (row.viewer_key, timezone.localdate(row.created_at))
        if row.kind == Signal.Kind.IMPRESSION:
            reported[key] += 1
        elif row.kind in (Signal.Kind.PROGRESS, Signal.Kind.COMPLETE):
            ended = row.kind == Signal.Kind.COMPLETE or row.looped > 0
            furthest[key] = max(furthest[key], CLIP if ended else min(row.watched_seconds, CLIP))
    charged = {key: min(count, served.get(key[0], 0)) for key, count in reported.items()}
    charged = {key: count for key, count in charged.items() if count}
    for row in rows:
        if (row.viewer_key, timezone.localdate(row.created_at)) not in charged:
            continue
        likes += {str(Signal.Kind.LIKE): 1, str(Signal.Kind.UNLIKE): -1}.get(row.kind, 0)
        follows += row.kind == Signal.Kind.FOLLOW
    viewed = [furthest[key] for key in charged if furthest.get(key, 0.0) >= 2.0]
    impressions = sum(charged.values())
    watch = sum(viewed)
    return {
        "impressions": impressions,
        "reach": len({viewer for viewer, _ in charged}),
        "views": len(viewed),
        "completions": sum(1 for seconds in viewed if seconds >= CLIP),
        "watch_seconds": watch,
        "average_watch": f"{watch / len(viewed):.1f} s" if viewed else "—",
        "likes": likes,
        "follows": follows,
        "spent_cents": impressions * CPM // 1000,
        "results": len(viewed),
    }


def test_every_figure_is_recounted_from_the_signals():
    promotion = _running()
    people = {name: viewer_for_user(established_adult()) for name in "abcdef"}
    served = {"a": 1, "b": 2, "c": 1, "d": 1, "f": 1}
    for name, times in served.items():
        _serve(people[name], promotion, times)
    a, b, c, d, e, f = (people[name] for name in "abcdef")
    # a: watches to the end, then replays it twice (14 s of playback on a 5 s clip), likes it.
    _send(
        a, promotion, ("impression", 0, 0), ("progress", 1.0, 0), ("progress", 3.0, 0), ("complete", 5.0, 0)
    )
    _send(a, promotion, ("complete", 5.0, 1), ("progress", 4.0, 2), ("like", 0, 0))
    # b: two slots, two impressions and a resent one (dropped), 1.5 s: no view.
    first = uuid.uuid4()
    _send(b, promotion, ("impression", 0, 0, first), ("progress", 1.5, 0))
    _send(b, promotion, ("impression", 0, 0, first), ("impression", 0, 0), ("follow", 0, 0))
    # c: the same point reported again and again, then a point stored past the clip's end.
    _send(c, promotion, ("impression", 0, 0), ("progress", 2.5, 0))
    _send(c, promotion, ("progress", 2.5, 0))
    _stored(c, promotion, Signal.Kind.PROGRESS, watched=12.0)
    _send(c, promotion, ("like", 0, 0), ("unlike", 0, 0))
    # d: one slot, two impressions reported: one charged; a view of 3 s, and completions only in replays.
    _send(d, promotion, ("impression", 0, 0), ("impression", 0, 0), ("progress", 3.0, 0))
    _stored(d, promotion, Signal.Kind.COMPLETE, watched=9.0, looped=1)
    # e: never served: nothing is charged and nothing counts.
    _send(e, promotion, ("impression", 0, 0), ("progress", 4.0, 0), ("like", 0, 0))
    # f: served, never reported the impression: its watching bought nothing.
    _stored(f, promotion, Signal.Kind.PROGRESS, watched=4.0)
    # The rollup in small batches, as a busy beat would meet them.
    while services.promotion_results_rollup(batch=4):
        pass

    results = selectors.promotion_results(promotion=Promotion.objects.get(pk=promotion.pk))
    keyed = {name: people[name].key for name in served}
    expected = _recount(promotion, {keyed[name]: times for name, times in served.items()})
    assert {
        "impressions": results.impressions, "reach": results.reach, "views": results.views,
        "completions": results.completions, "watch_seconds": results.watch_seconds,
        "average_watch": results.average_watch, "likes": results.likes, "follows": results.follows,
        "spent_cents": results.spent_cents, "results": results.results,
    } == expected  # fmt: skip
    # What that recount is, written out: a, b (2), c and d charged; a, c (ended past the clip) and d
    # viewed; a and c completed (d's replay says its first play ended too).
    assert expected == {
        "impressions": 5, "reach": 4, "views": 3, "completions": 3, "watch_seconds": 15.0, "average_watch": "5.0 s",
        "likes": 1, "follows": 1, "spent_cents": 3, "results": 3,
    }  # fmt: skip
    assert results.completions <= results.views <= results.impressions
    assert results.watch_seconds <= results.views * CLIP
    assert [(day.impressions, day.reach, day.views) for day in results.days] == [(5, 4, 3)]
    assert PromotionDelivery.objects.filter(promotion=promotion, watched_seconds__gt=CLIP).count() == 0
