"""Writes of the feeds app, one module per concern; import them from here (``services.signals_record``).

- ``signals``: recording signals (the one writer of the raw log), screen time, interest profiles
- ``rollups``: video stats and co-watch links from the log, pruning it, and the shared candidate pools
"""

from feeds.models import Source
from feeds.services.rollups import pools_sync, signals_prune, signals_rollup
from feeds.services.signals import (
    SCREEN_TIME_LOOKBACK,
    SIGNAL_COLUMNS,
    RecordResult,
    SignalInput,
    comment_signal_record,
    profile_learn,
    profile_merge,
    profile_visit_record,
    signals_record,
)

__all__ = [
    "SCREEN_TIME_LOOKBACK",
    "SIGNAL_COLUMNS",
    "RecordResult",
    "SignalInput",
    "Source",
    "comment_signal_record",
    "pools_sync",
    "profile_learn",
    "profile_merge",
    "profile_visit_record",
    "signals_prune",
    "signals_record",
    "signals_rollup",
]
