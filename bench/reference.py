"""The DuckDB reference of ``make bench``: the national tables, the ranking, the safety
classification's and the integrity rules' counts, and the web figures' questions, computed by
DuckDB from the register's raw rows (Parquet, the columns the reports need) with the same rules
as the product, each timed like the product's own figure."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb  # type: ignore[import-not-found, unused-ignore]  # the "bench" extra: absent under make test
from timing import timed


@dataclass(frozen=True)
class Ask:
    """What the benchmark asks: its quarter and year, runs per figure, the province and
    category of the filtered questions, and the deep page."""

    quarter: str
    year: str
    runs: int
    province: str
    category: str
    deep_page: int


def months(period: str) -> tuple[int, int, int, int]:
    """A quarter's or a year's first and last months, and a year earlier's (YYYYMM)."""
    year = int(period[:4])
    if "Q" in period:
        first = (int(period[-1]) - 1) * 3 + 1
        last = first + 2
    else:
        first, last = 1, 12
    return year * 100 + first, year * 100 + last, (year - 1) * 100 + first, (year - 1) * 100 + last


def parquet_of(csv_path: Path) -> Path:
    """Where ``duckdb_reference`` converts the raw rows of ``csv_path`` (kept for the web step)."""
    return csv_path.with_suffix(".parquet")


def duckdb_reference(csv_path: Path, side_path: Path, ask: Ask) -> dict[str, Any]:
    """The same national tables computed by DuckDB from the raw rows (Parquet, columns the
    reports need), with the same rules as the summaries."""
    parquet = parquet_of(csv_path)
    side = json.loads(side_path.read_text())
    database = duckdb.connect()
    started = time.perf_counter()
    columns = (
        "{'id': 'BIGINT', 'reference': 'VARCHAR', 'reported_at': 'TIMESTAMPTZ', 'occurred_at': 'TIMESTAMPTZ', "
        "'place_code': 'VARCHAR', 'period_month': 'INTEGER', 'category_id': 'BIGINT', "
        "'status': 'VARCHAR', 'outcome': 'VARCHAR', 'clearance': 'VARCHAR', 'arrests': 'INTEGER', "
        "'deaths': 'INTEGER', 'injuries': 'INTEGER', 'closed_at': 'TIMESTAMPTZ', 'channel': 'VARCHAR', "
        "'first_action_at': 'TIMESTAMPTZ', 'complainant_satisfied': 'VARCHAR', 'created_by_id': 'BIGINT'}"
    )
    source = f"read_csv('{csv_path}', header = true, columns = {columns})"
    database.execute(f"COPY (SELECT * FROM {source}) TO '{parquet}' (FORMAT parquet)")  # noqa: S608
    conversion = time.perf_counter() - started
    database.execute(f"CREATE VIEW incidents AS SELECT * FROM read_parquet('{parquet}')")  # noqa: S608
    database.execute("CREATE TABLE crimes (id BIGINT)")
    database.executemany("INSERT INTO crimes VALUES (?)", [[i] for i in side["crime_category_ids"]])
    for name in ("point_2021_category_ids", "no_mediation_category_ids"):
        database.execute(f"CREATE TABLE {name} (id BIGINT)")
        database.executemany(f"INSERT INTO {name} VALUES (?)", [[i] for i in side.get(name, [])])  # noqa: S608
    database.execute("CREATE TABLE communes (code VARCHAR, population INTEGER)")
    database.executemany("INSERT INTO communes VALUES (?, ?)", list(side["communes"].items()))

    measures = """
        count(*) AS reported,
        count(*) FILTER (WHERE status <> 'closed') AS open,
        count(*) FILTER (WHERE status = 'closed') AS closed,
        count(*) FILTER (WHERE status = 'closed' AND outcome = 'solved') AS solved,
        count(*) FILTER (WHERE status = 'closed' AND outcome = 'solved' AND clearance = 'arrest') AS solved_by_arrest,
        count(*) FILTER (WHERE status = 'closed' AND outcome = 'mediated') AS mediated,
        count(*) FILTER (WHERE status = 'closed' AND outcome = 'referred') AS referred,
        count(*) FILTER (WHERE status = 'closed' AND outcome = 'transferred') AS transferred,
        count(*) FILTER (WHERE status = 'closed' AND outcome = 'unfounded') AS unfounded,
        sum(arrests) AS arrests, sum(deaths) AS deaths, sum(injuries) AS injuries"""

    def table(first: int, last: int, earlier_first: int, earlier_last: int) -> tuple[int, int]:
        rows = database.execute(
            f"""SELECT substr(place_code, 1, 6) AS commune, category_id, period_month // 100 AS year, {measures}
                FROM incidents
                WHERE status <> 'withdrawn'
                  AND (period_month BETWEEN ? AND ? OR period_month BETWEEN ? AND ?)
                GROUP BY ALL""",  # noqa: S608
            [first, last, earlier_first, earlier_last],
        ).fetchall()
        return len(rows), sum(row[3] for row in rows)

    def ranking() -> list[Any]:
        first, last, _a, _b = months(ask.quarter)
        rows = database.execute(
            """WITH counted AS (
                   SELECT substr(place_code, 1, 6) AS commune, count(*) AS crimes,
                          count(*) FILTER (WHERE status = 'closed' AND outcome = 'solved') AS solved
                   FROM incidents
                   WHERE status <> 'withdrawn' AND period_month BETWEEN ? AND ?
                     AND category_id IN (SELECT id FROM crimes)
                   GROUP BY 1)
               SELECT code, population, coalesce(crimes, 0) AS crimes, coalesce(solved, 0) AS solved,
                      CASE WHEN population > 0 THEN round(coalesce(crimes, 0) * 10000.0 / population, 2) END AS rate,
                      CASE WHEN crimes > 0 THEN round(solved * 100.0 / crimes, 2) END AS share,
                      CASE WHEN population > 0 THEN rank() OVER (PARTITION BY population > 0 ORDER BY
                          round(coalesce(crimes, 0) * 10000.0 / population, 2) DESC) END AS rate_rank,
                      CASE WHEN crimes > 0 THEN rank() OVER (PARTITION BY crimes > 0 ORDER BY
                          round(solved * 100.0 / crimes, 2) DESC) END AS solved_rank
               FROM communes LEFT JOIN counted ON counted.commune = communes.code
               ORDER BY rate_rank NULLS LAST, code""",
            [first, last],
        ).fetchall()
        ranked = [row for row in rows if row[6] is not None]
        return [len(rows), len(ranked), sum(row[2] for row in rows), ranked[0][0] if ranked else None]

    def competition() -> list[Any]:
        """The counts the competition ranking reads, per commune with a population: the
        shrinkage and draws are the product's own arithmetic, not a query to compare."""
        first, last, _a, _b = months(ask.quarter)
        rows = database.execute(
            """WITH counted AS (
                   SELECT substr(place_code, 1, 6) AS commune, count(*) AS crimes,
                          count(*) FILTER (WHERE status = 'closed' AND outcome = 'solved') AS solved
                   FROM incidents
                   WHERE status <> 'withdrawn' AND period_month BETWEEN ? AND ?
                     AND category_id IN (SELECT id FROM crimes)
                   GROUP BY 1)
               SELECT count(*), count(*) FILTER (WHERE population > 0),
                      coalesce(sum(crimes) FILTER (WHERE population > 0), 0),
                      coalesce(sum(solved) FILTER (WHERE population > 0), 0)
               FROM communes LEFT JOIN counted ON counted.commune = communes.code""",
            [first, last],
        ).fetchall()
        return [int(v) for v in rows[0]]

    def safety(villages: bool) -> list[Any]:
        """The counts the classification judges: per commune (and, for the national run, per
        village too) and category under a 2021 point, offences, solved and still open; then
        the communes with offences and the country's totals (overdue records and forums are
        not in the raw rows)."""
        first, last, _a, _b = months(ask.quarter)
        # The national run groups by village too (the commune rows are the ones summed).
        keys = "(commune, category_id), (place_code, commune, category_id)" if villages else "(commune, category_id)"
        level = "grouping(place_code)" if villages else "1"
        rows = database.execute(
            f"""WITH grouped AS (
                   SELECT substr(place_code, 1, 6) AS commune, category_id, count(*) AS reported,
                          count(*) FILTER (WHERE status = 'closed' AND outcome = 'solved') AS solved,
                          count(*) FILTER (WHERE status <> 'closed') AS open,
                          {level} AS by_commune
                   FROM incidents
                   WHERE status <> 'withdrawn' AND period_month BETWEEN ? AND ?
                     AND category_id IN (SELECT id FROM point_2021_category_ids)
                   GROUP BY GROUPING SETS ({keys}))
               SELECT count(DISTINCT commune), sum(reported), sum(solved), sum(open)
               FROM grouped WHERE by_commune = 1""",  # noqa: S608
            [first, last],
        ).fetchall()
        places = len(side["communes"]) + (side.get("villages", 0) if villages else 0)
        return [places, *(int(v or 0) for v in rows[0][:4])]

    def integrity() -> list[Any]:
        """The counts the integrity rules compare, per commune, that the raw rows hold: records
        of the quarter and those entered 30 days late; closed crimes and those closed
        "unfounded" within 48 hours (each also per officer, who entered them); solved by arrest
        with no one arrested, closed as another outcome after arrests; mediated where the
        category may not be; public and post-box complaints withdrawn, closed with no action
        or not resolved for the citizen; and crimes per commune and month over the quarter and
        the four before it (the implausible drop). Seizures, people, audit events and result
        reports are not in the raw rows: the rules that read them have no reference here."""
        first, last, _a, _b = months(ask.quarter)
        history_first = (int(ask.quarter[:4]) - 1) * 100 + (int(ask.quarter[-1]) - 1) * 3 + 1
        counted = """
            count(*) FILTER (WHERE status <> 'withdrawn') AS records,
            count(*) FILTER (WHERE status <> 'withdrawn' AND reported_at > occurred_at + INTERVAL 30 DAY) AS late,
            count(*) FILTER (WHERE status = 'closed' AND crime) AS closed_crimes,
            count(*) FILTER (WHERE status = 'closed' AND crime AND outcome = 'unfounded'
                             AND closed_at < reported_at + INTERVAL 48 HOUR) AS quick_unfounded,
            count(*) FILTER (WHERE status <> 'withdrawn' AND outcome = 'solved' AND clearance = 'arrest'
                             AND arrests = 0) AS no_one_arrested,
            count(*) FILTER (WHERE status = 'closed' AND arrests > 0
                             AND outcome NOT IN ('solved', 'transferred')) AS arrested_then_closed,
            count(*) FILTER (WHERE outcome = 'mediated' AND no_mediation) AS mediated_not_allowed,
            count(*) FILTER (WHERE public AND status = 'withdrawn') AS public_withdrawn,
            count(*) FILTER (WHERE public AND status = 'closed' AND first_action_at IS NULL) AS public_no_action,
            count(*) FILTER (WHERE public AND status = 'closed'
                             AND complainant_satisfied IN ('f', 'false', '0')) AS public_not_resolved"""
        rows = database.execute(
            f"""WITH quarter AS (
                   SELECT *, substr(place_code, 1, 6) AS commune,
                          category_id IN (SELECT id FROM crimes) AS crime,
                          category_id IN (SELECT id FROM no_mediation_category_ids) AS no_mediation,
                          channel IN ('public_web', 'post_box') AS public
                   FROM incidents WHERE period_month BETWEEN ? AND ?),
               by_commune AS (SELECT commune, {counted} FROM quarter GROUP BY commune),
               by_officer AS (SELECT commune, created_by_id, {counted} FROM quarter GROUP BY ALL),
               history AS (
                   SELECT substr(place_code, 1, 6) AS commune, period_month, count(*) AS crimes
                   FROM incidents
                   WHERE status <> 'withdrawn' AND period_month BETWEEN ? AND ?
                     AND category_id IN (SELECT id FROM crimes)
                   GROUP BY ALL)
               SELECT (SELECT count(*) FROM by_commune), (SELECT sum(records) FROM by_commune),
                      (SELECT sum(late) FROM by_commune), (SELECT sum(quick_unfounded) FROM by_commune),
                      (SELECT sum(mediated_not_allowed) FROM by_commune), (SELECT count(*) FROM by_officer),
                      (SELECT count(*) FROM history)""",  # noqa: S608
            [first, last, history_first, last],
        ).fetchall()
        return [int(v or 0) for v in rows[0]]

    out = {
        "conversion_seconds": conversion,
        "threads": database.sql("SELECT current_setting('threads')").fetchall()[0][0],
    }
    out["quarterly_table"] = timed(ask.runs, lambda: table(*months(ask.quarter)))
    out["yearly_table"] = timed(ask.runs, lambda: table(*months(ask.year)))
    out["ranking"] = timed(ask.runs, ranking)
    out["competition"] = timed(ask.runs, competition)
    out["safety"] = timed(ask.runs, lambda: safety(False))
    out["safety_national"] = timed(ask.runs, lambda: safety(True))
    out["integrity"] = timed(ask.runs, integrity)
    out["questions"] = {code: timed(ask.runs, question) for code, question in questions(database, side, ask).items()}
    database.close()
    return out


def open_questions(parquet: Path, side_path: Path, ask: Ask) -> tuple[Any, dict[str, Callable[[], Any]]]:
    """A DuckDB connection on the rows the reference converted (``duckdb_reference``), and the
    web figures' questions on it: for the web step, which times each page beside DuckDB's same
    question, run for run (bench/web.py ``measure``). The caller closes the connection."""
    database = duckdb.connect()
    database.execute(f"CREATE VIEW incidents AS SELECT * FROM read_parquet('{parquet}')")  # noqa: S608
    return database, questions(database, json.loads(side_path.read_text()), ask)


def questions(database: Any, side: dict[str, Any], ask: Ask) -> dict[str, Callable[[], Any]]:
    """The web figures' questions asked of DuckDB on the same rows: a register list is its
    count and its first page (references, newest report first, as the register orders)."""
    size = side["page_size"]
    category = side["category_ids"][ask.category]
    crimes = ", ".join(str(int(i)) for i in side["crime_category_ids"]) or "NULL"
    first, last, _a, _b = months(ask.quarter)
    province = f"place_code >= '{ask.province}' AND place_code < '{int(ask.province) + 1:02d}'"

    newest = "reported_at DESC, id DESC"
    # With a period, the register lists by time of the incident (incidents/filters.py ORDER_KEYS).
    latest = "period_month DESC, occurred_at DESC, id DESC"

    def page(where: str, offset: int = 0, order: str = newest) -> Any:
        def ask() -> list[Any]:
            count = database.execute(f"SELECT count(*) FROM incidents WHERE {where}").fetchall()[0][0]  # noqa: S608
            rows = database.execute(
                f"SELECT reference FROM incidents WHERE {where} "  # noqa: S608
                f"ORDER BY {order} LIMIT {size} OFFSET {offset}"
            ).fetchall()
            return [count, [row[0] for row in rows]]

        return ask

    def province_table() -> tuple[int, int]:
        rows = database.execute(
            f"""SELECT substr(place_code, 1, 6) AS commune, category_id, period_month // 100 AS year, count(*)
                FROM incidents
                WHERE status <> 'withdrawn' AND {province}
                  AND (period_month BETWEEN ? AND ? OR period_month BETWEEN ? AND ?)
                GROUP BY ALL""",  # noqa: S608
            list(months(ask.quarter)),
        ).fetchall()
        return len(rows), sum(row[3] for row in rows)

    return {
        "first_page": page("true"),
        "province_category": page(f"{province} AND category_id = {int(category)}"),
        "deep_page": page("true", (ask.deep_page - 1) * size),
        "drill_down": page(
            f"period_month BETWEEN {first} AND {last} AND category_id IN ({crimes}) AND status <> 'withdrawn'",
            order=latest,
        ),
        "province_report": province_table,
    }
