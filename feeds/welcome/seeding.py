"""How picked interests enter a profile: light pseudo-views on the picked topics and hashtags. Pure.

A pick counts as ``SEED_VIEWS`` of a view with outcome ``SEED_GAIN / SEED_VIEWS`` in the long-term weights
only, so it decays like any other evidence (``learning.HALF_LIFE_DAYS``) and the interest read from it,
``learning.interest_rate``, is 0.6 / 1.6 ≈ 0.38 before any watching. One video watched to the end reads
≈ 0.83 (it counts in the short-term interest too), and one left at once pulls a picked topic below zero: a few
real views of other things outweigh every pick, and watching the picked ones says more than the pick did.
"""

from __future__ import annotations

from collections.abc import Iterable

from feeds.ranking.learning import Weights

SEED_GAIN = 0.6
SEED_VIEWS = 0.6


def seed_weights(*, weights: Weights, topic_ids: Iterable[int], hashtag_ids: Iterable[int]) -> Weights:
    """Raise each picked topic's and hashtag's gain and views to the seed, never lower them (in place).

    Picking the same thing twice changes nothing; a pick after real watching only adds what the watching
    has not already said."""
    for gains, views, keys in (
        (weights.topics, weights.topic_views, topic_ids),
        (weights.hashtags, weights.hashtag_views, hashtag_ids),
    ):
        for key in keys:
            gains[key] = max(gains.get(key, 0.0), SEED_GAIN)
            views[key] = max(views.get(key, 0.0), SEED_VIEWS)
    return weights
