"""The promotions' serving order, computed as arrays (``serving.by_deficit``), is exactly the order that
sorting them one by one with ``rules.even_spend_share`` gives: the same floats, the same ties."""

import random

import pytest

from businesses import rules
from businesses.serving import Audience, Live, Snapshot, by_deficit

NOW = 1_800_000_000.0
DAY = 86_400.0


def reference(snapshot: Snapshot, now: float) -> tuple[Live, ...]:
    """The order as serving computed it before the arrays: a Python key per promotion."""
    spent_of, served_of = snapshot.spent, snapshot.served

    def behind(live: Live) -> float:
        spent = spent_of.get(live.id, 0) + served_of.get(live.id, 0) * live.price
        return rules.even_spend_share(starts=live.starts, ends=live.ends, now=now) - spent / live.budget_cents

    return tuple(sorted(snapshot.lives, key=lambda live: (-behind(live), live.id)))


def live(rng: random.Random, promotion_id: int) -> Live:
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
        regions=frozenset(),
        bands=frozenset(),
        topic_ids=frozenset(),
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
    snapshot.served[lives[-1].id] = snapshot.served.get(lives[-1].id, 0) + 1_000
    assert [live.id for live in by_deficit(snapshot, now)] == [live.id for live in reference(snapshot, now)]


def test_no_promotions_no_order():
    assert by_deficit(Snapshot(), NOW) == ()
