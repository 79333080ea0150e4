"""benchmark_analytics, by concern: the world (``world``), the timed dashboard and raw baselines
(``dashboard``), the check of every number (``recount``) and the run that ties them (``run``)."""
