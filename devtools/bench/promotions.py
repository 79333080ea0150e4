"""Benchmark sponsored slots: 1,000 active promotions, 100k videos, 10k adult and 2k minor viewers.

In a throwaway database of the configured engine, four threads serve For You pages through the API,
each page twice, back to back: with sponsored slots and without. Every sponsored item is reported
back through ``POST /api/v1/signals`` as the player does, which charges it. A simulated clock spreads
the run over one day of the promotions' lives, so pacing can be judged at the end of that day.

What must be zero is counted from the pages the clients received, not from our own tables.
"""

from __future__ import annotations

import cProfile
import datetime
import json
import pstats
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from typing import Any

from django.core.management.base import CommandError, OutputWrapper
from django.db import connection, connections
from django.db.models import F, Sum
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from businesses import rules
from businesses.models import BusinessProfile, Promotion, PromotionDay
from businesses.serving import slots
from creators.models import CreatorProfile, Topic, Video, VideoTopic
from devtools.bench.feed_setup import bench_video, feeds_throwaway_database, unthrottled
from feeds import sponsored
from feeds.catalog import catalog_get
from feeds.models import InterestProfile, Signal, Source
from platform.models import User

REGIONS = ["DE-BY", "DE-BE", "DE-HH", "DE-NW", "DE-SN"]
ADULT_AGES = [20, 30, 45, 60]  # one in each targetable band
DAY = 86_400.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def born(years: int, today: datetime.date) -> datetime.date:
    return today.replace(year=today.year - years, day=min(today.day, 28))


class PromotionsBenchmark:
    """What ``manage.py benchmark_promotions`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        with (
            feeds_throwaway_database("benchmark-promotions", keep=options["keep"]) as database,
            override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False, PROMOTION_SNAPSHOT_SECONDS=5.0),
            unthrottled("signals"),  # signal batches far faster than any player sends them
        ):
            try:
                result = self._run(options)
                self.stdout.write(json.dumps(result))
            finally:
                slots.clock = time.time
                slots.forget()
        if options["keep"]:
            self.stderr.write(f"kept database {database}")

    # --- data ------------------------------------------------------------------------------------

    def _seed(self, options: dict[str, Any], rng: random.Random, start: datetime.datetime) -> dict[str, Any]:
        today = start.date()
        topics = list(Topic.objects.all())
        creator_count = max(options["promotions"], options["videos"] // 50)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"creator{i}@bench.invalid",
                    display_name=f"Creator {i}",
                    date_of_birth=born(35, today),
                    region=REGIONS[i % len(REGIONS)],
                    password="!",
                )
                for i in range(creator_count)
            ],
            batch_size=5000,
        )
        creators = CreatorProfile.objects.bulk_create(
            [CreatorProfile(user=user, handle=f"bench_{i}", display_name=f"Creator {i}") for i, user in enumerate(users)],
            batch_size=5000,
        )  # fmt: skip
        videos = Video.objects.bulk_create(
            [
                bench_video(
                    index=i, owner=creators[i % creator_count], now=start, rng=rng, mature=i % 53 == 0
                )
                for i in range(options["videos"])
            ],
            batch_size=5000,
        )
        VideoTopic.objects.bulk_create(
            [VideoTopic(video=video, topic=rng.choice(topics), review_state="approved") for video in videos],
            batch_size=10000,
        )
        # The first ``promotions`` creators are businesses; each promotes its first (general) video.
        businesses = BusinessProfile.objects.bulk_create(
            [
                BusinessProfile(
                    creator=creators[i],
                    legal_name=f"Business {i}",
                    category="food_and_drink",
                    country="DE",
                    region=REGIONS[i % len(REGIONS)],
                    website=f"https://business{i}.example",
                )
                for i in range(options["promotions"])
            ],
            batch_size=5000,
        )
        first_video: dict[int, Video] = {}
        for video in videos:
            if video.content_level == "general":
                first_video.setdefault(video.owner_id, video)
        cpm = 6_00
        promotions = []
        for i, business in enumerate(businesses):
            # Demand of 4-13 impressions a simulated day each: about 60% of what the adults' pages offer.
            per_day = rng.randint(4, 13)
            custom = i % 10 < 3
            promotions.append(
                Promotion(
                    business=business,
                    video=first_video[business.creator_id],
                    goal="video_views",
                    audience="custom" if custom else "automatic",
                    regions=[REGIONS[i % len(REGIONS)]] if custom and i % 2 == 0 else [],
                    age_bands=[rules.AdultAgeBand.values[i % 4]] if custom and i % 2 == 1 else [],
                    budget_cents=max(1, per_day * options["days"] * cpm // 1000),
                    currency="eur",
                    duration_days=options["days"],
                    cpm_cents=cpm,
                    state=Promotion.State.ACTIVE,
                    paid_at=start,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(days=options["days"]),
                )
            )
        Promotion.objects.bulk_create(promotions, batch_size=2000)
        adults = User.objects.bulk_create(
            [
                User(
                    email=f"adult{i}@bench.invalid",
                    display_name=f"Adult {i}",
                    date_of_birth=born(ADULT_AGES[i % len(ADULT_AGES)], today),
                    region=REGIONS[(i // 4) % len(REGIONS)],
                    password="!",
                    date_joined=start - datetime.timedelta(days=30),  # old enough to be charged for
                )
                for i in range(options["adults"])
            ],
            batch_size=5000,
        )
        minors = User.objects.bulk_create(
            [
                User(
                    email=f"minor{i}@bench.invalid",
                    display_name=f"Minor {i}",
                    date_of_birth=born(13 + i % 5, today),
                    region=REGIONS[i % len(REGIONS)],
                    password="!",
                )
                for i in range(options["minors"])
            ],
            batch_size=5000,
        )
        InterestProfile.objects.bulk_create(
            [
                InterestProfile(
                    viewer_key=f"u:{user.pk}",
                    user=user,
                    weights={
                        "t": {str(topic.pk): round(rng.uniform(1, 4), 2) for topic in rng.sample(topics, 2)}
                    },
                )
                for user in adults + minors
            ],
            batch_size=5000,
        )
        # Each adult has watched something on their own (charging asks the signal log for it): the run
        # measures real viewers, whose impressions are charged, not invalid traffic.
        Signal.objects.bulk_create(
            [
                Signal(
                    viewer_key=f"u:{user.pk}", event_id=uuid.uuid4(), video=rng.choice(videos),
                    kind=Signal.Kind.PROGRESS, source=Source.FOR_YOU, watched_seconds=5.0,
                    created_at=start - datetime.timedelta(hours=1),
                )
                for user in adults
            ],
            batch_size=5000,
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        return {"adults": adults, "minors": minors}

    # --- the run ---------------------------------------------------------------------------------

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        if options.get("profile") and options["threads"] != 1:
            raise CommandError("--profile needs --threads 1 (cProfile sees one thread)")
        rng = random.Random(11)
        start = timezone.now()
        began = time.perf_counter()
        people = self._seed(options, rng, start)
        seed_s = time.perf_counter() - began
        catalog_get()
        # Heavy viewers: one adult in a hundred asks for half of the adults' pages, so the cap is tested.
        adults, minors = people["adults"], people["minors"]
        heavy = adults[: max(1, len(adults) // 100)]
        plan: list[tuple[str, User | None]] = []
        for _ in range(options["pages"]):
            draw = rng.random()
            if draw < 0.1:
                plan.append(("anonymous", None))
            elif draw < 0.25:
                plan.append(("minor", rng.choice(minors)))
            elif draw < 0.625:
                plan.append(("adult", rng.choice(heavy)))
            else:
                plan.append(("adult", rng.choice(adults)))
        # One simulated day of the promotions' lives over the pages with slots.
        served_pages = [0]
        lock = threading.Lock()
        started_ts = start.timestamp()
        slots.clock = lambda: started_ts + DAY * served_pages[0] / options["pages"]
        slots.forget()
        provider = sponsored.provider()
        warm = APIClient()
        warm.force_authenticate(adults[0])
        warm.get("/api/v1/feeds/for-you")

        with_ms: list[float] = []
        without_ms: list[float] = []
        block_differences: list[float] = []
        charge_ms: list[float] = []  # signal posts that charged a sponsored impression
        post_ms: list[float] = []  # the same posts of an ordinary impression
        select_ms: list[float] = []  # the provider choosing (and recording) a slot

        profiler = cProfile.Profile() if options.get("profile") else None

        class Timed:
            """The registered provider with the time each slot choice takes recorded, for the pages of the
            arm with slots (a per-thread switch): the other arm's pages get none."""

            def __init__(self) -> None:
                self.arm = threading.local()

            def slot_for(self, **kwargs: Any) -> Any:
                if not getattr(self.arm, "slotted", False):
                    return None
                tick = time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                try:
                    return provider.slot_for(**kwargs)
                finally:
                    if profiler is not None:
                        profiler.disable()
                    elapsed = (time.perf_counter() - tick) * 1000
                    with lock:
                        select_ms.append(elapsed)

            def impressions_record(self, **kwargs: Any) -> None:
                provider.impressions_record(**kwargs)

        timed = Timed()
        shown: Counter[tuple[str, int]] = Counter()  # (viewer, promotion) -> slots the client received
        to_minors = to_anonymous = 0
        promotion_of_video = dict(Promotion.objects.values_list("video__public_id", "pk"))
        block = max(1, options["pages"] // 8)

        def page(client: APIClient, kind: str, user: User | None, slotted: bool) -> None:
            nonlocal to_minors, to_anonymous
            timed.arm.slotted = slotted
            if user is not None:
                client.force_authenticate(user)
            else:
                client.force_authenticate(None)
                client.cookies.clear()
            tick = time.perf_counter()
            response = client.get("/api/v1/feeds/for-you")
            elapsed = (time.perf_counter() - tick) * 1000
            if slotted:
                with lock:
                    served_pages[0] += 1
            results = response.json()["results"]
            items = [item for item in results if item["is_sponsored"]]
            with lock:
                (with_ms if slotted else without_ms).append(elapsed)
                if kind == "minor":
                    to_minors += len(items)
                elif kind == "anonymous":
                    to_anonymous += len(items)
            for item in items:
                assert user is not None
                promotion_id = promotion_of_video[uuid.UUID(item["video"]["id"])]
                with lock:
                    shown[(f"u:{user.pk}", promotion_id)] += 1
            # One impression a page, as the player sends for the slide it shows: the sponsored one when
            # there is one (which charges it), else the first. Both arms do the same work but for choosing
            # and charging the slot.
            first = items[0] if items else (results[0] if results else None)
            if first is None:
                return
            event = {
                "event_id": str(uuid.uuid4()),
                "video": first["video"]["id"],
                "kind": "impression",
                "source": first["source"],
            }
            tick = time.perf_counter()
            client.post("/api/v1/signals", {"events": [event]}, format="json")
            with lock:
                (charge_ms if items else post_ms).append((time.perf_counter() - tick) * 1000)

        def serve(chunk: list[tuple[str, User | None]]) -> None:
            """Each page twice, with and without slots, back to back (which goes first alternates): the
            process's background work (the catalog's rebuild, the promotions' reload) then falls on both
            arms alike, instead of on whichever arm's block it happened to meet."""
            client = APIClient()
            try:
                for index, (kind, user) in enumerate(chunk):
                    for slotted in (True, False) if index % 2 == 0 else (False, True):
                        page(client, kind, user, slotted)
            finally:
                connections.close_all()  # this thread's connection to the throwaway database

        def run_block(chunk: list[tuple[str, User | None]]) -> None:
            parts = [chunk[index :: options["threads"]] for index in range(options["threads"])]
            threads = [threading.Thread(target=serve, args=(part,)) for part in parts]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        sponsored.register_provider(timed)
        began = time.perf_counter()
        try:
            for offset in range(0, len(plan), block):
                chunk = plan[offset : offset + block]
                before = (len(without_ms), len(with_ms))
                run_block(chunk)
                # How much of a p99 difference is the slot, and how much the machine's noise, shows in
                # how these vary from block to block.
                block_differences.append(
                    percentile(with_ms[before[1] :], 0.99) - percentile(without_ms[before[0] :], 0.99)
                )
                self.stderr.write(f"served {2 * (offset + len(chunk))} of {2 * len(plan)} pages")
        finally:
            sponsored.register_provider(provider)
        serve_s = time.perf_counter() - began
        if profiler is not None:
            self.stderr.write("slot choices, by own time:")
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
            self.stderr.write("slot choices, by cumulative time:")
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)

        # The end of the simulated day: everyone's even-spend line is a 1/days share of the budget.
        slots.clock = lambda: started_ts + DAY
        deviations = []
        overspend = 0
        for promotion in Promotion.objects.all():
            line = rules.even_spend_line(
                budget_cents=promotion.budget_cents,
                starts=started_ts,
                ends=promotion.ends_at.timestamp() if promotion.ends_at else started_ts,
                now=started_ts + DAY,
            )
            deviations.append(abs(promotion.spent_cents - line) / promotion.budget_cents)
            overspend = max(overspend, promotion.spent_cents - promotion.budget_cents)
        by_day = (
            PromotionDay.objects.values("promotion_id")
            .annotate(spent=Sum("spent_cents"))
            .filter(spent__gt=F("promotion__budget_cents"))
            .count()
        )
        spent_total = Promotion.objects.aggregate(total=Sum("spent_cents"))["total"] or 0
        charged = Promotion.objects.aggregate(total=Sum("impressions_charged"))["total"] or 0
        with_p99, without_p99 = percentile(with_ms, 0.99), percentile(without_ms, 0.99)
        return {
            "benchmark": "promotions",
            "database": connection.vendor,
            "videos": options["videos"],
            "promotions": options["promotions"],
            "adults": options["adults"],
            "minors": options["minors"],
            "threads": options["threads"],
            "pages_with_slots": len(with_ms),
            "pages_without": len(without_ms),
            "for_you_p50_ms": round(statistics.median(with_ms), 2),
            "for_you_p99_ms": round(with_p99, 2),
            "for_you_p50_ms_without": round(statistics.median(without_ms), 2),
            "for_you_p99_ms_without": round(without_p99, 2),
            "p99_difference_ms_by_block": [round(value, 1) for value in block_differences],
            "slot_cost_p99_ms": round(with_p99 - without_p99, 2),
            "p99_ratio": round(with_p99 / without_p99, 3),
            "sponsored_slots_served": sum(shown.values()) + to_minors + to_anonymous,
            "sponsored_to_minors": to_minors,
            "sponsored_to_anonymous": to_anonymous,
            "impressions_charged": charged,
            "spent_cents": spent_total,
            "max_overspend_cents": max(0, overspend),
            "promotions_overspent_by_day_rows": by_day,
            "frequency_cap_violations": sum(1 for count in shown.values() if count > 3),
            "viewer_promotion_pairs_at_cap": sum(1 for count in shown.values() if count == 3),
            "pacing_max_deviation": round(max(deviations), 4),
            "pacing_median_deviation": round(statistics.median(deviations), 4),
            "slot_select_ms_p50": round(statistics.median(select_ms), 3) if select_ms else None,
            "slot_select_ms_p99": round(percentile(select_ms, 0.99), 3) if select_ms else None,
            "charge_per_impression_ms_p50": round(statistics.median(charge_ms), 2) if charge_ms else None,
            "charge_per_impression_ms_p99": round(percentile(charge_ms, 0.99), 2) if charge_ms else None,
            "signal_post_ms_p50_without_charge": round(statistics.median(post_ms), 2) if post_ms else None,
            "signal_post_ms_p99_without_charge": round(percentile(post_ms, 0.99), 2) if post_ms else None,
            "seed_s": round(seed_s, 1),
            "serve_s": round(serve_s, 1),
        }


def benchmark_promotions(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py benchmark_promotions`` with the options its command parsed."""
    PromotionsBenchmark(stdout=stdout, stderr=stderr).handle(**options)
