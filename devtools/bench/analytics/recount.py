"""Every number the dashboard's API gave for the benchmark creator, recounted from the raw log and the
generated views; what differs is a mismatch."""

from __future__ import annotations

import datetime
import math
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate

from creators.models import FollowChange, Video
from devtools.bench.analytics.dashboard import raw_overview, raw_signals
from devtools.bench.analytics.world import API, World, day_start
from feeds.analytics import rules
from feeds.models import ProfileVisit, Signal, Source
from platform.models import User

Kind = Signal.Kind


def recount(world: World, answers: dict[str, Any]) -> list[str]:
    """Every number the API gave, against the raw log (counts of events, distinct viewers, follow
    changes, profile visits) or, for what needs views put together (watch time, completions, skips,
    retention), against the views generated. Returns what differs."""
    mismatches: list[str] = []

    def check(name: str, got: Any, expected: Any) -> None:
        if isinstance(expected, float) or isinstance(got, float):
            same = math.isclose(float(got or 0), float(expected or 0), rel_tol=1e-9, abs_tol=1e-6)
        elif isinstance(expected, list):
            same = len(got) == len(expected) and all(
                math.isclose(float(a or 0), float(b or 0), rel_tol=1e-9, abs_tol=1e-6) if a is not None and b is not None else a == b
                for a, b in zip(got, expected, strict=False)
            )  # fmt: skip
        else:
            same = got == expected
        if not same:
            mismatches.append(f"{name}: api {got!r} != recount {expected!r}")

    last_day = world.days[-1]
    follow_log = list(FollowChange.objects.filter(creator=world.creator).values_list("created_at", "delta"))
    visits = list(
        ProfileVisit.objects.filter(creator=world.creator)
        .exclude(viewer_key__in=world.excluded)
        .values_list("created_at", flat=True)
    )
    for days in (28, 365):
        period = rules.DayRange(last_day - datetime.timedelta(days=days - 1), last_day)
        count = len(world.days)
        span = range(max(0, count - days), count)
        before = range(max(0, count - 2 * days), max(0, count - days))
        answer = answers[f"{API}/overview?range={days}"]
        metrics = answer["metrics"]
        raw = raw_overview(world, period=period)
        truth_now, truth_before = world.truth.sums(days=span), world.truth.sums(days=before)
        name = f"overview{days}"
        check(f"{name}.views", metrics["views"]["value"], raw["views"])
        check(f"{name}.views(generated)", metrics["views"]["value"], truth_now[0])
        check(f"{name}.views.previous", metrics["views"]["previous"], raw["previous_views"])
        check(f"{name}.viewers", metrics["viewers"]["value"], raw["viewers"])
        check(f"{name}.viewers.previous", metrics["viewers"]["previous"], raw["previous_viewers"])
        check(f"{name}.likes", metrics["likes"]["value"], raw["likes"] - raw["unlikes"])
        check(f"{name}.shares", metrics["shares"]["value"], raw["shares"])
        check(f"{name}.watch_seconds", metrics["watch_seconds"]["value"], truth_now[3])
        check(f"{name}.watch_seconds.previous", metrics["watch_seconds"]["previous"], truth_before[3])
        views = truth_now[0] or 1
        check(
            f"{name}.average_watch_seconds",
            metrics["average_watch_seconds"]["value"],
            truth_now[3] / views,
        )
        check(f"{name}.completion_rate", metrics["completion_rate"]["value"], truth_now[1] / views)
        start_at, end_at = day_start(period.start), day_start(period.end) + datetime.timedelta(days=1)
        gained = sum(1 for at, delta in follow_log if start_at <= at < end_at and delta == 1)
        net = sum(delta for at, delta in follow_log if start_at <= at < end_at)
        check(f"{name}.follows_gained", metrics["follows_gained"]["value"], gained)
        check(f"{name}.net_followers", metrics["net_followers"]["value"], net)
        check(
            f"{name}.profile_views",
            metrics["profile_views"]["value"],
            sum(1 for at in visits if start_at <= at < end_at),
        )
        check(f"{name}.daily.views", answer["daily"]["views"], raw["daily"])
        generated_daily = [0] * (period.days - len(span)) + world.truth.daily_views(days=span)
        check(f"{name}.daily.views(generated)", answer["daily"]["views"], generated_daily)
        followers = [
            max(
                0,
                sum(delta for at, delta in follow_log if at < day_start(day) + datetime.timedelta(days=1)),
            )
            for day in period.each_day()
        ]
        check(f"{name}.daily.followers", answer["daily"]["followers"], followers)
        check(f"{name}.followers", answer["followers"], world.creator.follower_count)
        by_public_id = dict(Video.objects.filter(owner=world.creator).values_list("public_id", "pk"))
        tops = [(row["views"], row["watch_seconds"]) for row in answer["top_videos"]]
        expected_tops = []
        for row in answer["top_videos"]:
            cell = world.truth.sums(days=span, video_id=by_public_id[uuid.UUID(row["video"])])
            expected_tops.append((cell[0], cell[3]))
        check(
            f"{name}.top_videos",
            [v for pair in tops for v in pair],
            [v for pair in expected_tops for v in pair],
        )
        check(f"{name}.top_videos.order", [views for views, _ in tops], sorted((views for views, _ in tops), reverse=True))  # fmt: skip
        audience_recount(world, answers[f"{API}/audience?range={days}"], period, check)

    period = rules.DayRange(last_day - datetime.timedelta(days=27), last_day)
    span = range(max(0, len(world.days) - 28), len(world.days))
    public_ids = dict(Video.objects.filter(pk__in=world.page_videos).values_list("pk", "public_id"))
    for video_id in world.page_videos:
        answer = answers[f"{API}/videos/{public_ids[video_id]}?range=28"]
        name, totals = f"video{video_id}", answer["totals"]
        counts = raw_signals(world, start=period.start, end=period.end, video_id=video_id).aggregate(
            **{
                kind: Count("pk", filter=Q(kind=kind))
                for kind in (
                    Kind.IMPRESSION,
                    Kind.LIKE,
                    Kind.UNLIKE,
                    Kind.SHARE,
                    Kind.FOLLOW,
                    Kind.NOT_INTERESTED,
                )
            }
        )
        generated = world.truth.sums(days=span, video_id=video_id)
        check(f"{name}.views", totals["views"], counts[Kind.IMPRESSION])
        check(f"{name}.views(generated)", totals["views"], generated[0])
        check(f"{name}.likes", totals["likes"], counts[Kind.LIKE] - counts[Kind.UNLIKE])
        check(f"{name}.shares", totals["shares"], counts[Kind.SHARE])
        check(f"{name}.follows", totals["follows"], counts[Kind.FOLLOW])
        check(f"{name}.not_interested", totals["not_interested"], counts[Kind.NOT_INTERESTED])
        check(f"{name}.completions", totals["completions"], generated[1])
        check(f"{name}.early_skips", totals["early_skips"], generated[2])
        check(f"{name}.watch_seconds", totals["watch_seconds"], generated[3])
        histogram = [0] * (rules.REACH_STEPS + 1)
        for day in span:
            for step, count in enumerate(world.truth.reach.get((video_id, day), ())):
                histogram[step] += count
        total, remaining, curve = sum(histogram), sum(histogram), []
        for count in histogram if total else []:
            curve.append(remaining / total)
            remaining -= count
        check(f"{name}.retention", answer["retention"], curve)
        sources: dict[str, int] = defaultdict(int)
        for source, topic_id, views in (
            raw_signals(world, start=period.start, end=period.end, video_id=video_id)
            .filter(kind=Kind.IMPRESSION)
            .values("source", "topic_id")
            .annotate(views=Count("pk"))
            .values_list("source", "topic_id", "views")
        ):
            sources[f"topic:{topic_id}" if source == Source.TOPIC and topic_id else source] += views
        check(f"{name}.sources", {row["key"]: row["views"] for row in answer["sources"]}, dict(sources))
    return mismatches


def audience_recount(
    world: World,
    answer: dict[str, Any],
    period: rules.DayRange,
    check: Callable[[str, Any, Any], None],
) -> None:
    name = f"audience{period.days}"
    impressions = raw_signals(world, start=period.start, end=period.end).filter(kind=Kind.IMPRESSION)
    watched_days = set(
        impressions.annotate(day=TruncDate("created_at", tzinfo=datetime.UTC))
        .values_list("viewer_key", "day")
        .distinct()
    )
    keys = {key for key, _ in watched_days}
    firsts = (
        Signal.objects.filter(video__owner=world.creator, kind=Kind.IMPRESSION)
        .exclude(viewer_key__in=world.excluded)
        .values("viewer_key")
        .annotate(first=Min("created_at"))
        .filter(first__gte=day_start(period.start))
        .values_list("viewer_key", flat=True)
    )
    new = len(keys & set(firsts))
    ids = [int(key[2:]) for key in keys if key.startswith("u:")]
    people: dict[str, tuple[datetime.date | None, str, str]] = {}
    for begin in range(0, len(ids), 2000):
        for pk, born, country, region in User.objects.filter(pk__in=ids[begin : begin + 2000]).values_list(
            "pk", "date_of_birth", "country", "region"
        ):
            people[f"u:{pk}"] = (born, str(country or ""), region or "")
    # Each viewer counts once, in the band of their age on their first day watched in the range.
    first_watched: dict[str, datetime.date] = {}
    for key, day in watched_days:
        if key not in first_watched or day < first_watched[key]:
            first_watched[key] = day
    in_band: dict[str, set[str]] = defaultdict(set)
    for key, day in first_watched.items():
        born = people.get(key, (None, "", ""))[0]
        band = "unknown"
        if born is not None:
            years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
            for below, label in ((13, "unknown"), (18, "13-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (10_000, "55+")):  # fmt: skip
                if years < below:
                    band = label
                    break
        in_band[band].add(key)
    bands = {band: len(members) for band, members in in_band.items()}
    countries: dict[str, int] = defaultdict(int)
    regions: dict[str, int] = defaultdict(int)
    for key in keys:
        _, country, region = people.get(key, (None, "", ""))
        countries[country] += 1
        if region:
            regions[region] += 1

    def shown(counts: dict[str, int]) -> dict[str, int | None]:
        return rules.shown_breakdown(counts)[0]  # the published rule: small cells, and their giveaway

    check(f"{name}.viewers", answer["viewers"], len(keys))
    split = shown({"new": new, "returning": len(keys) - new})
    check(f"{name}.new_viewers", answer["new_viewers"], split["new"])
    check(f"{name}.returning_viewers", answer["returning_viewers"], split["returning"])
    check(f"{name}.age_bands", {cell["key"]: cell["viewers"] for cell in answer["age_bands"]},
          shown({band: bands.get(band, 0) for band in rules.AUDIENCE_BANDS}))  # fmt: skip
    check(f"{name}.countries", {cell["key"]: cell["viewers"] for cell in answer["countries"]},
          shown(dict(countries)))  # fmt: skip
    check(f"{name}.regions", {cell["key"]: cell["viewers"] for cell in answer["regions"]},
          shown(dict(regions)))  # fmt: skip
