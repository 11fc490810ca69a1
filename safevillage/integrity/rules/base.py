"""What every rule shares: the scope it runs on, its findings, and the small statistics the
rules test with (a Poisson lower tail, a binomial upper tail), written out so that a reader
can check them against a textbook."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.functions import Substr

from safevillage.core.periods import Period
from safevillage.incidents.models import Incident
from safevillage.integrity.models import MAX_RECORD_IDS
from safevillage.places.codes import under


@dataclass(frozen=True)
class Scope:
    period: Period
    # A place-code prefix ("" the country): the rules read only records under it.
    prefix: str = ""

    def records(self) -> models.QuerySet[Incident]:
        """The records of the period (by month of occurrence) under the prefix: the
        (place_code, period_month) and (period_month, …) indexes select them."""
        query = Incident.objects.filter(
            period_month__gte=self.period.first_month, period_month__lte=self.period.last_month
        )
        return query.filter(under("place_code", self.prefix))


@dataclass
class Finding:
    rule: str
    place_code: str
    evidence: dict[str, Any]
    record_ids: list[int] = field(default_factory=list)
    record_count: int = 0
    query: dict[str, str] = field(default_factory=dict)


def commune() -> Substr:
    """The commune of a record: the first six digits of its village's code."""
    return Substr("place_code", 1, 6)


def ids_by_commune(query: models.QuerySet[Incident]) -> dict[str, list[int]]:
    """Record ids grouped by commune, at most MAX_RECORD_IDS each (the count is kept apart)."""
    result: dict[str, list[int]] = {}
    for code, pk in query.annotate(c=commune()).values_list("c", "pk").order_by("c", "pk"):
        kept = result.setdefault(code, [])
        if len(kept) < MAX_RECORD_IDS:
            kept.append(pk)
    return result


def counts_by(query: models.QuerySet[Incident], *keys: str) -> dict[tuple[Any, ...], int]:
    """Records counted by commune and the given fields, in one grouped query."""
    rows = query.annotate(c=commune()).values("c", *keys).annotate(n=models.Count("pk")).order_by()
    return {(row["c"], *(row[k] for k in keys)): row["n"] for row in rows}


def poisson_lower_tail(observed: int, expected: float) -> float:
    """P(X <= observed) for X ~ Poisson(expected)."""
    if expected <= 0:
        return 1.0
    term = math.exp(-expected)
    total = term
    for k in range(1, observed + 1):
        term *= expected / k
        total += term
    return min(1.0, total)


def binomial_upper_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in logs so that large n does not underflow."""
    if k <= 0:
        return 1.0
    if p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    total = 0.0
    for i in range(k, n + 1):
        total += math.exp(
            math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q
        )
    return min(1.0, total)


def above_norm(k: int, n: int, norm: float, *, min_count: int, p_value: float = 0.001) -> bool:
    """A count far above the norm: at least ``min_count``, more than twice the norm's share,
    and a binomial tail below ``p_value`` (so a small place's one bad week is not enough)."""
    if k < min_count or n == 0:
        return False
    if k / n <= 2 * norm:
        return False
    return binomial_upper_tail(k, n, norm) < p_value
