"""Pages of a large ordered queryset, read in two steps.

A commune's register at ten million records holds thousands of records. "Its newest twenty"
sorts all of them; if the sort reads whole rows, the database fetches thousands of rows
scattered over the table to return twenty. ``IdsFirst`` asks first for the page's ids only,
which an index holding the filter's and the sort's columns answers without touching the
table, and then reads the twenty rows by id (with the queryset's joins and prefetches).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, connections
from django.db.models import DateTimeField, F, Model, OrderBy, Q, QuerySet

M = TypeVar("M", bound=Model)


class IdsFirst(Generic[M]):
    """A sliceable, countable stand-in for an ordered queryset, for Django's ``Paginator``
    and DRF's paginators: ``count()`` and slices (or one index), each in two queries."""

    def __init__(self, queryset: QuerySet[M, M]) -> None:
        if not queryset.ordered:
            raise ValueError("IdsFirst needs an ordered queryset: pages of an unordered one are arbitrary.")
        self.queryset = queryset
        self.ordered = True  # Paginator warns about unordered object lists

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[M]:
        return iter(self.queryset)

    @overload
    def __getitem__(self, index: int) -> M: ...

    @overload
    def __getitem__(self, index: slice) -> list[M]: ...

    def __getitem__(self, index: int | slice) -> M | list[M]:
        if isinstance(index, int):
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        ids = list(self.queryset.values_list("pk", flat=True)[index])
        if not ids:
            return []
        # The same queryset, so the caller's scope applies again to the rows themselves.
        rows_by_id: dict[Any, M] = self.queryset.order_by().in_bulk(ids)
        # A record deleted between the two reads is left out rather than shown half-read.
        return [rows_by_id[pk] for pk in ids if pk in rows_by_id]


# --- Keyset pages ------------------------------------------------------------------------

# Counts stop here: "more than 10,000 records" tells a reader as much as the exact figure,
# and a count that stops reads at most this many matching index entries, where an exact
# count of a national list reads millions, on every page.
COUNT_LIMIT = 10_000
# The most rows an old numbered link (``?page=N``, before keyset links) skips: an offset
# reads every row it skips. Past it, the view sends the first page instead.
MAX_OFFSET = COUNT_LIMIT


# A cursor holds a few values (a time and an id): anything much longer was not written here.
MAX_TOKEN_LENGTH = 200


class CursorError(ValueError):
    """A cursor this list did not write (edited by hand, or of another sort)."""


@dataclass(frozen=True)
class Cursor:
    """A position in an ordered list: the order's key values of one row, and whether the page
    is the one after that row or the one before it. Written into links as one URL-safe token:
    a page's link can be shared or bookmarked and keeps showing the rows from that position,
    whatever was added since."""

    values: tuple[Any, ...]
    before: bool = False

    def token(self) -> str:
        raw = json.dumps(["b" if self.before else "a", *(_plain(v) for v in self.values)], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str, kinds: tuple[type, ...]) -> Cursor:
        if len(token) > MAX_TOKEN_LENGTH:
            raise CursorError(token[:MAX_TOKEN_LENGTH])
        try:
            direction, *values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if direction not in ("a", "b") or len(values) != len(kinds):
                raise CursorError(token)
            typed = tuple(_typed(value, kind) for value, kind in zip(values, kinds, strict=True))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
            raise CursorError(token) from error
        return cls(typed, before=direction == "b")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.datetime) else value


def _typed(value: Any, kind: type) -> Any:
    if kind is datetime.datetime:
        if not isinstance(value, str):
            raise CursorError(value)
        parsed = datetime.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise CursorError(value)
        return parsed
    # Whole numbers (ids, months, ranks), within the databases' 64-bit integers.
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 2**63:
        raise CursorError(value)
    return value


@dataclass
class KeysetPage(Generic[M]):
    rows: list[M]
    count: int  # counted up to COUNT_LIMIT + 1 (``more_than_limit`` then says so), unless known
    next: Cursor | None
    previous: Cursor | None
    exact: bool = False  # the count was known, not counted: exact however large

    @property
    def more_than_limit(self) -> bool:
        return not self.exact and self.count > COUNT_LIMIT

    @property
    def count_limit(self) -> int:
        return COUNT_LIMIT


class KeysetPages(Generic[M]):
    """Pages of an ordered queryset that cost the same at any depth and any size.

    A page is the rows after (or before) a cursor in the order: ``WHERE key < cursor ORDER
    BY key LIMIT n``, which an index in that order answers by reading from the cursor on;
    an offset reads and drops every row it skips. ``keys`` are the order's columns (or
    annotations), the last one unique (the id), all in one direction.

    ``walk_index`` is an index holding the rows in that order with the common filters'
    columns. When more rows match than COUNT_LIMIT, a page walks it from the cursor, checks
    the filters in the index and stops at the page's end: at least one entry in every
    N / COUNT_LIMIT matches (N the table's rows), so a page reads about size x N / COUNT_LIMIT
    entries at most, and usually far fewer. PostgreSQL plans that walk from its statistics; SQLite's say
    nothing about how many codes a place-code range holds, so it would sort the whole
    selection instead: the index is named to it (``INDEXED BY``). A smaller selection is
    found by the index of its filters and sorted, at most COUNT_LIMIT rows (decision 0009).

    A page is three queries: the count (stopping at COUNT_LIMIT + 1), the page's ids and
    keys, and its rows by id (with the queryset's joins and prefetches)."""

    def __init__(
        self,
        queryset: QuerySet[M, M],
        keys: tuple[str, ...],
        descending: bool,
        walk_index: str | None = None,
        known_count: int | None = None,
    ) -> None:
        self.queryset = queryset
        # The selection's count when the caller has it already (a figure's, from the
        # summaries): it is shown, and chooses between walking and sorting, uncounted.
        self.known_count = known_count
        self.keys = keys
        self.descending = descending
        self.walk_index = walk_index
        self.kinds = tuple(_kind(queryset, key) for key in keys)

    def cursor(self, token: str) -> Cursor:
        return Cursor.parse(token, self.kinds)

    def count(self) -> int:
        """The number of rows, counted up to COUNT_LIMIT + 1 (unless known)."""
        if self.known_count is not None:
            return self.known_count
        return self.queryset.order_by()[: COUNT_LIMIT + 1].count()

    def page(self, size: int, cursor: Cursor | None = None) -> KeysetPage[M]:
        """The page after or before ``cursor`` (the first page without one)."""
        count = self.count()
        if cursor is None:
            rows, keys, more = self._read(self.queryset, size, count, reverse=False)
            return self._page(rows, count, self._after(keys[-1]) if more else None, None)
        # After a row in a descending list, or before it in an ascending one: smaller keys.
        greater = cursor.before == self.descending
        rows, keys, more = self._read(
            self.queryset.filter(_beyond(self.keys, cursor.values, greater)), size, count, reverse=cursor.before
        )
        if cursor.before:
            rows.reverse()
            keys.reverse()
            # Before the first page there is nothing; after it, at least the cursor's row.
            previous = self._before(keys[0]) if more else None
            return self._page(rows, count, self._after(keys[-1]) if keys else None, previous)
        return self._page(rows, count, self._after(keys[-1]) if more else None, self._before(keys[0]) if keys else None)

    def numbered(self, size: int, number: int) -> KeysetPage[M] | None:
        """Page ``number`` as an old numbered link (``?page=N``) meant it, by its offset, with
        keyset links onwards; one past the end is the last page. None: too deep to serve."""
        count = self.count()
        offset = (number - 1) * size
        if count <= COUNT_LIMIT:
            offset = min(offset, max(count - 1, 0) // size * size)
        return self.at_offset(size, offset, count)

    def at_offset(self, size: int, offset: int, count: int | None = None) -> KeysetPage[M] | None:
        """The page ``offset`` rows in (the API's old ``?offset=``), with keyset links onwards.
        None past MAX_OFFSET: an offset reads every row it skips."""
        if offset > MAX_OFFSET:
            return None
        if count is None:
            count = self.count()
        rows, keys, more = self._read(self.queryset, size, count, reverse=False, offset=offset)
        return self._page(
            rows, count, self._after(keys[-1]) if more else None, self._before(keys[0]) if keys and offset else None
        )

    def _page(self, rows: list[M], count: int, after: Cursor | None, before: Cursor | None) -> KeysetPage[M]:
        return KeysetPage(rows, count, after, before, exact=self.known_count is not None)

    def _after(self, key: tuple[Any, ...]) -> Cursor:
        return Cursor(key)

    def _before(self, key: tuple[Any, ...]) -> Cursor:
        return Cursor(key, before=True)

    def _read(
        self, queryset: QuerySet[M, M], size: int, count: int, *, reverse: bool, offset: int = 0
    ) -> tuple[list[M], list[tuple[Any, ...]], bool]:
        """The rows of one page, their keys, and whether more rows follow."""
        descending = self.descending != reverse
        ordered = queryset.order_by(*(OrderBy(F(key), descending=descending) for key in self.keys))
        found = ordered.values_list("pk", *self.keys)[offset : offset + size + 1]
        walk = self.walk_index if count > COUNT_LIMIT else None
        read = list(found) if walk is None or connection.vendor != "sqlite" else _indexed_by(found, walk)
        more = len(read) > size
        read = read[:size]
        by_id: dict[Any, M] = self.queryset.order_by().in_bulk([row[0] for row in read]) if read else {}
        # A row deleted between the two reads is left out rather than shown half-read.
        kept = [row for row in read if row[0] in by_id]
        return [by_id[row[0]] for row in kept], [tuple(row[1:]) for row in kept], more


def _beyond(keys: tuple[str, ...], values: tuple[Any, ...], greater: bool) -> Q:
    """Rows whose keys come after ``values`` (``greater``) or before them, as a tuple:
    ``k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND (k2 > v2 OR ...)))``. The first comparison
    alone bounds the index range on both databases; the rest filters within it."""
    strict, loose = ("gt", "gte") if greater else ("lt", "lte")
    condition = Q(**{f"{keys[-1]}__{strict}": values[-1]})
    for key, value in zip(reversed(keys[:-1]), reversed(values[:-1]), strict=True):
        condition = Q(**{f"{key}__{strict}": value}) | (Q(**{key: value}) & condition)
    if len(keys) > 1:
        condition = Q(**{f"{keys[0]}__{loose}": values[0]}) & condition
    return condition


def _kind(queryset: QuerySet[Any, Any], key: str) -> type:
    """What a key's cursor value is: a time, or else a whole number."""
    try:
        field = queryset.model._meta.get_field(key)
    except FieldDoesNotExist:
        return int  # an annotation: a rank
    return datetime.datetime if isinstance(field, DateTimeField) else int


def _indexed_by(found: QuerySet[Any, Any], index: str) -> list[tuple[Any, ...]]:
    """The rows of ``found`` (a ``values_list``) read on SQLite through ``index``
    (``INDEXED BY``), converted as the queryset itself would convert them."""
    db = connections[found.db]
    compiler = found.query.get_compiler(using=found.db)
    sql, params = compiler.as_sql()
    table = db.ops.quote_name(found.model._meta.db_table)
    sql = sql.replace(f"FROM {table}", f"FROM {table} INDEXED BY {db.ops.quote_name(index)}", 1)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(columns)
    return [tuple(row) for row in (compiler.apply_converters(rows, converters) if converters else rows)]
