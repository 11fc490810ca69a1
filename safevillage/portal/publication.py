"""The portal's figures as they may be published, for the whole country and one period.

One publication covers every place at once - the country, its provinces, districts and
communes - because a figure hidden on one page must stay hidden on every other: a district's
own page and its province's list of districts show the same published figure, and a
commune's hidden count cannot be recovered from its district's total minus its published
neighbours, since the audit (``core/disclosure.py``) sees every sum of the tree at once.

The rule (issue 19): counts from 1 to 4 hidden, the others rounded to 5; shares only from
the published figures, and none where a figure they need is hidden. Only published values
are kept: the exact counts never reach the cache or a page.

A publication is computed once and kept in the cache for ``PORTAL_REFRESH_SECONDS`` (15
minutes by default): a national audience reads a few cached objects, not the summaries. Its
``digest`` is the hash of what it publishes, so that a page's ETag changes only when its
figures do, and ``changed_at`` is the time the digest last changed (the Last-Modified).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from safevillage.core.disclosure import Sum, rounded, suppress_sums
from safevillage.core.periods import Period
from safevillage.portal.figures import GROUPS, MEASURES, commune_counts
from safevillage.safety.classify import framework_in_force
from safevillage.safety.models import SafetyDecision

HIDDEN_UP_TO = 4
ROUND_TO = 5
DEFAULT_REFRESH_SECONDS = 15 * 60
# Bumped when what a publication holds changes shape, so that an old cached one is not read.
VERSION = 1

# The shares published beside the counts: (code, numerator, denominator).
SHARES: tuple[tuple[str, str, str], ...] = (
    ("solved_share", "solved", "reported"),
    ("in_time_share", "in_time", "closed"),
    ("yes_share", "yes", "answered"),
)


@dataclass(frozen=True)
class PlaceFigures:
    code: str  # "" for the country
    counts: dict[str, int | None]  # published: None where hidden
    shares: dict[str, int | None]  # whole percentages; None where hidden or over zero
    forums: int
    # The commune's current safety classification ("safe", "not_safe", "insufficient"), or
    # for a larger place how many of its communes have each.
    safety: str = ""
    safety_tally: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Publication:
    period_id: str
    framework: str
    places: dict[str, PlaceFigures]
    children: dict[str, list[str]]
    digest: str
    computed_at: datetime.datetime
    changed_at: datetime.datetime


def share(numerator: int | None, denominator: int | None) -> int | None:
    """A whole percentage of two published counts; None when either is hidden or the base is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return int((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _tree(communes: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Every place of the tree (country "", provinces, districts, communes) and each one's children."""
    children: dict[str, set[str]] = defaultdict(set)
    for code in communes:
        children[code[:4]].add(code)
        children[code[:2]].add(code[:4])
        children[""].add(code[:2])
    nodes = ["", *sorted({c for kids in children.values() for c in kids})]
    return nodes, {code: sorted(kids) for code, kids in children.items()}


def publish_counts(
    communes: dict[str, dict[str, int]],
) -> tuple[dict[str, dict[str, int | None]], dict[str, list[str]]]:
    """The published counts of every place of the tree built from ``communes`` (code →
    exact counts of ``MEASURES``, each group's parts summing to its whole): hidden from 1
    to ``HIDDEN_UP_TO`` with complementary cells, then rounded to ``ROUND_TO``."""
    nodes, children = _tree(sorted(communes))
    index = {(code, m): n for n, (code, m) in enumerate((code, m) for code in nodes for m in MEASURES)}
    exact: dict[str, dict[str, int]] = {code: dict(counts) for code, counts in communes.items()}
    for code in reversed(nodes):  # children before parents: longer codes sort after
        if code not in exact:
            exact[code] = {m: sum(exact[kid][m] for kid in children[code]) for m in MEASURES}
    values = [exact[code][m] for code in nodes for m in MEASURES]
    sums: list[Sum] = []
    for code in nodes:
        for whole, *parts in GROUPS:
            sums.append(([index[code, p] for p in parts], index[code, whole]))
        if code in children:
            for m in MEASURES:
                sums.append(([index[kid, m] for kid in children[code]], index[code, m]))
    shown = suppress_sums(values, sums, hidden_up_to=HIDDEN_UP_TO)
    published = {code: {m: rounded(shown[index[code, m]], ROUND_TO) for m in MEASURES} for code in nodes}
    return published, children


def _safety(period: Period) -> tuple[str, dict[str, str], dict[str, str]]:
    """The framework in force, and each commune's current classification and its fingerprint
    (so that a changed explanation changes the page's ETag even when the verdict stays)."""
    framework = framework_in_force(period)
    if framework is None:
        return "", {}, {}
    rows = (
        SafetyDecision.objects.current()
        .filter(period_id=period.id, framework=framework, place_code__regex=r"^[0-9]{6}$")
        .values_list("place_code", "overall", "fingerprint")
    )
    overall, fingerprints = {}, {}
    for code, verdict, fingerprint in rows:
        overall[code], fingerprints[code] = verdict, fingerprint
    return framework.code, overall, fingerprints


def compute(period: Period) -> Publication:
    counts = commune_counts(period)
    published, children = publish_counts({code: c.counts for code, c in counts.items()})
    forums: Counter[str] = Counter()
    for code, c in counts.items():
        for prefix in ("", code[:2], code[:4], code):
            forums[prefix] += c.forums
    framework, overall, fingerprints = _safety(period)
    tallies: dict[str, Counter[str]] = defaultdict(Counter)
    for code, verdict in overall.items():
        for prefix in ("", code[:2], code[:4]):
            tallies[prefix][verdict] += 1
    places = {
        code: PlaceFigures(
            code=code,
            counts=figures,
            shares={name: share(figures[num], figures[den]) for name, num, den in SHARES},
            forums=forums[code],
            safety=overall.get(code, ""),
            safety_tally=dict(tallies.get(code, {})),
        )
        for code, figures in published.items()
    }
    digest = hashlib.sha256(
        json.dumps(
            [
                period.id,
                framework,
                {c: [p.counts, p.forums, p.safety, p.safety_tally] for c, p in places.items()},
                fingerprints,
            ],
            sort_keys=True,
        ).encode()
    ).hexdigest()
    now = timezone.now()
    return Publication(period.id, framework, places, children, digest, now, now)


def _refresh_seconds() -> int:
    return int(getattr(settings, "PORTAL_REFRESH_SECONDS", DEFAULT_REFRESH_SECONDS))


# The publications this process has read, with when to look in the cache again: a page reads
# one object in memory instead of unpickling every place of the country from the cache.
_memo: dict[str, tuple[float, Publication]] = {}
MEMO_SECONDS = 30


def _key(period: Period) -> str:
    return f"portal:v{VERSION}:{period.id}"


def publication(period: Period) -> Publication:
    """The period's publication, from this process's memory, the cache or computed now."""
    key = _key(period)
    remembered = _memo.get(key)
    if remembered is not None and remembered[0] > time.monotonic():
        return remembered[1]
    found = cache.get(key)
    if isinstance(found, Publication):
        _memo[key] = (time.monotonic() + MEMO_SECONDS, found)
        return found
    return refresh(period)


def refresh(period: Period) -> Publication:
    """Compute the period's publication now and keep it in the cache (the portal job does,
    before the cached one expires, so that no visitor waits for a computation)."""
    key = _key(period)
    fresh = compute(period)
    # Last-Modified is when the published figures last changed, not when they were recomputed.
    seen = cache.get(f"{key}:changed")
    if isinstance(seen, tuple) and seen[0] == fresh.digest:
        fresh = Publication(**{**fresh.__dict__, "changed_at": seen[1]})
    cache.set(f"{key}:changed", (fresh.digest, fresh.changed_at), None)
    cache.set(key, fresh, _refresh_seconds())
    _memo[key] = (time.monotonic() + MEMO_SECONDS, fresh)
    return fresh


def forget() -> None:
    """Drop this process's remembered publications (after the cache was cleared: tests)."""
    _memo.clear()
