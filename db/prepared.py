"""Statements a load runs for every file, compiled once per database and run
on the connection's driver cursor.

SQLAlchemy Core spends more time per `execute` (cache key, parameter
coercion, result set-up) than SQLite spends inserting a few dozen rows; the
writer runs about twenty statements per file. A `Prepared` statement is
still written in Core, so that each backend gets its own SQL (placeholders,
casts, `on conflict`), but it is compiled once per dialect and then handed
straight to the driver inside the caller's transaction, with rows given as
tuples in a fixed order. Driver errors come out wrapped as SQLAlchemy's
(`DBAPIError` and its subclasses), as from `Connection.execute`.
"""
from __future__ import annotations

import operator
import weakref
from dataclasses import dataclass
from typing import Callable, Sequence

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import Insert

Row = Sequence[object]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    convert: Callable[[Row], object]  # a row in `params` order -> what the driver takes


class Prepared:
    """`statement` (a Core statement, or a function of the dialect that
    builds one) whose bound parameters are `params`, in the order rows give
    them. An `insert(table)` without values inserts the `params` columns."""

    def __init__(self, statement: Executable | Callable[[Dialect], Executable], params: Sequence[str] = ()):
        self.statement = statement
        self.params = tuple(params)
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            found = self._compiled[dialect] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        statement = self.statement if isinstance(self.statement, Executable) else self.statement(dialect)
        keys = list(self.params) if isinstance(statement, Insert) else None
        compiled = statement.compile(dialect=dialect, column_keys=keys)
        position = {name: i for i, name in enumerate(self.params)}
        # What SQLAlchemy would bind for each parameter: a row's value or the
        # statement's own literal, through the type's conversion (JSON to text).
        constants = {}
        for name, bind in compiled.binds.items():
            if name not in position:
                if bind.required or bind.callable is not None:
                    raise ValueError(f"parameter {name!r} of {compiled.string!r} is not among {self.params}")
                constants[name] = bind.effective_value
        processors = compiled._bind_processors
        if compiled.positiontup is not None:
            convert = _positional(
                [(position.get(name), constants.get(name), processors.get(name)) for name in compiled.positiontup],
                len(self.params),
            )
        else:
            fixed = {name: processors[name](value) if name in processors else value
                     for name, value in constants.items()}
            row_processors = {name: fn for name, fn in processors.items() if name in position}

            def convert(row: Row) -> dict:
                named = dict(zip(self.params, row), **fixed)
                for name, fn in row_processors.items():
                    named[name] = fn(named[name])
                return named
        return _Compiled(compiled.string, convert)

    def execute(self, conn: Connection, row: Row = ()) -> list[tuple]:
        """Run with one row of parameters; the rows it returns (RETURNING, SELECT)."""
        compiled = self.compiled(conn.dialect)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(compiled.sql, compiled.convert(row))
            return cursor.fetchall() if cursor.description is not None else []
        except conn.dialect.loaded_dbapi.Error as error:
            raise wrapped(conn, compiled.sql, row, error) from error
        finally:
            cursor.close()

    def execute_many(self, conn: Connection, rows: Sequence[Row]) -> None:
        """Run once per row (the driver's `executemany`); nothing is returned."""
        if not rows:
            return
        compiled = self.compiled(conn.dialect)
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(compiled.sql, [compiled.convert(row) for row in rows])
        except conn.dialect.loaded_dbapi.Error as error:
            raise wrapped(conn, compiled.sql, rows, error) from error
        finally:
            cursor.close()

    def scalar(self, conn: Connection, row: Row = ()):
        """The first column of the first row returned, or None."""
        found = self.execute(conn, row)
        return found[0][0] if found else None


def _positional(steps: list[tuple[int | None, object, Callable | None]], width: int) -> Callable[[Row], Sequence]:
    """Row (`width` values) -> the driver's parameters, for placeholders that
    take, in turn, (row index or None for a constant, the constant, the
    type's conversion or None)."""
    order = [index for index, _, _ in steps]
    if None in order:
        # The statement's literals, converted once; the row's values go into their places.
        template = [
            None if index is not None else constant if fn is None else fn(constant) for index, constant, fn in steps
        ]
        slots = [(place, index, fn) for place, (index, _, fn) in enumerate(steps) if index is not None]

        def convert(row: Row) -> list:
            values = template.copy()
            for place, index, fn in slots:
                values[place] = row[index] if fn is None else fn(row[index])
            return values

        return convert
    if order == list(range(width)):
        take = tuple
    elif len(order) == 1:
        take = lambda row: (row[order[0]],)  # noqa: E731
    else:
        take = operator.itemgetter(*order)  # an insert lists the table's columns in its own order
    fixes = [(place, fn) for place, (_, _, fn) in enumerate(steps) if fn is not None]
    if not fixes:
        return take

    def convert(row: Row) -> list:
        values = list(take(row))
        for place, fn in fixes:
            values[place] = fn(values[place])
        return values

    return convert


def wrapped(conn: Connection, sql: str, params, error: Exception) -> DBAPIError:
    """The driver's `error` as SQLAlchemy raises it (e.g. `IntegrityError`, with `.orig`)."""
    return DBAPIError.instance(sql, params, error, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect)
