"""Many rows into one table in few statements, faster than ``bulk_create``: COPY on PostgreSQL (a multi-row
INSERT there spends longer in the driver parsing its thousands of placeholders than in the server),
multi-row VALUES on SQLite. For rollups and bulk loads that write plain values, not model instances."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

ROWS_PER_STATEMENT = 400


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How SQLite's driver needs a column's Python value (PostgreSQL's COPY takes them as they are)."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.UUIDField):
        return lambda value: field.get_db_prep_value(value, connection)
    return None


def rows_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values in the order of ``columns``, JSON columns as JSON text); returns how many."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    by_column = {field.column: field for field in model._meta.concrete_fields}
    adapters = [
        (index, adapt) for index, column in enumerate(columns) if (adapt := _adapter(by_column[column]))
    ]
    slot = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        chunk: list[Any] = []
        pending = 0

        def flush() -> None:
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([slot] * pending)}", chunk)  # noqa: S608

        for row in rows:
            values = list(row)
            for index, adapt in adapters:
                values[index] = adapt(values[index])
            chunk += values
            pending += 1
            count += 1
            if pending == ROWS_PER_STATEMENT:
                flush()
                chunk, pending = [], 0
        if pending:
            flush()
    return count
