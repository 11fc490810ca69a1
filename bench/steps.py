"""The benchmark's steps that run inside Django, one database per process (``DATABASE_URL``).

``python bench/steps.py STEP [options]`` prints one line ``BENCH-RESULT {json}`` at the end;
``bench/run.py`` runs the steps in order for each database and writes docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safevillage.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from timing import timed  # noqa: E402

from safevillage.core.periods import Period  # noqa: E402
from safevillage.reports.bulk_rebuild import summary_models  # noqa: E402

SHARED_POPULATION = ROOT.parent / "shared" / "data" / "population" / "khm_gazetteer_with_population.csv"
SHARED_BOUNDARIES = ROOT.parent / "shared" / "data" / "boundaries"


def emit(result: dict[str, Any]) -> None:
    print("BENCH-RESULT " + json.dumps(result, default=str))


# --- set-up ---------------------------------------------------------------------------------


def populations(_args: argparse.Namespace) -> None:
    """Bench only: the rough 2019 estimates of the communes from ../shared/data (2008 census
    matched to today's villages), so that the ranking has rates to rank. Skipped when absent."""
    if not SHARED_POPULATION.exists():
        emit({"communes": 0, "note": f"{SHARED_POPULATION} not found: communes have no population"})
        return
    target = ROOT / "var" / "bench" / "commune_population.csv"
    count = 0
    with SHARED_POPULATION.open(encoding="utf-8") as source, target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "population", "year", "source"])
        for row in csv.DictReader(source):
            estimate = row["population_2019_rough_estimate"]
            if row["level"] == "commune" and estimate:
                writer.writerow([row["code"], round(float(estimate)), 2019, "estimate"])
                count += 1
    call_command("import_population", str(target), stdout=io.StringIO())
    emit({"communes": count, "note": "rough 2019 estimates derived from the 2008 census (shared/data)"})


def boundaries(_args: argparse.Namespace) -> None:
    """Bench only: the provinces', districts' and communes' outlines from ../shared/data, so
    that the national map page draws what it draws in production. Skipped when absent."""
    files = sorted(SHARED_BOUNDARIES.glob("khm_adm[123]_*.geojson")) if SHARED_BOUNDARIES.exists() else []
    for path in files:
        call_command("import_boundaries", str(path), "--no-progress", "-v", "0", stdout=io.StringIO())
    emit({"files": [path.name for path in files], "note": "" if files else f"{SHARED_BOUNDARIES} not found"})


def generate(args: argparse.Namespace) -> None:
    from safevillage.audit.verify import verify_chain
    from safevillage.incidents.models import Incident
    from safevillage.incidents.synthetic import Plan
    from safevillage.incidents.synthetic import generate as run
    from safevillage.reports.rebuild import differences

    plan = Plan(years=args.years, incidents=args.incidents, seed=args.seed, end_year=args.end_year, chunk=args.chunk)
    result = run(plan)
    started = time.perf_counter()
    verdict = verify_chain()
    chain_seconds = time.perf_counter() - started
    out: dict[str, Any] = {
        "records": result.records,
        "total": Incident.objects.count(),
        "drawing": result.drawing,
        "writing": result.writing,
        "summaries": result.summaries,
        "thread_drawing": result.thread_drawing,
        "thread_copying": result.thread_copying,
        "seconds": result.seconds,
        "rate": result.records / result.seconds,
        "rate_without_summaries": result.records / (result.drawing + result.writing),
        "events": result.events,
        "chain_intact": verdict.intact,
        "chain_events": verdict.events,
        "chain_seconds": chain_seconds,
        "summary_rows": sum(model._default_manager.count() for model in summary_models()),
    }
    if args.check:
        started = time.perf_counter()
        out["summary_differences"] = sum(1 for _ in differences())
        out["check_seconds"] = time.perf_counter() - started
    emit(out)


def api_setup(args: argparse.Namespace) -> None:
    """A national reader (for the report page) and field officers with device keys, each at a
    commune of a different district (reference counters are per district)."""
    from safevillage.accounts.actions import assign_role, issue_device_token
    from safevillage.accounts.models import User
    from safevillage.accounts.roles import Role
    from safevillage.places.models import Level, Place

    officers: list[dict[str, Any]] = []
    with transaction.atomic():
        national, _ = User.objects.get_or_create(username="bench-national", defaults={"full_name": "Bench national"})
        if not national.assignments.exists():
            assign_role(national, Role.NATIONAL_SECRETARIAT, None, by=None, reason="benchmark")
        province, _ = User.objects.get_or_create(username="bench-province", defaults={"full_name": "Bench province"})
        if not province.assignments.exists():
            assign_role(
                province, Role.PROVINCIAL_SECRETARIAT, Place.objects.get(code=PROVINCE), by=None, reason="benchmark"
            )
        seen: set[str] = set()
        communes = Place.objects.current().filter(level=Level.COMMUNE).order_by("code")
        for commune in communes:
            if commune.code[:4] in seen:
                continue
            villages = list(
                Place.objects.current().filter(level=Level.VILLAGE, parent=commune).values_list("code", flat=True)
            )
            if not villages:
                continue
            seen.add(commune.code[:4])
            user, _ = User.objects.get_or_create(username=f"bench-officer-{len(officers)}")
            if not user.assignments.exists():
                assign_role(user, Role.COMMUNE_POLICE, commune, by=None, reason="benchmark")
            _token, key = issue_device_token(user, "bench device", by=None)
            officers.append({"token": key, "commune": commune.code, "villages": villages})
            if len(officers) >= args.officers:
                break
    Path(args.out).write_text(json.dumps({"officers": officers}))
    emit({"officers": len(officers)})


def publish_portal(_args: argparse.Namespace) -> None:
    """The portal's publication job (``jobs.tasks.publish_portal``), as the worker runs it,
    into the server's shared cache (emptied first: a publication of another size is not read)."""
    from django.core.cache import cache

    from safevillage.jobs.tasks import publish_portal as job
    from safevillage.portal.trend import periods_to_publish

    cache.clear()
    started = time.perf_counter()
    job()
    emit({"seconds": time.perf_counter() - started, "periods": len(periods_to_publish(datetime.date.today()))})  # noqa: DTZ011


def web_sessions(_args: argparse.Namespace) -> None:
    """A signed-in session for the national and the provincial reader, made by Django's own
    sign-in (``login``) under the server's SECRET_KEY, so that the web figures time pages, not
    a password form: their cookies, as a browser sends them."""
    from django.contrib.auth import login
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    from safevillage.accounts.models import User

    cookies = {}
    for reader, username in (("national", "bench-national"), ("province", "bench-province")):
        request = RequestFactory().get("/")
        SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type]
        login(request, User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
        request.session.save()
        cookies[reader] = f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"
    emit({"cookies": cookies})


def register_facts(_args: argparse.Namespace) -> None:
    """What the DuckDB questions need to ask the register's own questions: its page size."""
    from safevillage.incidents.views.register import PAGE_SIZE

    emit({"page_size": PAGE_SIZE})


# --- the national reports ---------------------------------------------------------------------


def commune_by_category(period: Period) -> tuple[int, int]:
    """The national table: every commune x category, this period and the same period a year
    earlier, every counter, as the product reads it (``reports.communes.commune_table``, the
    table behind ``communes.csv``). Returns (rows, reported)."""
    from safevillage.reports.communes import commune_table

    rows = commune_table("", period)
    return len(rows), sum(row[3] for row in rows)


def reports(args: argparse.Namespace) -> None:
    from safevillage.accounts.models import User
    from safevillage.reports.ranking import commune_ranking
    from safevillage.reports.tables import build_report_data

    quarter = Period.parse(args.quarter)
    year = Period.parse(args.year)
    runs = args.runs
    out: dict[str, Any] = {}
    out["quarterly_table"] = timed(runs, lambda: commune_by_category(quarter))
    out["yearly_table"] = timed(runs, lambda: commune_by_category(year))
    out["quarterly_report"] = timed(runs, lambda: len(build_report_data("", quarter)["rows"]))
    out["yearly_report"] = timed(runs, lambda: len(build_report_data("", year)["rows"]))
    out["ranking"] = timed(runs, lambda: _ranking_value(commune_ranking(quarter)))
    out["safety"] = timed(runs, lambda: _safety_value(quarter))
    counts = _safety_counts(quarter)
    out["safety"]["overall"] = out["safety"]["value"][3]
    out["safety"]["value"] = [out["safety"]["value"][0], *counts]
    out["safety_national"] = timed(runs, lambda: _safety_national(quarter))
    out["safety_national"]["value"] = [*out["safety_national"]["value"], *counts]
    out["integrity"] = timed(runs, lambda: _integrity_value(quarter))
    out["competition"] = timed(runs, lambda: _competition_value(quarter))
    out["province_report"] = timed(runs, lambda: len(build_report_data(PROVINCE, quarter)["rows"]))
    officer = User.objects.get(username="bench-officer-0")
    out["officer_list"] = timed(runs, lambda: _officer_list(officer))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench-national"))

    def page() -> int:
        response = client.get(f"/reports/KH/{quarter.id}/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, response.status_code
        return len(response.content)

    out["report_page"] = timed(runs, page)
    emit(out)


# Prey Veng: a province report also counts its overdue records live from the register.
PROVINCE = "14"


def _officer_list(officer: Any) -> int:
    """What the API's list does for a commune officer: the first page of 20 (its ids first,
    then its rows) and the count."""
    from django.http import QueryDict

    from safevillage.core.paging import IdsFirst
    from safevillage.incidents.filters import filter_incidents
    from safevillage.incidents.models import Incident

    records = Incident.objects.visible_to(officer).select_related("category", "assigned_to")
    pages = IdsFirst(filter_incidents(records, QueryDict("limit=20")).queryset)
    return len(pages[0:20]) + pages.count()


def _safety_value(quarter: Period) -> list[Any]:
    """Every commune classified under the 2021 points from the summaries (``safety.classify``):
    the warm-up stores the decisions, the timed runs recompute them and find them unchanged."""
    from safevillage.policy.models import FrameworkVersion
    from safevillage.safety.classify import classify

    run = classify("", quarter, FrameworkVersion.objects.get(code="2021"), load=False)
    return [run.places, run.created, run.unchanged, dict(run.overall)]


def _safety_national(quarter: Period) -> list[Any]:
    """The national classification run as the ``classify`` command makes it: every commune
    (summaries) and every village (the register, one grouped query) under the 2021 points
    (``safety.national.classify_all``); the warm-up stores the decisions, the timed runs
    recompute them and find them unchanged. Returns the places judged."""
    from safevillage.policy.models import FrameworkVersion
    from safevillage.safety.national import classify_all

    done = classify_all(quarter, FrameworkVersion.objects.get(code="2021"), villages=True)
    return [sum(timed.run.places for timed in done)]


def _safety_counts(quarter: Period) -> list[int]:
    """What DuckDB counts too, read (untimed) from the figures the classification judges: the
    communes with offences of a category under a 2021 point, and their offences, solved and
    still open, over every commune of the country."""
    from django.utils import timezone

    from safevillage.policy.models import FrameworkVersion
    from safevillage.safety.inputs import commune_figures

    figures = commune_figures("", quarter, FrameworkVersion.objects.get(code="2021"), timezone.now())
    places = reported = solved = still_open = 0
    for place in figures.values():
        counted = list(place.by_criterion.values())
        offences = sum(f.reported for f in counted)
        places += offences > 0
        reported += offences
        solved += sum(f.solved for f in counted)
        still_open += sum(f.open for f in counted)
    return [places, reported, solved, still_open]


def _integrity_value(quarter: Period) -> list[Any]:
    """The national integrity run of the quarter (``integrity.run.run_checks``, every rule over
    the whole country, flags stored as the daily job stores them): the warm-up raises the
    flags, the timed runs find them again. Returns the findings and the flags raised."""
    from safevillage.integrity.run import run_checks

    result = run_checks(quarter)
    return [sum(result.found.values()), result.raised, result.reopened, result.cleared]


def _competition_value(quarter: Period) -> list[Any]:
    """Every commune of the country ranked by the competition's score (``ranking.compute``:
    summaries, shrinkage, 400 posterior draws for the rank intervals, the funnel limits):
    the warm-up stores the ranking, the timed runs recompute it and find it unchanged.
    Returns what DuckDB counts too: communes, ranked ones, their crimes and solved crimes."""
    from safevillage.ranking.compute import compute

    rows = compute("", quarter, "commune").result.rows
    ranked = [row for row in rows if row["rank"] is not None]
    crimes = sum(row["indicators"]["offence_rate"]["numerator"] for row in ranked)
    solved = sum(row["indicators"]["solved"]["numerator"] for row in ranked)
    return [len(rows), len(ranked), crimes, solved]


def _ranking_value(ranking: list[Any]) -> list[Any]:
    ranked = [row for row in ranking if row.rate_rank is not None]
    return [len(ranking), len(ranked), sum(row.crimes for row in ranking), ranked[0].code if ranked else None]


# --- raw rows for the references ----------------------------------------------------------------


EXPORT_COLUMNS = [
    "id",
    "reference",
    "reported_at",
    "occurred_at",
    "place_code",
    "period_month",
    "category_id",
    "status",
    "outcome",
    "clearance",
    "arrests",
    "deaths",
    "injuries",
    "closed_at",
    "channel",
    "first_action_at",
    "complainant_satisfied",
    "created_by_id",
]


def export(args: argparse.Namespace) -> None:
    """The register's columns the reports need, as CSV (then Parquet, by run.py with DuckDB),
    and the small tables the ranking joins: crime categories and commune populations."""
    from safevillage.incidents.models import Incident
    from safevillage.places.models import Level, Place
    from safevillage.policy.models import Category
    from safevillage.reports.ranking import commune_populations

    target = Path(args.out)
    started = time.perf_counter()
    table = connection.ops.quote_name(Incident._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in EXPORT_COLUMNS)
    if connection.vendor == "postgresql":
        query = f"COPY (SELECT {columns} FROM {table} ORDER BY id) TO STDOUT WITH CSV HEADER"  # noqa: S608
        with connection.cursor() as cursor, target.open("wb") as out, cursor.cursor.copy(query) as copy:
            for block in copy:
                out.write(block)
    else:
        connection.ensure_connection()
        raw: Any = connection.connection
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(EXPORT_COLUMNS)
            cursor = raw.execute(f"SELECT {columns} FROM {table} ORDER BY id")  # noqa: S608
            while rows := cursor.fetchmany(50_000):
                writer.writerows(rows)
    crimes = list(Category.objects.filter(is_crime=True).values_list("id", flat=True))
    categories = dict(Category.objects.values_list("code", "id"))
    side = {
        "crime_category_ids": crimes,
        "category_ids": categories,
        "communes": commune_populations(""),
        # The safety classification's 2021 points and the categories that may not be mediated.
        "point_2021_category_ids": list(
            Category.objects.filter(point_2021__framework__code="2021").values_list("id", flat=True)
        ),
        "villages": Place.objects.current().filter(level=Level.VILLAGE).count(),
        "no_mediation_category_ids": list(
            Category.objects.filter(mediation_allowed=False).values_list("id", flat=True)
        ),
    }
    Path(args.side).write_text(json.dumps(side))
    emit({"seconds": time.perf_counter() - started, "bytes": target.stat().st_size})


def reference_load(args: argparse.Namespace) -> None:
    """The raw load rate of this database for rows of the register's shape: the same kind of
    rows, drawn first (untimed), then written with the fastest plain path — COPY on
    PostgreSQL, executemany on SQLite — with no audit, no counters and no summaries.

    ``--into scratch``: into an empty scratch table with the register's columns, indexes,
    checks and foreign keys. ``--into register``: into the register itself at its present
    size, in a transaction rolled back at the end (the foreign keys checked before the clock
    stops): a write into a table of ten million rows updates indexes far larger than the
    memory, which an empty table never does. ``--into bare``: into an empty table with the
    register's columns and its primary key only, no other index, check or foreign key: the
    least that writing these rows can cost on this machine, whatever the writer."""
    from safevillage.incidents.models import Incident
    from safevillage.incidents.synthetic import Plan, as_of_for, prepare
    from safevillage.incidents.synthetic.draw import CONSTANT_COLUMNS, VARIABLE_COLUMNS, casualty_columns
    from safevillage.incidents.synthetic.write import large_page_cache

    plan = Plan(years=2, incidents=args.rows, seed=4242, end_year=args.end_year)
    generator = prepare(plan, as_of_for(plan))
    casualties = casualty_columns()
    rows: list[tuple[Any, ...]] = []
    for month in generator.records():
        for pending in month:
            pending.row[0] = f"REF-{len(rows):09d}"
            rows.append((*pending.row, *CONSTANT_COLUMNS.values()))
    columns = [*VARIABLE_COLUMNS, *casualties, *CONSTANT_COLUMNS]
    qn = connection.ops.quote_name
    source = Incident._meta.db_table
    into_register = args.into == "register"
    target = qn(source) if into_register else "bench_load_scratch"
    names = ", ".join(qn(c) for c in columns)
    if args.into == "scratch":
        _create_scratch(target, source)
    elif args.into == "bare":
        _create_bare(target, source)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0), COUNT(*) FROM {target}")  # noqa: S608
        before, size = cursor.fetchone()
    with large_page_cache(), transaction.atomic():
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(r"\N" if v is None else str(v) for v in row) + "\n")
            data = buffer.getvalue().encode()
            started = time.perf_counter()
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                    copy.write(data)
                # The deferred foreign-key checks, which a commit would run.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            method = "COPY (text, one transaction)"
        else:
            raw: Any = connection.connection
            marks = ", ".join(["?"] * len(columns))
            started = time.perf_counter()
            raw.executemany(f"INSERT INTO {target} ({names}) VALUES ({marks})", rows)  # noqa: S608
            method = "executemany (one transaction)"
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {target} WHERE id > %s", [before])  # noqa: S608
            written = cursor.fetchone()[0]
        if into_register:
            transaction.set_rollback(True)
    with connection.cursor() as cursor:
        if not into_register:
            cursor.execute(f"DROP TABLE {target}")
        elif connection.vendor == "postgresql":
            # The rolled-back rows are dead tuples: cleared (untimed), as autovacuum would.
            cursor.execute(f"VACUUM {target}")
    assert written == len(rows)
    emit(
        {
            "rows": len(rows),
            "seconds": seconds,
            "rate": len(rows) / seconds,
            "method": method,
            "into": args.into,
            "table_size": size,
        }
    )


def _create_bare(scratch: str, source: str) -> None:
    """An empty table with the columns of ``source`` and its primary key, nothing else."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {scratch} (LIKE {source} INCLUDING DEFAULTS INCLUDING IDENTITY)")
            cursor.execute(f"ALTER TABLE {scratch} ADD PRIMARY KEY (id)")
            return
        cursor.execute(f"PRAGMA table_info({source})")
        columns = [f'"{name}" {kind}' + (" PRIMARY KEY" if pk else "") for _c, name, kind, _n, _d, pk in cursor]
        cursor.execute(f"CREATE TABLE {scratch} ({', '.join(columns)})")


def _create_scratch(scratch: str, source: str) -> None:
    """An empty table with the columns, indexes, checks and foreign keys of ``source``."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {scratch} (LIKE {source} INCLUDING ALL)")
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [source],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {scratch} ADD CONSTRAINT {qn('s_' + name[:50])} {definition}")
            return
    raw: Any = connection.connection
    statements = [
        sql
        for (sql,) in raw.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC", [source]
        )
    ]
    for statement in statements:
        # The same table and indexes under new names.
        raw.execute(re.sub(r'INDEX "([^"]+)"', r'INDEX "s_\1"', statement.replace(f'"{source}"', scratch)))


STEPS = {
    "populations": populations,
    "boundaries": boundaries,
    "generate": generate,
    "api-setup": api_setup,
    "reports": reports,
    "export": export,
    "reference-load": reference_load,
    "web-sessions": web_sessions,
    "publish-portal": publish_portal,
    "register-facts": register_facts,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--incidents", type=int, default=0)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--end-year", type=int, default=datetime.date.today().year)  # noqa: DTZ011
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quarter", default="")
    parser.add_argument("--year", default="")
    parser.add_argument("--officers", type=int, default=16)
    parser.add_argument("--out", default="")
    parser.add_argument("--side", default="")
    parser.add_argument("--into", choices=["scratch", "register", "bare"], default="scratch")
    args = parser.parse_args()
    STEPS[args.step](args)


if __name__ == "__main__":
    main()
