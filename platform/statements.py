"""Statements the ORM builds the same way on every request, compiled once per shape and run with each
request's own values.

On the hottest lookups (may this viewer see this video: every watch page, comment and file) Django took
several times longer to build and compile a query than the database took to answer it. A
``StatementCache`` asks a ``build`` function for the query once per key, with stand-in values no real
row has; it notes where each stand-in landed among the compiled parameters and, afterwards, runs the
same SQL with the real values in those places. The rule stays in the ORM code that ``build`` calls;
only its compiled form is reused.

The key must hold everything the query depends on besides the stand-ins (the caller's viewer kind, the
day when dates are in it, the database). When a stand-in cannot be told apart from the query's own
parameters, nothing is cached for that key and ``run`` answers None: the caller asks the ORM then.
"""

from __future__ import annotations

import datetime
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# Stand-ins no real row has: ids far below any key, uuids from a range no uuid4 falls in (version 0).
STAND_IN_ID = -(2**52) + 7
STAND_IN_UUID = uuid.UUID(int=0xF00D_0000_0000_0000_0000_0000_0000_0001)


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where a compiled statement takes the named value, and in which form: as given, a uuid as 32 hex
    digits (``"hex"``, as SQLite keeps them), or a time as the database takes it (``"datetime"``)."""

    name: str
    form: str = ""


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    params: tuple[Any, ...]  # compiled values, and a ``_Slot`` where a stand-in stood
    # What turns a column's database value into its field's Python value, as the ORM would (a uuid from
    # SQLite's text, a date, JSON): (position, converters, expression).
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...] = ()

    def run(self, values: Mapping[str, Any]) -> list[list[Any]]:
        """The rows, each column as the ORM would give it (``values_list``'s values)."""
        params = [
            _adapt(param, values[param.name]) if isinstance(param, _Slot) else param for param in self.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for position, functions, expression in self.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        return rows


def _adapt(slot: _Slot, value: Any) -> Any:
    if slot.form == "hex":
        return value.hex
    if slot.form == "datetime":
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _find(value: Any, stand_ins: Mapping[str, Any]) -> _Slot | None:
    for name, stand_in in stand_ins.items():
        if type(value) is type(stand_in) and value == stand_in:
            return _Slot(name)
        if isinstance(stand_in, uuid.UUID) and isinstance(value, str) and value == stand_in.hex:
            return _Slot(name, "hex")
        if (
            isinstance(stand_in, datetime.datetime)
            and not isinstance(value, datetime.datetime)
            and value == connection.ops.adapt_datetimefield_value(stand_in)
        ):
            return _Slot(name, "datetime")
    return None


def compile_statement(queryset: QuerySet[Any, Any], stand_ins: Mapping[str, Any]) -> Statement | None:
    """``queryset``'s SQL with each of ``stand_ins`` (name -> stand-in value) turned into a slot; None when
    a stand-in is missing from the parameters (it was folded into the SQL, or never used)."""
    compiler = queryset.query.get_compiler(DEFAULT_DB_ALIAS)
    try:
        sql, compiled = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):  # a stand-in the ORM reasoned about: not a statement to reuse
        return None
    params = tuple(_find(value, stand_ins) or value for value in compiled)
    found = {param.name for param in params if isinstance(param, _Slot)}
    if found != set(stand_ins):
        return None
    converters = compiler.get_converters([column for column, _, _ in compiler.select])
    return Statement(
        sql,
        params,
        tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in converters.items()
        ),
    )


class StatementCache:
    """Compiled statements by key, at most ``size`` of them (the oldest go first), shared by threads."""

    def __init__(self, *, size: int = 256) -> None:
        self._size = size
        self._statements: OrderedDict[Hashable, Statement | None] = OrderedDict()
        self._lock = threading.Lock()

    def statement(
        self, key: Hashable, stand_ins: Mapping[str, Any], build: Callable[[], QuerySet[Any, Any]]
    ) -> Statement | None:
        """The statement for ``key``: the first time, ``build()`` makes the query with ``stand_ins`` in it."""
        full_key = (connection.vendor, key)
        with self._lock:
            if full_key in self._statements:
                self._statements.move_to_end(full_key)
                return self._statements[full_key]
        statement = compile_statement(build(), stand_ins)
        with self._lock:
            self._statements[full_key] = statement
            while len(self._statements) > self._size:
                self._statements.popitem(last=False)
        return statement

    def clear(self) -> None:
        with self._lock:
            self._statements.clear()


def ids_param(ids: list[int]) -> list[int] | str:
    """A list of ids as one statement parameter: an array for PostgreSQL, JSON text for SQLite's
    ``json_each``. One parameter keeps a compiled statement's shape whatever the number of ids (a list of
    placeholders is parsed and planned again for every length)."""
    return ids if connection.vendor == "postgresql" else json.dumps(ids)


def ids_subquery(param: list[int] | str) -> RawSQL:
    """The ids of an ``ids_param`` as a subquery, for ``pk__in=``."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (param,))
    return RawSQL("SELECT value FROM json_each(%s)", (param,))
