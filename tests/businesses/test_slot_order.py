"""The promotions' serving order, computed as arrays (``serving.by_deficit``), is exactly the order that
sorting them one by one with ``rules.even_spend_share`` gives: the same floats, the same ties. And the
few a page may get (``PromotionSlots.candidates``, targeting and pacing as arrays) are exactly those
that walking the order one promotion at a time gave."""

import datetime
import random
from types import SimpleNamespace
from typing import cast

import pytest

from businesses import rules
from businesses.serving import Audience, Live, PromotionSlots, Snapshot, by_deficit
from platform import age
from platform.viewer import Viewer

NOW = 1_800_000_000.0
DAY = 86_400.0


def reference(snapshot: Snapshot, now: float) -> tuple[Live, ...]:
    """The order as serving computed it before the arrays: a Python key per promotion."""
    spent_of, served_of = snapshot.spent, snapshot.served

    def behind(live: Live) -> float:
        spent = spent_of.get(live.id, 0) + served_of.get(live.id, 0) * live.price
        return rules.even_spend_share(starts=live.starts, ends=live.ends, now=now) - spent / live.budget_cents

    return tuple(sorted(snapshot.lives, key=lambda live: (-behind(live), live.id)))


def live(rng: random.Random, promotion_id: int, **targeting) -> Live:
    starts = NOW - rng.choice([0.0, rng.uniform(0, 9 * DAY), 20 * DAY, -DAY])
    ends = starts + rng.choice([10 * DAY, rng.uniform(0, 10 * DAY), 0.0, -DAY])
    return Live(
        id=promotion_id,
        video_id=promotion_id,
        owner_user_id=promotion_id,
        owner_creator_id=promotion_id,
        sponsor_name="Bakery",
        call_to_action="Visit website",
        click_url="",
        why=Audience(),
        **({"regions": frozenset(), "bands": frozenset(), "topic_ids": frozenset()} | targeting),
        budget_cents=rng.choice([5_000, 10_000, rng.randint(100, 100_000)]),
        cpm_cents=rng.choice([600, rng.randint(1, 5_000)]),
        starts=starts,
        ends=ends,
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_arrays_order_the_promotions_as_one_by_one_sorting_did(seed):
    rng = random.Random(seed)
    ids = rng.sample(range(1, 10_000), rng.randint(1, 400))
    lives = tuple(live(rng, promotion_id) for promotion_id in ids)
    if len(lives) > 3:  # exact ties, broken by id
        lives = lives + tuple(
            Live(**{**{field: getattr(lives[0], field) for field in Live.__slots__}, "id": 10_000 + index})
            for index in range(3)
        )
    snapshot = Snapshot(
        lives=lives,
        spent={
            live.id: rng.choice([0, rng.randint(0, live.budget_cents)])
            for live in lives
            if rng.random() < 0.8
        },
        served={rng.choice(lives).id: rng.randint(1, 50) for _ in range(rng.randint(0, 30))} | {123_456: 7},
    )
    now = NOW + rng.uniform(-DAY, 12 * DAY)
    assert [live.id for live in by_deficit(snapshot, now)] == [live.id for live in reference(snapshot, now)]
    # A second ordering reuses the arrays and follows new slots.
    snapshot.note_served(lives[-1].id, 1_000)
    assert [live.id for live in by_deficit(snapshot, now)] == [live.id for live in reference(snapshot, now)]


def test_no_promotions_no_order():
    assert by_deficit(Snapshot(), NOW) == ()


def walked(snapshot, now, *, region, band, topic_interest, exclude_video_ids, owner, limit=3):
    """The candidates as serving found them before the arrays: a walk of the order, one by one."""
    picked = []
    for live in by_deficit(snapshot, now):
        if live.video_id in exclude_video_ids or live.owner_user_id == owner:
            continue
        if (
            (live.regions and region not in live.regions)
            or (live.bands and band not in live.bands)
            or (live.topic_ids and not any(topic_interest.get(topic, 0.0) > 0 for topic in live.topic_ids))
        ):
            continue
        spent = snapshot.spent.get(live.id, 0) + snapshot.served.get(live.id, 0) * live.price
        if rules.pacing_deficit(
            spent_cents=spent, budget_cents=live.budget_cents, cpm_cents=live.cpm_cents, starts=live.starts,
            ends=live.ends, now=now,
        ) is None:  # fmt: skip
            continue
        picked.append(live)
        if len(picked) == limit:
            break
    return picked


class Fixed(PromotionSlots):
    """The provider over a snapshot made by the test (no database), ordering it on every call."""

    def __init__(self, snapshot: Snapshot, now: float) -> None:
        super().__init__(clock=lambda: now)
        self._snapshot = snapshot

    def snapshot(self) -> Snapshot:
        return self._snapshot


REGIONS = ["GB-LND", "GB-MAN", "DE-BE", "FR-IDF"]
BANDS = [band.value for band in rules.AdultAgeBand]
TOPICS = [1, 2, 3, 4, 5]


@pytest.mark.parametrize("seed", range(40))
def test_the_candidates_are_those_a_walk_of_the_order_found(seed, settings):
    settings.PROMOTION_SNAPSHOT_SECONDS = 0  # order on every call, as the walk does
    rng = random.Random(1_000 + seed)

    def subset(values):
        return (
            frozenset(value for value in values if rng.random() < 0.3) if rng.random() < 0.5 else frozenset()
        )

    lives = tuple(
        live(rng, promotion_id, regions=subset(REGIONS), bands=subset(BANDS), topic_ids=subset(TOPICS))
        for promotion_id in rng.sample(range(1, 10_000), rng.randint(1, 300))
    )
    lives = tuple(
        Live(**{**{field: getattr(one, field) for field in Live.__slots__}, "video_id": rng.randint(1, 60),
                "owner_user_id": rng.randint(1, 40)})
        for one in lives
    )  # fmt: skip
    snapshot = Snapshot(
        lives=lives,
        spent={
            # Nothing, anything, or within an impression or two of the budget (a full budget's last slots).
            one.id: rng.choice([0, rng.randint(0, one.budget_cents), one.budget_cents - rng.randint(0, 10)])
            for one in lives
            if rng.random() < 0.8
        },
    )
    now = NOW + rng.uniform(-DAY, 12 * DAY)
    slots = Fixed(snapshot, now)
    band = rng.choice(BANDS)
    first, _ = rules.adult_band_years(band)
    born = age.today() - datetime.timedelta(days=366 * first + 40)
    for _turn in range(6):
        for _ in range(rng.randint(0, 40)):  # slots served since the load, counted at their price
            snapshot.note_served(rng.choice(lives).id)
        region = rng.choice([*REGIONS, ""])
        owner = rng.randint(1, 40)
        topic_interest = {topic: rng.choice([0.0, 0.5, -0.2]) for topic in TOPICS if rng.random() < 0.6}
        exclude = set(rng.sample(range(1, 61), rng.randint(0, 20)))
        viewer = cast(
            Viewer,
            SimpleNamespace(
                user=SimpleNamespace(pk=owner, date_of_birth=born),
                policy=SimpleNamespace(may_see_promotions=True),
                region=region,
            ),
        )
        limit = rng.choice([3, 1_000])  # a page's few, or every one this viewer may get
        found = slots.candidates(
            viewer=viewer, exclude_video_ids=exclude, topic_interest=topic_interest, limit=limit
        )
        expected = walked(
            snapshot, now, region=region, band=band, topic_interest=topic_interest, exclude_video_ids=exclude,
            owner=owner, limit=limit,
        )  # fmt: skip
        assert rules.adult_band(age.age_on(date_of_birth=born, on=age.today())) == band
        assert [one.id for one in found] == [one.id for one in expected]
