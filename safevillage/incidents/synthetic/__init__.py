"""A synthetic register of national size, for demonstrations and benchmarks.

Invented records, never to be mixed with a real register (``generate_synthetic`` runs only
with DEBUG on, and every description starts "Synthetic record"). What makes them realistic:

- **where**: each village's weight is its population — its own figure, else its commune's
  split evenly, else its province's census population split unevenly (a log-normal share per
  village) — times a multiplier per province and kind of case drawn from the seed, so that
  provinces differ as they do in real figures;
- **what**: a mix of categories calibrated to national figures reported by the press (about
  3,300 criminal cases a year, 6,390 to 10,630 drug cases, about 3,000 road accidents, and
  complaints and disputes recorded at commune level many times more numerous than crimes),
  with yearly trends;
- **when**: seasons — road accidents peak at Khmer New Year (13 to 16 April) and Pchum Ben
  (September, October), thefts in the dry season (November to April), floods from August to
  October, dengue from June to September — and hours of the day per kind of case;
- **how they went**: the channels each kind of case comes through; acknowledgement, first
  action and closure times around the category's deadlines (most closed within weeks, some
  never closed and now overdue, a few reopened, a few withdrawn); outcomes each category
  allows (mediation only where permitted, clearance by arrest or exceptional means for solved
  crimes), arrests for drug cases (about 2.4 per case, as in the 2022 to 2024 figures), deaths
  and injuries for road accidents when the register has those columns.

Everything is drawn from one ``random.Random(seed)`` in a fixed order, so a seed, a size, an
end year and a gazetteer give the same records every time (the date of the run matters only
when the end year is the current one: records stop at the present).

Writing: one transaction per chunk, outside any other (a run inside one is refused). On
SQLite a thread draws the next chunks while the database writes the present one, and hands
each over in a scratch table that one ``INSERT ... SELECT`` copies (``stage``); on PostgreSQL
the chunk is drawn, then written by ``COPY``. Each chunk's transaction also takes the
reference numbers from ``ReferenceCounter`` under its lock, moves the counters on, and
appends **one audit event per province and chunk** ("synthetic.generate":
seed, chunk, record count, id range and each district's reference range) rather than one per
record: the chain stays intact and says exactly what was generated, while an event per record
would double the writes. A run that adds at least as many records as the register holds sets
the register's secondary indexes aside while it writes and builds them again at its end
(``write.SetAside``): one sort per index instead of millions of scattered updates. At the end
the run's records are added to the report summaries by the database, in one pass per summary
table (``reports.bulk_rebuild.add_records``: the rows ``rebuild_summaries`` would give), so
each counter is written once and the cost follows the records added, not the size of the
register. Until then the summaries lag behind the chunks already written; a run cut short
leaves ``check_summaries`` to say so and ``rebuild_summaries`` to repair it (and, if it was
killed outright, the indexes it set aside to the next run).

The package: ``calibration`` (the figures), ``plan`` (what to generate), ``inputs`` (places
and categories), ``draw`` (the records), ``write`` (chunks, counters, audit), ``stage`` (the
drawing thread); ``generate`` below runs them.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.core import planner_stats
from safevillage.incidents.models import Incident
from safevillage.incidents.synthetic.calibration import DAY
from safevillage.incidents.synthetic.draw import Formatter, Generator, casualty_columns
from safevillage.incidents.synthetic.inputs import load_categories, load_villages
from safevillage.incidents.synthetic.plan import Plan, SyntheticError
from safevillage.incidents.synthetic.stage import Staging
from safevillage.incidents.synthetic.write import Result, SetAside, Writer, chunks, large_page_cache

__all__ = ["Plan", "Result", "SyntheticError", "as_of_for", "generate", "prepare"]


def as_of_for(plan: Plan, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment the register is generated "as at": the end of the end year, or now."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    end = datetime.datetime(plan.end_year + 1, 1, 1, tzinfo=zone)
    now = now or timezone.now()
    return min(end, now.replace(second=0, microsecond=0))


def prepare(plan: Plan, as_of: datetime.datetime) -> Generator:
    """The generator of ``plan`` as at ``as_of``, reading the places and categories (raises
    SyntheticError when either is missing)."""
    # Reproducible on purpose (same seed, same register); nothing secret is drawn.
    rng = random.Random(plan.seed)  # noqa: S311  # nosec B311
    categories = load_categories()
    villages = load_villages(rng, timezone.localdate(as_of))
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    first_day = int(datetime.datetime(plan.first_year, 1, 1, tzinfo=zone).timestamp()) // DAY - 1
    formatter = Formatter(first_day, "+00" if connection.vendor == "postgresql" else "")
    # Deadlines and closures run past the end of the period; nothing is written later than a
    # year after it.
    formatter.extend(int(as_of.timestamp()) // DAY + 400)
    return Generator(plan, categories, villages, rng, as_of, formatter, casualty_columns())


def generate(
    plan: Plan,
    *,
    now: datetime.datetime | None = None,
    summaries: bool = True,
    progress: Callable[[Result], None] | None = None,
) -> Result:
    """Generate ``plan.incidents`` records, commit them chunk by chunk with their audit
    events, then, unless ``summaries`` is False, add them to the report summaries. Raises
    SyntheticError before writing anything when called inside a transaction or when the
    gazetteer or the policy is missing."""
    from safevillage.reports.bulk_rebuild import add_records, parallel_sorts, summary_models

    if connection.in_atomic_block:
        raise SyntheticError(_("A run commits chunk by chunk: start it outside any transaction."))
    as_of = as_of_for(plan, now)
    generator = prepare(plan, as_of)
    writer = Writer(plan, casualty_columns())
    result = Result(as_of=as_of)

    aside = SetAside.for_run(plan.incidents)
    aside.drop()
    try:
        drawn = chunks(generator.records(), plan.chunk)
        # SQLite: drawn in a thread while the database writes (``stage``).
        staging = Staging(drawn, writer.columns) if connection.vendor == "sqlite" else None
        with staging or contextlib.nullcontext(drawn) as handed, large_page_cache():
            # Drawing: waiting for the next chunk (with a thread, what the writing did not hide).
            started = time.perf_counter()
            for chunk in handed:
                drawn_at = time.perf_counter()
                result.drawing += drawn_at - started
                first_id, last_id, events = writer.write(chunk)
                started = time.perf_counter()
                result.writing += started - drawn_at
                result.chunks += 1
                result.records += chunk.size
                result.events += events
                result.first_id = first_id if result.first_id is None else result.first_id
                result.last_id = last_id
                result.ranges.append((first_id, last_id))
                if progress:
                    progress(result)
        if staging:
            result.thread_drawing, result.thread_copying = staging.drawing, staging.copying
    finally:
        with parallel_sorts():
            started = time.perf_counter()
            aside.rebuild()
            result.writing += time.perf_counter() - started
    started = time.perf_counter()
    if summaries:
        with transaction.atomic():
            add_records(result.ranges)
    # Fresh statistics: the planner would otherwise read millions of rows as a few
    # (core/planner_stats.py). On PostgreSQL, VACUUM as well, as autovacuum would after a load
    # this size: it marks the new pages all-visible, so that a page of the register is read
    # from an index alone (core.paging) instead of from the rows.
    analysed: list[type[Model]] = [Incident, *summary_models()]
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in analysed)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
    else:
        planner_stats.analyze(*analysed)
    result.summaries = time.perf_counter() - started
    return result
