"""A profile's weights are rounded for storage in arrays (``learning.rounded``), and store exactly what
``round`` one value at a time stored: the same floats, the same signs, the same JSON."""

import math
import random
from typing import Any

import orjson
import pytest

from feeds.ranking import Weights
from feeds.ranking.learning import PARTS, ROUNDED_IN_ARRAYS, rounded


def values_on_every_edge(rng: random.Random) -> list[float]:
    """Random weights, every half of the last kept place (the ties), the decays of a view (0.85 ** n, one
    of them lands on 0.7225), tiny values of either sign (negative zero), and the very large."""
    return [
        *(rng.uniform(-50, 50) for _ in range(20000)),
        *(step / 20000 for step in range(-20000, 20000)),
        *(0.85**power for power in range(300)),
        *(rng.uniform(-1e-5, 1e-5) for _ in range(500)),
        *(rng.uniform(-1e15, 1e15) for _ in range(200)),
        0.0,
        -0.0,
    ]


@pytest.mark.parametrize("places", [3, 4])
def test_rounding_in_arrays_gives_exactly_what_round_gives(places):
    values = values_on_every_edge(random.Random(places))
    assert len(values) >= ROUNDED_IN_ARRAYS

    ours = rounded(values, places)

    theirs = [round(value, places) for value in values]
    assert ours == theirs
    assert [math.copysign(1.0, value) for value in ours] == [math.copysign(1.0, value) for value in theirs]
    assert orjson.dumps(ours) == orjson.dumps(theirs)


def test_a_few_values_are_rounded_one_by_one_and_alike():
    assert rounded([0.72249999, -0.00004, 1.23456], 4) == [0.7225, -0.0, 1.2346]
    assert rounded([], 3) == []


def reference_to_json(weights: Weights, *, keep: tuple[int, int, int] = (40, 150, 150)) -> dict[str, Any]:
    """``Weights.to_json`` as it was, rounding one value at a time."""
    data: dict[str, Any] = {}
    for (gains, views, gain_key, views_key), count in zip(PARTS, keep, strict=True):
        gain, seen = getattr(weights, gains), getattr(weights, views)
        ranked = sorted(
            set(gain) | set(seen), key=lambda key: abs(gain.get(key, 0.0)) + seen.get(key, 0.0), reverse=True
        )[:count]
        data[gain_key] = {str(key): round(gain[key], 4) for key in ranked if abs(gain.get(key, 0.0)) >= 0.01}
        data[views_key] = {str(key): round(seen[key], 3) for key in ranked if seen.get(key, 0.0) >= 0.05}
    if weights.recent is not None:
        data["r"] = reference_to_json(weights.recent, keep=(20, 40, 40))
    return data


@pytest.mark.parametrize("seed", range(10))
def test_a_profile_is_stored_as_the_old_rounding_stored_it_byte_for_byte(seed):
    rng = random.Random(seed)

    def part(count: int) -> tuple[dict[int, float], dict[int, float]]:
        views = {
            key: rng.choice([rng.uniform(0, 40), 0.85 ** rng.randrange(30)])
            for key in rng.sample(range(1, 999), count)
        }
        return {key: value * rng.uniform(-0.7, 1.4) for key, value in views.items()}, views

    (t, tv), (h, hv), (c, cv) = (
        part(rng.randrange(0, 60)),
        part(rng.randrange(0, 220)),
        part(rng.randrange(0, 220)),
    )
    (rt, rtv), (rh, rhv), (rc, rcv) = (
        part(rng.randrange(0, 30)),
        part(rng.randrange(0, 60)),
        part(rng.randrange(0, 60)),
    )
    weights = Weights(t, h, c, tv, hv, cv, recent=Weights(rt, rh, rc, rtv, rhv, rcv))

    assert orjson.dumps(weights.to_json()) == orjson.dumps(reference_to_json(weights))
