"""The recommendation model, pure (no ORM, no settings): features and quality, how a profile learns,
candidates and scores, and the page rules with their reasons.

Selectors fetch (profile, catalog, co-watch neighbours, page videos), this package
decides, serializers render. Its tests need no database.
"""

from feeds.ranking.features import Catalog, Features, FeatureTable, PackedFeatures, Wants, catalog_index
from feeds.ranking.learning import (
    KIND_WEIGHTS,
    Event,
    History,
    VideoFacts,
    Weights,
    decay_factor,
    event_weight,
    learn,
    merge,
)
from feeds.ranking.page import diversify, reasons
from feeds.ranking.scoring import (
    Affinity,
    Filters,
    Scored,
    affinity,
    explore_sample,
    for_you_sources,
    for_you_wants,
    interest,
    not_for_me,
    rank,
    rewatch_order,
    score,
    staleness_boosts,
)

__all__ = [
    "KIND_WEIGHTS",
    "Affinity",
    "Catalog",
    "Event",
    "FeatureTable",
    "Features",
    "Filters",
    "History",
    "PackedFeatures",
    "Scored",
    "VideoFacts",
    "Wants",
    "Weights",
    "affinity",
    "catalog_index",
    "decay_factor",
    "diversify",
    "event_weight",
    "explore_sample",
    "for_you_sources",
    "for_you_wants",
    "interest",
    "learn",
    "merge",
    "not_for_me",
    "rank",
    "reasons",
    "rewatch_order",
    "score",
    "staleness_boosts",
]
