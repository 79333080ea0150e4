"""What the feeds benchmarks share: a throwaway database of the configured engine."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from feeds.catalog import catalog_reset


@contextmanager
def throwaway_database(name: str, *, keep: bool = False) -> Iterator[str]:
    """Create an empty, migrated database beside the configured one and drop it afterwards.

    Benchmarks seed hundreds of thousands of rows; they never touch the development database.
    Yields the throwaway database's name (kept on request, for investigation).
    """
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(settings.VAR_DIR / f"{name}.sqlite3")
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield str(connection.settings_dict["NAME"])
    finally:
        catalog_reset()
        if not keep:
            connection.creation.destroy_test_db(original_name, verbosity=0)
