"""What every benchmark shares: a throwaway database of the configured engine."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection


@contextmanager
def throwaway_database(name: str, *, keep: bool = False) -> Iterator[str]:
    """Create an empty, migrated database beside the configured one and drop it afterwards.

    Benchmarks seed their own rows; they never touch the development database, and so run
    on a fresh clone before anyone has migrated it. Yields the throwaway database's name
    (kept on request, for investigation).
    """
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(settings.VAR_DIR / f"{name}.sqlite3")
        # A run killed midway leaves its WAL files; a new database beside them fails with "disk I/O error".
        for suffix in ("-wal", "-shm"):
            (settings.VAR_DIR / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        # Its own name: Django's default (test_<NAME>) is the one the test suite uses on the same server.
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_{name}".replace("-", "_")[:63]
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield str(connection.settings_dict["NAME"])
    finally:
        if not keep:
            if connection.vendor == "postgresql":
                # Threads of a benchmark (or a background catalog build) may still hold sessions.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
            connection.creation.destroy_test_db(original_name, verbosity=0)
