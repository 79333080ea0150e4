"""Settings modules: ``local`` (embedded defaults), ``test`` and ``production``; all share ``base``."""
