"""Writes of the feeds app, one module per concern; import them from here (``services.signals_record``).

- ``signals``: recording signals (the one writer of the raw log), screen time, interest profiles
- ``reports``: reports of videos and accounts, and deciding them
- ``rollups``: video stats and co-watch links from the log, pruning it, and the shared candidate pools
"""

from feeds.models import Source
from feeds.services.reports import (
    ACCOUNT_REPORT_DECISIONS,
    DISMISS_FACTS,
    OUTCOMES,
    REPORT_DECISIONS,
    VIDEO_REPORT_DECISIONS,
    report_create,
    reports_decide,
)
from feeds.services.rollups import pools_sync, signals_prune, signals_rollup
from feeds.services.signals import (
    SCREEN_TIME_LOOKBACK,
    SIGNAL_COLUMNS,
    RecordResult,
    SignalInput,
    profile_learn,
    profile_merge,
    profile_visit_record,
    signals_record,
)

__all__ = [
    "ACCOUNT_REPORT_DECISIONS",
    "DISMISS_FACTS",
    "OUTCOMES",
    "REPORT_DECISIONS",
    "SCREEN_TIME_LOOKBACK",
    "SIGNAL_COLUMNS",
    "VIDEO_REPORT_DECISIONS",
    "RecordResult",
    "SignalInput",
    "Source",
    "pools_sync",
    "profile_learn",
    "profile_merge",
    "profile_visit_record",
    "report_create",
    "reports_decide",
    "signals_prune",
    "signals_record",
    "signals_rollup",
]
