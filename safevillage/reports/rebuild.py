"""Recomputing the summaries from the records, and proving that the kept ones agree.

Both read the same GROUP BY queries over the register (``expected_*``), so the rules of
``summary.summary_row`` are written twice: once per record in Python for the incremental
path, once here in SQL. ``check_summaries`` comparing the two after real workloads is what
keeps them honest.

A village's figures come from the register through ``village_cases`` and
``village_channels``, with the same counters.

Both stream: rows come from the database ordered by key and are merged (check) or inserted
in batches (rebuild), so memory stays flat at any size of register.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Substr

from safevillage.incidents.deadlines import overdue_from_sql
from safevillage.incidents.models import Incident
from safevillage.reports.models import MEASURES, Basis, CaseSummary, ChannelSummary, CrimeSummary, Grain, OpenDeadline

BATCH = 5000
_CLOSED = Q(status="closed")


def _case_aggregates() -> dict[str, Any]:
    def count(q: Q) -> Count:
        return Count("id", filter=q)

    return {
        "reported": Count("id"),
        "open": count(~_CLOSED),
        "closed": count(_CLOSED),
        "solved": count(_CLOSED & Q(outcome="solved")),
        "solved_by_arrest": count(_CLOSED & Q(outcome="solved", clearance="arrest")),
        "mediated": count(_CLOSED & Q(outcome="mediated")),
        "referred": count(_CLOSED & Q(outcome="referred")),
        "transferred": count(_CLOSED & Q(outcome="transferred")),
        "unfounded": count(_CLOSED & Q(outcome="unfounded")),
        "resolved": count(_CLOSED & Q(outcome="resolved")),
        "unresolved": count(_CLOSED & Q(outcome="unresolved")),
        "arrests": Coalesce(Sum("arrests"), Value(0)),
        "deaths": Coalesce(Sum("deaths"), Value(0)),
        "injuries": Coalesce(Sum("injuries"), Value(0)),
        "closed_in_time": count(_CLOSED & Q(closed_at__lte=F("close_due_at"))),
        "answered": count(Q(complainant_satisfied__isnull=False)),
        "satisfied": count(Q(complainant_satisfied=True)),
    }


def _quarter_of(month: models.Expression | F) -> models.Expression:
    # YYYYMM -> YYYYQ with integer arithmetic only. Not MOD: Django's SQLite MOD is a Python
    # float function, and a float key splits one quarter into three groups.
    year = month / 100
    return models.ExpressionWrapper(year * 10 + ((month - year * 100) - 1) / 3 + 1, output_field=models.IntegerField())


# Inclusive ranges of record ids, not empty: the records a bulk run added (None: every record).
IdRanges = list[tuple[int, int]] | None


def _counted(ids: IdRanges) -> Any:
    # Any: the type checker's plugin cannot follow the annotated key names.
    records: Any = Incident.objects.counted()
    if ids is None:
        return records
    return records.filter(functools.reduce(operator.or_, (Q(id__gte=first, id__lte=last) for first, last in ids)))


def _by_basis(basis: str, ids: IdRanges = None) -> tuple[Any, F, dict[str, Any]]:
    """The records a basis counts, the month it counts them in, and its counters."""
    records = _counted(ids)
    aggregates = _case_aggregates()
    if basis == Basis.OCCURRED:
        return records, F("period_month"), aggregates
    # Closures are not "reported" or "open" in their closing month.
    aggregates["reported"] = Value(0)
    aggregates["open"] = Value(0)
    return records.filter(_CLOSED, closed_month__isnull=False), F("closed_month"), aggregates


def expected_cases(basis: str, grain: str, ids: IdRanges = None) -> models.QuerySet[Incident, dict[str, Any]]:
    """The case summary rows the records (or the records of ``ids``) imply, ordered by key."""
    records, month, aggregates = _by_basis(basis, ids)
    if grain == Grain.MONTH:
        records = records.annotate(k_place=Substr("place_code", 1, 6), k_period=month)
    else:
        records = records.annotate(k_place=Substr("place_code", 1, 6), k_period=_quarter_of(month))
    return (
        records.values("k_place", "k_period", "category_id")
        .annotate(**aggregates)
        .order_by("k_place", "k_period", "category_id")
    )


def expected_channels(grain: str, ids: IdRanges = None) -> models.QuerySet[Incident, dict[str, Any]]:
    records = _counted(ids)
    if grain == Grain.MONTH:
        records = records.annotate(k_place=Substr("place_code", 1, 6), k_period=F("period_month"))
    else:
        records = records.annotate(k_place=Substr("place_code", 1, 6), k_period=_quarter_of(F("period_month")))
    return (
        records.values("k_place", "k_period", "channel")
        .annotate(reported=Count("id"))
        .order_by("k_place", "k_period", "channel")
    )


def expected_crimes(grain: str, ids: IdRanges = None) -> models.QuerySet[Incident, dict[str, Any]]:
    """The crime summary rows: records of crime categories by commune and month of occurrence
    (or its quarter), with those closed as solved."""
    records = _counted(ids).filter(category__is_crime=True)
    month = F("period_month")
    period = month if grain == Grain.MONTH else _quarter_of(month)
    return (
        records.annotate(k_place=Substr("place_code", 1, 6), k_period=period)
        .values("k_place", "k_period")
        .annotate(reported=Count("id"), solved=Count("id", filter=_CLOSED & Q(outcome="solved")))
        .order_by("k_place", "k_period")
    )


def expected_deadlines(ids: IdRanges = None) -> models.QuerySet[Incident, dict[str, Any]]:
    """The ``OpenDeadline`` rows the open records (or the open records of ``ids``) imply:
    counted by commune, month of occurrence, category and overdue instant, ordered by key."""
    return (
        _counted(ids)
        .open()
        .annotate(k_place=Substr("place_code", 1, 6), k_due=overdue_from_sql())
        .values("k_place", "period_month", "category_id", "k_due")
        .annotate(n=Count("id"))
        .order_by("k_place", "period_month", "category_id", "k_due")
    )


def village_cases(village_code: str, basis: str, first: int, last: int) -> models.QuerySet[Incident, dict[str, Any]]:
    """One village's counters by month (``k_period``) and category, read from the register
    with the summaries' own rules: there is no village grain (its few records a month are
    found through the (place_code, period_month) index)."""
    records, month, aggregates = _by_basis(basis)
    return (
        records.filter(place_code=village_code)
        .annotate(k_period=month)
        .filter(k_period__gte=first, k_period__lte=last)
        .values("k_period", "category_id")
        .annotate(**aggregates)
        .order_by()
    )


def village_channels(village_code: str, first: int, last: int) -> models.QuerySet[Incident, dict[str, Any]]:
    """One village's records by month (``k_period``) and channel, from the register."""
    return (
        Incident.objects.counted()
        .filter(place_code=village_code, period_month__gte=first, period_month__lte=last)
        .annotate(k_period=F("period_month"))
        .values("k_period", "channel")
        .annotate(reported=Count("id"))
        .order_by()
    )


# --- one iterator per summary table part: (key, counters) in key order --------------------
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Part:
    """One slice of a summary table: a basis and grain of case summaries, or a grain of channels."""

    table: str
    basis: str
    grain: str

    def expected(self) -> Iterator[tuple[Key, dict[str, int]]]:
        if self.table == "case":
            for row in expected_cases(self.basis, self.grain).iterator(chunk_size=BATCH):
                yield (row["k_place"], row["k_period"], row["category_id"]), {m: int(row[m]) for m in MEASURES}
        elif self.table == "crime":
            for row in expected_crimes(self.grain).iterator(chunk_size=BATCH):
                yield (row["k_place"], row["k_period"]), {"reported": row["reported"], "solved": row["solved"]}
        elif self.table == "deadline":
            for row in expected_deadlines().iterator(chunk_size=BATCH):
                yield (row["k_place"], row["period_month"], row["category_id"], row["k_due"]), {"n": row["n"]}
        else:
            for row in expected_channels(self.grain).iterator(chunk_size=BATCH):
                yield (row["k_place"], row["k_period"], row["channel"]), {"reported": int(row["reported"])}

    def actual(self) -> Iterator[tuple[Key, dict[str, int]]]:
        if self.table == "case":
            rows = (
                CaseSummary.objects.filter(basis=self.basis, grain=self.grain)
                .order_by("place_code", "period_key", "category_id")
                .values_list("place_code", "period_key", "category_id", *MEASURES)
            )
            for row in rows.iterator(chunk_size=BATCH):
                counters = dict(zip(MEASURES, row[3:], strict=True))
                if any(counters.values()):  # a row whose records all moved away reads as absent
                    yield row[:3], counters
        elif self.table == "crime":
            crimes = (
                CrimeSummary.objects.filter(grain=self.grain)
                .order_by("place_code", "period_key")
                .values_list("place_code", "period_key", "reported", "solved")
            )
            for place_code, period_key, reported, solved in crimes.iterator(chunk_size=BATCH):
                if reported or solved:
                    yield (place_code, period_key), {"reported": reported, "solved": solved}
        elif self.table == "deadline":
            deadlines = OpenDeadline.objects.order_by(
                "place_code", "period_month", "category_id", "due_at"
            ).values_list("place_code", "period_month", "category_id", "due_at", "n")
            for *key, n in deadlines.iterator(chunk_size=BATCH):
                if n:
                    yield tuple(key), {"n": n}
        else:
            channels = (
                ChannelSummary.objects.filter(grain=self.grain)
                .order_by("place_code", "period_key", "channel")
                .values_list("place_code", "period_key", "channel", "reported")
            )
            for place_code, period_key, channel, reported in channels.iterator(chunk_size=BATCH):
                if reported:
                    yield (place_code, period_key, channel), {"reported": reported}

    def __str__(self) -> str:
        return "/".join(p for p in (self.table, self.basis, self.grain) if p)


PARTS = (
    Part("case", Basis.OCCURRED, Grain.MONTH),
    Part("case", Basis.OCCURRED, Grain.QUARTER),
    Part("case", Basis.CLOSED, Grain.MONTH),
    Part("case", Basis.CLOSED, Grain.QUARTER),
    Part("channel", "", Grain.MONTH),
    Part("channel", "", Grain.QUARTER),
    Part("crime", "", Grain.MONTH),
    Part("crime", "", Grain.QUARTER),
    Part("deadline", "", ""),
)


@dataclass(frozen=True)
class Difference:
    part: str
    key: Key
    expected: dict[str, int] | None
    actual: dict[str, int] | None

    def describe(self) -> str:
        return f"{self.part} {self.key}: records give {self.expected}, summary holds {self.actual}"


def differences(parts: tuple[Part, ...] = PARTS) -> Iterator[Difference]:
    """Every key where the summaries and the records disagree, in key order per part."""
    for part in parts:
        expected, actual = part.expected(), part.actual()
        e, a = next(expected, None), next(actual, None)
        while e is not None or a is not None:
            if e is not None and (a is None or e[0] < a[0]):
                yield Difference(str(part), e[0], e[1], None)
                e = next(expected, None)
            elif a is not None and (e is None or a[0] < e[0]):
                yield Difference(str(part), a[0], None, a[1])
                a = next(actual, None)
            elif e is not None and a is not None:
                if e[1] != a[1]:
                    yield Difference(str(part), e[0], e[1], a[1])
                e, a = next(expected, None), next(actual, None)


@transaction.atomic
def rebuild() -> dict[str, int]:
    """Replace every summary with what the records give; returns rows written per part.
    Deterministic: the same records always give the same rows."""
    CaseSummary.objects.all().delete()
    ChannelSummary.objects.all().delete()
    CrimeSummary.objects.all().delete()
    OpenDeadline.objects.all().delete()
    written: dict[str, int] = {}
    for part in PARTS:
        batch: list[models.Model] = []
        count = 0
        for key, counters in part.expected():
            if part.table == "case":
                place_code, period_key, category_id = key
                batch.append(
                    CaseSummary(
                        basis=part.basis,
                        grain=part.grain,
                        place_code=place_code,
                        period_key=period_key,
                        category_id=category_id,
                        **counters,
                    )
                )
            elif part.table == "crime":
                place_code, period_key = key
                batch.append(CrimeSummary(grain=part.grain, place_code=place_code, period_key=period_key, **counters))
            elif part.table == "deadline":
                place_code, period_month, category_id, due_at = key
                batch.append(
                    OpenDeadline(
                        place_code=place_code,
                        period_month=period_month,
                        category_id=category_id,
                        due_at=due_at,
                        **counters,
                    )
                )
            else:
                place_code, period_key, channel = key
                batch.append(
                    ChannelSummary(
                        grain=part.grain, place_code=place_code, period_key=period_key, channel=channel, **counters
                    )
                )
            count += 1
            if len(batch) >= BATCH:
                _flush(batch)
        _flush(batch)
        written[str(part)] = count
    return written


def _flush(batch: list[models.Model]) -> None:
    if batch:
        type(batch[0])._default_manager.bulk_create(batch, batch_size=BATCH)
        batch.clear()
