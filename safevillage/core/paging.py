"""Pages of a large ordered queryset, read in two steps.

A commune's register at ten million records holds thousands of records. "Its newest twenty"
sorts all of them; if the sort reads whole rows, the database fetches thousands of rows
scattered over the table to return twenty. ``IdsFirst`` asks first for the page's ids only,
which an index holding the filter's and the sort's columns answers without touching the
table, and then reads the twenty rows by id (with the queryset's joins and prefetches).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar, overload

from django.db.models import Model, QuerySet

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
