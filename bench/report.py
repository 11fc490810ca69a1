"""Writing docs/performance.md from the benchmark's results (var/bench/results.json)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from report_web import portal, user_waits, wait_targets, web
from tables import NAMES, TARGET_SIZE, ms, n, r, ratio, table, verdict

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench" / "results.json"


def save(results: dict[str, Any]) -> None:
    RESULTS.write_text(json.dumps(results, indent=2, default=str))


def read_locust(path: Path) -> dict[str, Any]:
    """Locust's CSV statistics: per request name and "Aggregated"."""
    rows: dict[str, Any] = {}
    with path.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": _ms(row["50%"]),
                "p95": _ms(row["95%"]),
                "p99": _ms(row["99%"]),
                "max": _ms(row["Max Response Time"]),
            }
    return rows


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def cpu_speed_row(results: dict[str, Any]) -> list[list[str]]:
    """The machine's speed for pure Python (bench/run.py ``cpu_speed``), when the run measured it."""
    if "cpu_speed_start" not in results:
        return []
    return [
        [
            "Pure Python on one core (a fixed loop, ms; lower is faster)",
            f"{results['cpu_speed_start']} at start, {results.get('cpu_speed_end', '–')} at end",
        ]
    ]


# --- the document -------------------------------------------------------------------------------


def write(results: dict[str, Any], path: Path) -> Path:
    results = json.loads(json.dumps(results, default=str))  # as saved: tuples become lists
    config, machine = results["config"], results["machine"]
    sizes = [str(s) for s in config["sizes"]]
    largest = sizes[-1]
    lines: list[str] = ["# Performance at national scale", ""]
    if results["quick"]:
        lines += [
            "> **Quick run** (`BENCH_QUICK=1`: "
            f"{n(config['sizes'][0])} records, {config['runs']} runs per figure, "
            f"{config['locust_seconds']} s of Locust) on a machine shared with other work: it proves that "
            "the benchmark runs end to end and shows orders of magnitude, not the national-scale figures. "
            "The full run is `make bench` (1 and 10 million records, 5 runs, 5 minutes of Locust).",
            "",
        ]
    if not results["quick"] and int(largest) < TARGET_SIZE:
        lines += [
            f"> **Up to {n(int(largest))} records only.** The targets are stated at {n(TARGET_SIZE)} records, which "
            "this run did not reach on a machine shared with other work; `make bench` (1 and 10 million records) "
            "measures them. Earlier ten-million figures are in this file's history.",
            "",
        ]
    command = (
        "BENCH_QUICK=1 make bench"
        if results["quick"]
        else f'make bench BENCH_SIZES="{" ".join(sizes)}" BENCH_RUNS={config["runs"]} '
        f"LOCUST_MINUTES={config['locust_seconds'] // 60}"
    )
    lines += [
        f"Measured {results['date']} by `{command}` (bench/run.py) in {results.get('seconds', 0) / 60:.0f} minutes. "
        "Every time is the median of the runs after one warm-up, with the fastest and slowest run in brackets, "
        "in milliseconds unless said otherwise.",
        "",
        *[
            f"{NAMES[engine]}'s figures are those of the run of {date} (same sizes, same machine), kept by this "
            f"one (`BENCH_ENGINES` without it, `BENCH_KEEP=1`)."
            for engine, date in (results.get("kept") or {}).items()
            if engine in NAMES
        ],
        *([""] if results.get("kept") else []),
        "## Machine",
        "",
    ]
    lines += table(
        ["", ""],
        [
            ["CPU", f"{machine['cpu']}, {machine['cores']} cores"],
            ["Memory", f"{machine['memory_gib']} GiB"],
            ["OS", f"{machine['os']} (Linux {machine['kernel']})"],
            ["Python", machine["python"]],
            ["SQLite", machine["sqlite"]],
            ["PostgreSQL", machine["postgresql"]],
            ["DuckDB (reference)", machine["duckdb"]],
            ["Locust", machine["locust"]],
            [
                "Load average (1, 5, 15 min)",
                f"at start {results.get('load_start')}, at end {results.get('load_end')}: "
                "other work on the machine slows every figure",
            ],
            *cpu_speed_row(results),
        ],
    )
    lines += [
        f"Register: {len(sizes)} size(s) ({', '.join(n(int(s)) for s in sizes)} records) over {config['years']} "
        f"years ending {config['end_year']}; the quarterly report is {config['quarter']} (with "
        f"{int(config['quarter'][:4]) - 1}{config['quarter'][4:]}), the yearly one {config['year']} "
        f"(with {int(config['year']) - 1}).",
        "",
    ]
    lines += targets(results, largest)
    lines += bulk(results)
    lines += generator_runs(results)
    lines += reports(results)
    lines += user_waits(results)
    lines += web(results)
    lines += portal(results)
    lines += findings(results, largest)
    lines += method(results)
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return path


def targets(results: dict[str, Any], largest: str) -> list[str]:
    engines = results["engines"]
    rows = []
    for code, label in (("quarterly_table", "National quarterly report"), ("ranking", "National commune ranking")):
        cells = [f"{label} at {n(int(largest))} ≤ DuckDB on the raw rows (ratio ≤ 1.0)"]
        for engine in NAMES:
            entry = engines.get(engine, {}).get("sizes", {}).get(largest)
            value = ratio(entry["reports"][code], entry["duckdb"][code]) if entry else None
            cells.append(f"{r(value)} — {verdict(None if value is None else value <= 1.0)}")
        rows.append(cells)
    cells = ["Bulk import ≥ 50% of PostgreSQL COPY's rate into the same table, audit chain and summaries kept"]
    copy = copy_at_sizes(results, "postgresql")
    empty = reference_rate(results, "postgresql")
    for engine in NAMES:
        rate = import_rate(results, engine)
        value = rate / copy if rate and copy else None
        cell = f"{r(value)} — {verdict(None if value is None else value >= 0.5)}"
        if rate and empty:
            cell += f" (into an empty table: {r(rate / empty)})"
        cells.append(cell)
    rows.append(cells)
    cells = ["`generate_synthetic` ≥ 50,000 records a second (SQLite; drawing included)"]
    for engine in NAMES:
        rate = generator_rate(results, engine)
        met = None if rate is None or engine != "sqlite" else rate >= 50_000
        cell = f"{n(rate)} a second" + (f" — {verdict(met)}" if engine == "sqlite" else "") if rate else "–"
        floor = bare_rate(results, engine)
        if rate and floor and engine == "sqlite":
            cell += f" (the same rows into a bare table, primary key only, no summaries: {n(floor)} a second)"
        cells.append(cell)
    rows.append(cells)
    cells = [f"{results['config']['locust_users']} users: 0 failures and p95 < 1 s"]
    for engine in NAMES:
        runs = [engines.get(engine, {}).get("locust", {})]
        runs += [repeat["locust"] for repeat in engines.get(engine, {}).get("web_repeats", [])]
        said = []
        for number, stats in enumerate(runs):
            total = stats.get("Aggregated")
            if total:
                met = total["failures"] == 0 and (total["p95"] or 0) < 1000
                again = "; repeated: " if number else ""
                said.append(f"{again}{total['failures']} failures, p95 {n(total['p95'])} ms — {verdict(met)}")
        cells.append("".join(said) or "–")
    rows.append(cells)
    rows += wait_targets(results)
    return ["## Against the targets", "", *table(["Target", "SQLite", "PostgreSQL"], rows)]


def reference_rate(results: dict[str, Any], engine: str) -> float | None:
    for entry in results["engines"].get(engine, {}).get("sizes", {}).values():
        if "reference_load" in entry:
            return entry["reference_load"]["rate"]
    return None


def bare_rate(results: dict[str, Any], engine: str) -> float | None:
    """The raw load into a table with the register's columns and primary key only: the floor
    of writing these rows on this machine, whatever the writer."""
    for entry in results["engines"].get(engine, {}).get("sizes", {}).values():
        if "reference_bare" in entry:
            return entry["reference_bare"]["rate"]
    return None


def copy_at_sizes(results: dict[str, Any], engine: str) -> float | None:
    """The raw load's rate for the run's own growth of the register: each growth (from one
    size to the next) at the mean of the raw load's time per row at its start and at its end
    (into an empty table, then into the register at each size), as the cost of writing a row
    grows with the table's indexes."""
    sizes = results["engines"].get(engine, {}).get("sizes", {})
    start = reference_rate(results, engine)
    records = 0
    seconds = 0.0
    for entry in sizes.values():
        end = entry.get("reference_at_size", {}).get("rate")
        if not start or not end:
            return None
        added = entry["generate"]["records"]
        records += added
        seconds += added * (1 / start + 1 / end) / 2
        start = end
    return records / seconds if seconds else None


def _rate(results: dict[str, Any], engine: str, parts: tuple[str, ...]) -> float | None:
    sizes = results["engines"].get(engine, {}).get("sizes", {})
    records = sum(e["generate"]["records"] for e in sizes.values())
    seconds = sum(e["generate"][part] for e in sizes.values() for part in parts)
    return records / seconds if seconds else None


def import_rate(results: dict[str, Any], engine: str) -> float | None:
    """Records a second over every generation of the run, from rows in hand (as COPY's are):
    writing with reference numbers and audit, and summaries; drawing the rows is not importing."""
    return _rate(results, engine, ("writing", "summaries"))


def generator_rate(results: dict[str, Any], engine: str) -> float | None:
    """Records a second of the whole generator: drawing, writing and summaries."""
    return _rate(results, engine, ("drawing", "writing", "summaries"))


def generator_finding(results: dict[str, Any]) -> str:
    """Where the SQLite generator's time goes, per record, over the run's growths."""
    sizes = results["engines"].get("sqlite", {}).get("sizes", {})
    records = sum(e["generate"]["records"] for e in sizes.values())
    if not records:
        return "5. **Where the generator's time goes.** Not measured on SQLite in this run."
    parts = {
        p: sum(e["generate"][p] for e in sizes.values()) * 1e6 / records for p in ("drawing", "writing", "summaries")
    }
    thread = {
        p: sum(e["generate"].get(f"thread_{p}", 0.0) for e in sizes.values()) * 1e6 / records
        for p in ("drawing", "copying")
    }
    floor = bare_rate(results, "sqlite")
    bare = f"; the same rows into a bare table take {1e6 / floor:.1f} µs" if floor else ""
    return (
        "5. **Where the generator's time goes** (SQLite, µs a record over the run's growths, on the clock): "
        f"waiting for drawn chunks {parts['drawing']:.1f}, writing {parts['writing']:.1f}, summaries "
        f"{parts['summaries']:.1f}{bare}. Alongside the writing, on the other core, a thread drew the records "
        f"({thread['drawing']:.1f}) and copied them into a scratch table ({thread['copying']:.1f}): drawing is "
        "pure Python, while writing a chunk is SQLite's own work, done without Python's global lock, so the two "
        "go side by side (`incidents/synthetic/stage.py`); handing the rows over as Python objects would take "
        "the lock for every row. Writing copies each chunk with one INSERT … SELECT that numbers the references "
        "on the way, keeps the unique reference index, checks and foreign keys, commits each chunk through the "
        "write-ahead log, and, when the run adds at least as many records as the register holds, builds the "
        "three secondary indexes again at its end: kept during the load, their scattered updates cost about "
        "12 µs a record at ten million records, built at the end under 3. The summaries are three sorts of the "
        "run's records (by month of occurrence, of closure, and by channel). Drawing in a second process was "
        "tried and dropped: receiving the rows (unpickling their strings) costs about what drawing them does. "
        "What is left to try: drawing whole columns at once with NumPy, and one sort of the records instead "
        "of three."
    )


def bulk(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Bulk import: `generate_synthetic`",
        "",
        "Growing the register to each size: drawing the records (Python), writing them (one transaction per "
        "chunk of 100,000 records with the reference counters and one audit event per province and chunk; a run "
        "adding at least as many records as the register holds drops the register's three secondary indexes "
        "first and builds them again at its end, which counts as writing), then adding the run's records to the "
        "summaries inside the database, once, at the end. On SQLite a thread draws the next chunks into a "
        "scratch table while the database copies the present one into the register (INSERT … SELECT): "
        "*Drawing* is then only the time the writer waited for a chunk. On PostgreSQL each chunk is drawn, then "
        "written by COPY. Seconds; rates in records a second. The import rate leaves out drawing "
        "(its rows are in hand, as COPY's are; on SQLite, in the scratch table); the generator's rate counts "
        "everything.",
        "",
    ]
    rows = []
    for engine, label in NAMES.items():
        for size, entry in results["engines"].get(engine, {}).get("sizes", {}).items():
            g = entry["generate"]
            check = (
                f"{g['summary_differences']} differences ({g['check_seconds']:.0f} s)"
                if "summary_differences" in g
                else "not checked at this size"
            )
            rows.append(
                [
                    label,
                    n(int(size)),
                    n(g["records"]),
                    f"{g['drawing']:.1f}",
                    f"{g['writing']:.1f}",
                    f"{g['summaries']:.1f}",
                    n(g["records"] / (g["writing"] + g["summaries"])),
                    n(g["rate"]),
                    f"{g['events']} events, {'intact' if g['chain_intact'] else '**broken**'} "
                    f"({g['chain_seconds']:.1f} s)",
                    check,
                ]
            )
    lines += table(
        [
            "Database",
            "Size",
            "Added",
            "Drawing",
            "Writing",
            "Summaries",
            "Import rate (writing and summaries)",
            "Generator rate (everything)",
            "Audit chain",
            "Summaries = records",
        ],
        rows,
    )
    rows = []
    copy = copy_at_sizes(results, "postgresql")
    empty = reference_rate(results, "postgresql")
    for engine, label in NAMES.items():
        sizes = results["engines"].get(engine, {}).get("sizes", {})
        raw = next((e["reference_load"] for e in sizes.values() if "reference_load" in e), None)
        if raw is None:
            continue
        at_sizes = "; ".join(
            f"at {n(int(size))}: {n(e['reference_at_size']['rate'])}"
            for size, e in sizes.items()
            if "reference_at_size" in e
        )
        own = copy_at_sizes(results, engine)
        rate = import_rate(results, engine)
        without = _rate(results, engine, ("writing",))
        rows.append(
            [
                label,
                f"{raw['method']}: {n(raw['rate'])} ({n(raw['rows'])} rows)",
                at_sizes or "–",
                n(own),
                r(rate / copy if rate and copy else None),
                r(without / copy if without and copy else None),
                r(rate / empty if rate and empty else None),
                r(rate / own if rate and own else None),
            ]
        )
    lines += [
        "Reference: the same kind of rows, drawn beforehand, written by the database's plain bulk path — no "
        "reference numbers, no audit, no summaries; the clock stops before the commit, after the deferred "
        "foreign-key checks. First into an empty scratch table with the register's columns, indexes, checks and "
        "foreign keys; then, after each growth, into the register itself at that size, in a transaction rolled "
        "back: a row costs more to write into a table of ten million rows, whose indexes no longer fit in memory, "
        "than into an empty one. The raw load's rate for the run's own growth counts each growth at the mean of "
        "its time per row at the growth's start and end; the target compares the import with PostgreSQL's.",
        "",
    ]
    lines += table(
        [
            "Database",
            "Raw load, empty table (rows a second)",
            "Raw load into the register at each size",
            "Raw load for the run's growth",
            "Ours ÷ PostgreSQL COPY, same table, summaries included",
            "Ours ÷ PostgreSQL COPY, same table, without summaries",
            "Ours ÷ PostgreSQL COPY into an empty table",
            "Ours ÷ this database's raw load, same table",
        ],
        rows,
    )
    return lines


REPORT_ROWS = [
    ("quarterly_table", "National quarterly table: every commune × category, quarter and a year earlier"),
    ("yearly_table", "National yearly table: every commune × category, year and a year earlier"),
    ("ranking", "National commune ranking (crimes per 10,000, share solved)"),
    ("safety", "National safety classification of every commune (2021 points; recomputed, unchanged)"),
    ("competition", "National competition ranking: shrinkage, rank intervals, funnel (recomputed, unchanged)"),
    (
        "safety_national",
        "National safety classification run: every commune and village (`classify_all`, the `classify` command)",
    ),
    ("integrity", "National integrity run of the quarter: every rule, flags stored (`run_checks`)"),
    ("quarterly_report", "National quarterly result report (`build_report_data`)"),
    ("yearly_report", "National yearly result report"),
    ("report_page", "National report page, HTML (`/reports/KH/<quarter>/`)"),
    ("province_report", "Provincial quarterly result report (Prey Veng, with its overdue records)"),
    ("officer_list", "A commune officer's register: first 20 records and the count (the API list)"),
]


# Figures whose DuckDB reference computes the counts the product reads, not its answer: the
# integrity rules' tests (binomial and Poisson tails, audit events, seizures) are not a query.
NOT_COMPARED = {"integrity"}


def generator_runs(results: dict[str, Any]) -> list[str]:
    """``generate_synthetic`` alone, and beside CPU-bound processes (run.py --generator-rate)."""
    runs = results.get("generator_runs")
    if not runs:
        return []
    lines = [
        "### The generator's rate, alone and under load",
        "",
        "`python bench/run.py --generator-rate`: the same run (seed 1, "
        f"{n(runs[0]['generate']['records'])} records, summaries included) into an empty SQLite register, with "
        "nothing else of the benchmark running; then with one CPU-bound Python process per core beside it; then "
        "alone again. The machine is shared: its load averages (1, 5, 15 min) before and after each run, and the "
        "pure-Python figure (ms for a fixed loop, lower is faster) at its start, say how quiet it was.",
        "",
    ]
    rows = []
    for entry in runs:
        g = entry["generate"]
        rows.append(
            [
                entry["date"],
                "alone" if not entry["burners"] else f"{entry['burners']} busy processes beside it",
                f"{g['seconds']:.1f}",
                n(g["rate"]),
                f"{g['drawing']:.1f} / {g['writing']:.1f} / {g['summaries']:.1f}",
                f"{entry['load_before']} → {entry['load_after']}",
                str(entry["cpu_speed"]),
            ]
        )
    header = ["When (UTC)", "Beside it", "Seconds", "Records a second", "Drawing / writing / summaries (s)"]
    lines += table([*header, "Load average", "Pure Python (ms)"], rows)
    return lines


def reports(results: dict[str, Any]) -> list[str]:
    lines = [
        "## National reports",
        "",
        "Ours run the product's own code through the ORM: the national tables are `communes.commune_table` (the "
        "summaries' commune × quarter rows), the ranking `ranking.commune_ranking` (the crime summary, names and "
        "populations), the reports `build_report_data`; DuckDB computes "
        "the same figures from the raw rows (Parquet with the columns the reports need, exported from the same "
        "database). Ratio = ours ÷ DuckDB (≤ 1.0: ours is as fast or faster). "
        "“Agree” compares the totals both compute. The safety classification's reference counts, per commune "
        "(and per village for the national run) and category under a 2021 point, the offences, the solved and "
        "the still open ones, as the classification reads them (overdue records and forums are not in the raw "
        "rows); agree compares the communes with offences and the country's totals. The integrity run's "
        "reference counts what the rules compare that the raw rows hold — per commune and per officer, late "
        "entries, quick “unfounded” closures, arrests that go nowhere, mediation where it is not allowed, lost "
        "public complaints, and crimes per commune and month over the quarter and the four before it; the "
        "rules' tests and the audit events, seizures, people and reports they also read have no reference, so "
        "its ratio is a floor, not a comparison of the same answer.",
        "",
    ]
    for size in [str(s) for s in results["config"]["sizes"]]:
        lines += [f"### {n(int(size))} records", ""]
        rows = []
        for code, label in REPORT_ROWS:
            row = [label]
            for engine in NAMES:
                entry = results["engines"].get(engine, {}).get("sizes", {}).get(size)
                if not entry:
                    row += ["–", "–", "–"]
                    continue
                ours = entry["reports"].get(code)
                reference = entry["duckdb"].get(code)
                agree = ""
                if reference and code not in NOT_COMPARED:
                    same = (
                        ours["value"][1:] == reference["value"][1:]
                        if code != "ranking"
                        else ours["value"] == reference["value"]
                    )
                    agree = " (agree)" if same else " (**differ**)"
                row += [ms(ours), ms(reference), r(ratio(ours, reference)) + agree if reference else "–"]
            rows.append(row)
        lines += table(
            ["Query", "SQLite", "DuckDB", "Ratio", "PostgreSQL", "DuckDB", "Ratio"],
            rows,
        )
        for engine, label in NAMES.items():
            entry = results["engines"].get(engine, {}).get("sizes", {}).get(size)
            if entry:
                lines.append(
                    f"{label}: export of the raw rows {entry['export']['seconds']:.1f} s "
                    f"({entry['export']['bytes'] / 1e6:,.0f} MB CSV), conversion to Parquet "
                    f"{entry['duckdb']['conversion_seconds']:.1f} s (not counted in DuckDB's times); DuckDB threads: "
                    f"{entry['duckdb']['threads']}."
                )
        lines.append("")
    return lines


def findings(results: dict[str, Any], largest: str) -> list[str]:
    """What the figures say, with the causes found while building the benchmark."""
    engines = results["engines"]
    lines = ["## Findings and proposals", ""]
    shares = []
    for engine, label in NAMES.items():
        sizes = engines.get(engine, {}).get("sizes", {})
        if not sizes:
            continue
        total = sum(e["generate"]["seconds"] for e in sizes.values())
        summaries = sum(e["generate"]["summaries"] for e in sizes.values())
        last = sizes[max(sizes, key=int)]["generate"]
        rows = f", {last['summary_rows'] / last['total']:.1f} summary rows per record" if "summary_rows" in last else ""
        shares.append(f"{label} {summaries / total:.0%}{rows}")
    served = []
    for engine, label in NAMES.items():
        total = engines.get(engine, {}).get("locust", {}).get("Aggregated")
        if total:
            served.append(f"{label} {total['rps']:.0f} requests a second, p95 {n(total['p95'])} ms")
    users = results["config"]["locust_users"]
    lines += [
        "1. **What the summaries cost.** Share of the bulk import's time spent adding the records to them: "
        f"{'; '.join(shares)}. They are kept by commune only — commune × month and commune × quarter, for the "
        "month of occurrence and the month of closure, and by channel — so their size is bounded by communes × "
        "categories × months, not by the register: at a million records over five years most commune-month-"
        "category cells hold one record, so the summaries hold about two rows per record (occurrence, closure and "
        "channel, at two grains); at ten million, 0.4. A village's figures are read from the register, whose "
        "(place_code, period_month) index finds a village's month in a few rows. The month of closure is stored "
        "on the record (`closed_month`), so grouping never runs a per-row date function (on SQLite, Django's are "
        "Python callbacks). A bulk run adds its records to the summaries once, at the end, so a counter touched by "
        "many chunks is written once; the records are read three times (by month of occurrence, by month of "
        "closure, by channel), each read going into a scratch table from which the month rows, the quarter rows "
        "and the crime rows are written. SQLite groups by sorting, and sorts faster with a helper thread per "
        "core (`PRAGMA threads`) and in its default 2 MiB cache than in the 256 MiB one the writing uses (a "
        "GROUP BY of nine million records: 6 s against 20 s), so the summaries and the index builds run with "
        "the one and the writing with the other. On PostgreSQL the first read after a bulk COPY also sets every new "
        "row's hint bits, a cost COPY itself does not pay.",
    ]
    lists = []
    for engine, label in NAMES.items():
        entry = engines.get(engine, {}).get("sizes", {}).get(largest)
        if entry and "officer_list" in entry["reports"]:
            lists.append(f"{label} {ms(entry['reports']['officer_list'])} ms")
    lines += [
        "2. **Jurisdiction filters are index ranges.** Everything under a place is selected as "
        "`'140305' <= place_code < '140306'` (`places/codes.py`), which both databases answer from the "
        "place_code index; the `LIKE '140305%'` form it replaced scanned the whole register on both (SQLite's LIKE "
        "is case-insensitive, and this PostgreSQL's collation is not C). A page of a commune's register, newest "
        "first, is read in two steps (`core/paging.py`): the page's ids from the place index alone — it holds the "
        "place, the month and the time of report, and the id (SQLite's rowid; an included column on PostgreSQL) — "
        "then those twenty rows; sorting a commune's thousands of whole rows for twenty was most of the cost of a "
        "list at ten million records, and the list was most of the server's work under load. On PostgreSQL the "
        "index-only read needs the visibility map that VACUUM keeps (the generator runs VACUUM ANALYZE after a "
        "load, as autovacuum would). The price: the index no longer deduplicates on PostgreSQL (94 MB before, 488 "
        "MB at ten million records) and COPY into the register at that size takes about 40% longer. A commune "
        f"officer's register list at {n(int(largest))} records: {', '.join(lists) or '–'}.",
        "3. **Web load is bound by CPU per request.** A list runs 8 SQL statements (token, roles, the count, the "
        "page's ids, its rows, their tags, people and items) and serialises twenty records. A submission runs 16 "
        "SQL statements in one transaction, 17 for a crime (token, "
        "roles, category, village, the uuid check, the reference counter moved on in one UPSERT, the record, the "
        "audit event under the "
        "chain lock, one summary UPSERT per summary table it counts in, then the record read back with its "
        "tags, people and items, so that a resubmission gets the very same answer). Each worker keeps its "
        "database connection between requests, on SQLite too (a new one read the schema and ran the pragmas "
        "again, about a millisecond a request). The sync workers share the "
        "machine's cores with the database server and Locust, so past a few dozen requests a second the queue, "
        f"not the database, sets the response time. Served under {users} users: {'; '.join(served) or '–'}. "
        "Where that is what the machine can serve, the users' waits add up in the queue and p95 follows the "
        "machine's speed (the pure-Python figure under Machine) from run to run. More cores, or the database on "
        "a machine of its own, are the next lever.",
        "4. **Against DuckDB.** DuckDB scans the ten million raw rows of a Parquet file with two threads; ours "
        "reads rows whose number is bounded by communes × categories × periods, whatever the size of the "
        "register. The national quarterly table is the commune × quarter summary rows as stored "
        "(`reports.communes.commune_table`, the table behind each report's `communes.csv`): about 54,000 rows "
        "found by their period keys through the summaries' index, with no regrouping (a quarter is already one "
        "row per commune × category). A year adds up its four quarters with a GROUP BY, which is why the yearly "
        "table stays near DuckDB's time; a commune × year grain would remove that, at the cost of one more row "
        "per record action. The ranking reads the crime summary (`CrimeSummary`: one row per commune and period, "
        "kept with the other summaries and derived again from the case summaries when a category's \"is a "
        "crime\" changes) and the communes' names and populations (for a commune without a figure of its "
        "own, its villages' sum); what is left is Python ranking 1,652 communes, with rates and shares "
        "as exact integer hundredths (`indicators.hundredths`), decimals only for the output. It is a few tens "
        "of milliseconds whatever the register's size, so its ratio to DuckDB falls as the register grows.",
        generator_finding(results),
        overdue_finding(results, largest),
        portal_finding(results, largest),
        integrity_finding(results, largest),
        "",
    ]
    return lines


def portal_finding(results: dict[str, Any], largest: str) -> str:
    """The portal's publications: what they read, and what their disclosure control costs."""
    said = []
    for engine, label in NAMES.items():
        entry = results["engines"].get(engine, {}).get("sizes", {}).get(largest)
        published = ((entry or {}).get("web") or {}).get("portal", {}).get("publish")
        if published:
            said.append(f"{label} {published['seconds']:,.0f} s for {published['periods']} periods")
    return (
        "7. **The portal publishes ahead and reads no record.** A publication is every place of the country "
        "for one period, small counts hidden across the whole tree (`portal/publication.py`). Its figures are "
        "case summary counters (complaints closed in time and the complainants' answers became counters of "
        "their own, kept by every action), so its cost does not follow the register. What did follow the data "
        "was the disclosure control: the audit hid one partner per weak figure and round, by value alone, and a "
        "quarter at ten million records took 45 s of linear programmes. A sum that would pin a hidden figure "
        "now gets its partner before any programme, and a figure proved safe is not audited again: 0.2 s, and "
        "1,314 figures hidden instead of 7,855. The `publish_portal` job computes the periods most read (each "
        "kind's current and last ended period with their trends) every 10 minutes into the shared cache, at "
        f"{n(int(largest))} records: {'; '.join(said) or '–'}."
    )


def integrity_finding(results: dict[str, Any], largest: str) -> str:
    """The integrity run: the one national computation that reads the register."""
    said = []
    for engine, label in NAMES.items():
        entry = results["engines"].get(engine, {}).get("sizes", {}).get(largest)
        if entry and "integrity" in entry["reports"]:
            said.append(f"{label} {ms(entry['reports']['integrity'])} ms")
    return (
        "8. **The integrity run reads the quarter's records.** Most rules look for patterns no summary keeps "
        "(closures within 48 hours, entries long after the offence, arrests that go nowhere, per officer as "
        "well as per place), so they group the quarter's records by commune and officer: a daily job "
        "(`check_integrity`), not a page. Each flagged commune's records were looked up with `LIKE '140305%'`, "
        "which read the whole quarter again per commune (minutes at ten million records); they are now code "
        f"ranges on the place index. The national run at {n(int(largest))} records: {'; '.join(said) or '–'}."
    )


def overdue_finding(results: dict[str, Any], largest: str) -> str:
    """The provincial report's overdue figure, from the open deadlines kept with the records."""
    said = []
    for engine, label in NAMES.items():
        entry = results["engines"].get(engine, {}).get("sizes", {}).get(largest)
        if entry:
            reports = entry["reports"]
            said.append(
                f"{label}: provincial {ms(reports.get('province_report'))} ms, national "
                f"{ms(reports.get('quarterly_report'))} ms"
            )
    return (
        "6. **A province's overdue figure reads the province.** A provincial or district report counts the "
        "records overdue now; it walked the country's open records (by the (status, close_due_at) index) to keep "
        "its province's. It now reads `OpenDeadline` (`reports/models.py`): open records by commune, month of "
        "occurrence, category and the instant after which each is overdue (the earliest deadline whose step is "
        "undone), moved with the summaries by every action, filled by the rebuilds and the generator, a row "
        "deleted when its last record leaves it. Overdue at a given instant is the sum of the place's rows due "
        "before it: the same records as the register's one rule (`deadlines.overdue_q`), which a test checks "
        "through random workflows on both databases. The quarterly result report at "
        f"{n(int(largest))} records (`build_report_data`): {'; '.join(said) or '–'}."
    )


def method(results: dict[str, Any]) -> list[str]:
    lines = [
        "## How it is measured, and what to keep in mind",
        "",
        "- Every database starts empty: migrations, the MEF 2025 gazetteer and the 2019 census of the provinces "
        "(`load_gazetteer`), the policy (`load_policy`), then commune population estimates from `../shared/data` "
        "when present (the benchmark's only use of it: the ranking needs populations; the generator then weights "
        "villages by them).",
        "- The register grows from one size to the next with further seeds (1, 2, …); each growth adds its own "
        "records to the summaries, so the summary time follows the records added (and the cells they touch), "
        "not the size of the register. The summaries are compared with the records (`check_summaries`' code) "
        "up to BENCH_CHECK_MAX records.",
        "- Audit: one `synthetic.generate` event per province and chunk of 100,000 records, with the seed, the id "
        "range and each district's reference range; `verify_chain` runs after each growth.",
        "- Reports run in one process per database with a warm cache (one warm-up run). DuckDB runs in the "
        "benchmark's process on a Parquet file of the same rows, with its default threads.",
        "- The web figures share the machine with Locust itself and the database server; the per-address limits "
        "on public complaints and receipt look-ups are lifted (`RECEIPT_THROTTLE`, `COMPLAINT_THROTTLE_RATE`) "
        "because every virtual user comes from 127.0.0.1.",
        "- Raw results: `var/bench/results.json`; Locust's CSV files: `var/bench/locust-*`.",
        "",
    ]
    return lines


if __name__ == "__main__":
    print(write(json.loads(RESULTS.read_text()), ROOT / "docs" / "performance.md"))
