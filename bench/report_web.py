"""The web sections of docs/performance.md: what a user waits for through HTTP (beside DuckDB on
the same rows, with their targets), the API under load (ingest and Locust) and the public portal."""

from __future__ import annotations

from typing import Any

from tables import NAMES, TARGET_SIZE, ms, n, r, ratio, table, verdict

# The web questions that list records (targets: at most DuckDB's time, growth at most 1.5 times).
LISTS = ("first_page", "province_category", "deep_page", "drill_down")


def _waits(results: dict[str, Any], engine: str, size: str) -> dict[str, Any] | None:
    return results["engines"].get(engine, {}).get("sizes", {}).get(size, {}).get("web")


def _duckdb(results: dict[str, Any], engine: str, size: str, code: str) -> dict[str, Any] | None:
    """DuckDB's answer to a web question: timed run for run beside the page (``duckdb_timing``),
    or, in runs before that, timed with the reference's other figures before the web step."""
    waits = _waits(results, engine, size) or {}
    answer = waits.get("answers", {}).get(code) or {}
    if "duckdb_timing" in answer:
        return answer["duckdb_timing"]
    reference = waits.get("duckdb", {}).get(code)
    return results["engines"][engine]["sizes"][size]["duckdb"].get("questions", {}).get(reference or "")


def _wait_ratio(results: dict[str, Any], engine: str, size: str, code: str) -> float | None:
    waits = _waits(results, engine, size)
    if not waits or code not in waits["answers"]:
        return None
    return ratio(waits["answers"][code]["timing"], _duckdb(results, engine, size, code))


def _growth(results: dict[str, Any], engine: str, code: str) -> float | None:
    sizes = [str(s) for s in results["config"]["sizes"]]
    first, last = _waits(results, engine, sizes[0]), _waits(results, engine, sizes[-1])
    if len(sizes) < 2 or not first or not last or code not in first["answers"] or code not in last["answers"]:
        return None
    return ratio(last["answers"][code]["timing"], first["answers"][code]["timing"])


def wait_targets(results: dict[str, Any]) -> list[list[str]]:
    sizes = [str(s) for s in results["config"]["sizes"]]
    largest = sizes[-1]
    rows = []
    cells = [f"Register lists, filter, drill-down and deep page at {n(int(largest))} ≤ DuckDB (ratio ≤ 1.0)"]
    for engine in NAMES:
        values = {code: _wait_ratio(results, engine, largest, code) for code in LISTS}
        known = [v for v in values.values() if v is not None]
        met = None if not known else all(v <= 1.0 for v in known) and len(known) == len(LISTS)
        worst = max(known) if known else None
        cells.append(f"worst {r(worst)} — {verdict(met)}" if known else "–")
    rows.append(cells)
    span = f"{n(int(sizes[0]))} to {n(int(largest))}" if len(sizes) > 1 else f"1,000,000 to {n(TARGET_SIZE)}"
    cells = [f"Their growth from {span} ≤ 1.5×"]
    for engine in NAMES:
        growths = [g for code in LISTS if (g := _growth(results, engine, code)) is not None]
        met = None if not growths else all(v <= 1.5 for v in growths) and len(growths) == len(LISTS)
        cells.append(f"worst {r(max(growths))}× — {verdict(met)}" if growths else "–")
    rows.append(cells)
    cells = [f"Provincial report page ≤ national report page at {n(int(largest))}"]
    for engine in NAMES:
        waits = _waits(results, engine, largest)
        answers = waits["answers"] if waits else {}
        if "province_report" in answers and "national_report" in answers:
            province, national = answers["province_report"]["timing"], answers["national_report"]["timing"]
            met = province["median"] <= national["median"]
            cells.append(f"{ms(province)} against {ms(national)} — {verdict(met)}")
        else:
            cells.append("–")
    rows.append(cells)
    users = results["config"].get("portal_users", 500)
    cells = [f"{users} anonymous visitors on the public portal: 0 failures (p95 recorded)"]
    for engine in NAMES:
        total = ((results["engines"].get(engine, {}).get("portal_locust") or {}).get("stats") or {}).get("Aggregated")
        if total:
            met = total["failures"] == 0
            cells.append(f"{n(total['failures'])} failures, p95 {n(total['p95'])} ms — {verdict(met)}")
        else:
            cells.append("–")
    rows.append(cells)
    return rows


def user_waits(results: dict[str, Any]) -> list[str]:
    """The web questions: through HTTP against gunicorn, beside DuckDB on the same rows."""
    sizes = [str(s) for s in results["config"]["sizes"]]
    if not any(_waits(results, engine, size) for engine in NAMES for size in sizes):
        return []
    config = results["config"]
    lines = [
        "## What a user waits for",
        "",
        f"Through HTTP, one request at a time, against gunicorn ({config['workers']} sync workers, each of them "
        "warmed by signed-in register pages first; production settings: DEBUG off, the static manifest) on "
        "127.0.0.1, with a signed-in national reader (the "
        f"provincial secretariat of province {config.get('province', '14')} for its report, its filter and its "
        "export). Time to the whole answer, except the export: when exports are background jobs, time until the "
        "job is accepted (the answer to the export form, a redirect to its progress page; the worker is not "
        "running during the benchmark), else time to the first byte of the file. The deep page is reached by "
        "following the list's own next links. DuckDB answers the same "
        "question on the same rows (Parquet, two threads): a list is its count and its first page of references "
        "in the register's order (newest report first; with a period, latest incident first), the deep page the "
        "same page by OFFSET, the provincial "
        "report the province's commune × category table for the quarter and a year earlier. DuckDB's answer is "
        "timed run for run beside the page (page, DuckDB, page, …, after a warm-up of each), so that the "
        "machine's speed, which drifts by a third from minute to minute on this shared virtual machine, is the "
        "same for both sides of a ratio. The questions start once the one-minute load average is under 1 (at "
        "most three minutes after the export and DuckDB's conversion, which keep both cores busy for half a "
        "minute at ten million records). “Same page” says "
        "whether the page the server sent lists DuckDB's records in DuckDB's order. Growth: the time at the "
        "largest size over the time at the smallest.",
        "",
    ]
    for engine, label in NAMES.items():
        if not any(_waits(results, engine, size) for size in sizes):
            continue
        header = ["Question"]
        for size in sizes:
            header += [f"{n(int(size))}", "DuckDB", "Ratio"]
        header += ["Growth", "Same page"]
        rows = []
        codes: list[str] = []
        for size in sizes:
            waits = _waits(results, engine, size)
            codes += [c for c in (waits or {}).get("answers", {}) if c not in codes]
        for code in codes:
            label_text = next(
                (
                    w["answers"][code].get("label") or w["labels"][code]
                    for size in sizes
                    if (w := _waits(results, engine, size)) and code in w["answers"]
                ),
                code,
            )
            cells = [label_text]
            same = []
            for size in sizes:
                waits = _waits(results, engine, size)
                answer = (waits or {}).get("answers", {}).get(code)
                duck = _duckdb(results, engine, size, code)
                cells += [
                    ms(answer["timing"]) if answer else "–",
                    ms(duck),
                    r(_wait_ratio(results, engine, size, code)),
                ]
                if answer and "references" in answer and duck and isinstance(duck.get("value"), list):
                    same.append("yes" if answer["references"] == duck["value"][1] else "**no**")
            growth = _growth(results, engine, code)
            cells += [f"{r(growth)}×" if growth is not None else "–", ", ".join(same) or "–"]
            rows.append(cells)
        lines += [f"### {label}", "", *table(header, rows)]
        notes = []
        for size in sizes:
            waits = _waits(results, engine, size)
            deep = (waits or {}).get("answers", {}).get("deep_page")
            if deep:
                notes.append(f"at {n(int(size))}: `{deep['path']}` ({deep['reached_by']})")
            if waits:
                settled = ""
                if "settled_seconds" in waits:
                    settled = f" (after {waits['settled_seconds']} s waiting for it under 1)"
                notes.append(
                    f"load average at {n(int(size))}: {waits['load_before']} before{settled}, "
                    f"{waits['load_after']} after"
                )
        if notes:
            lines += ["Deep page and load: " + "; ".join(notes) + ".", ""]
    return lines


def _web_runs(results: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(engine, label, figures) of each web measurement: the run's own, then any repeat
    (``bench/run.py --repeat-web``), labelled with its date and the machine's load."""
    runs = []
    for engine, label in NAMES.items():
        out = results["engines"].get(engine, {})
        runs.append((engine, label, out))
        for repeat in out.get("web_repeats", []):
            load = f"load {repeat['load_before'][0]:.1f} → {repeat['load_after'][0]:.1f}"
            runs.append((engine, f"{label}, repeated {repeat['date'][:16].replace('T', ' ')} ({load})", repeat))
    return runs


def web(results: dict[str, Any]) -> list[str]:
    config = results["config"]
    lines = [
        "## The API under load",
        "",
        f"gunicorn with {config['workers']} sync workers on 127.0.0.1, production settings (DEBUG off), on the "
        "register at its largest size. Field devices submit with their keys (`POST /api/v1/incidents/`).",
        "",
    ]
    rows = []
    for _engine, label, run in _web_runs(results):
        ingest = run.get("ingest")
        if ingest:
            s, c = ingest["sequential"], ingest["concurrent"]
            rows.append(
                [
                    label,
                    f"{s['rate']:.0f} a second ({s['requests']} in {s['seconds']:.1f} s, "
                    f"{ingest['sequential_errors']} errors)",
                    f"{c['rate']:.0f} a second ({c['requests']} in {c['seconds']:.1f} s, "
                    f"{ingest['concurrent_errors']} errors)",
                ]
            )
    lines += table(["Database", "One client in sequence", f"{config['ingest']['clients']} clients at once"], rows)
    lines += [
        f"### Locust: {config['locust_users']} users for {config['locust_seconds'] // 60} min "
        f"{config['locust_seconds'] % 60} s",
        "",
        "Each user is a field device or a citizen, waiting 1 to 3 s between actions: 50% submissions (30% of them "
        "resent with the same uuid, which must answer 200 with the same record), 30% lists of the officer's "
        "register, 20% receipt look-ups. Response times in milliseconds.",
        "",
    ]
    rows = []
    for _engine, label, run in _web_runs(results):
        rows += _locust_rows(label, run.get("locust", {}))
    lines += table(["Database", "Request", "Requests", "Failures", "A second", "p50", "p95", "p99", "Max"], rows)
    return lines


PORTAL_PAGES = {
    "country": "Country page",
    "province": "Province page",
    "district": "District page",
    "commune": "Commune page",
    "country_csv": "Country CSV",
}


def _locust_rows(label: str, stats: dict[str, Any]) -> list[list[str]]:
    """One table row per Locust request name: counts, failures, rate and percentiles."""
    return [
        [
            label,
            name,
            n(s["requests"]),
            n(s["failures"]),
            f"{s['rps']:.1f}",
            n(s["p50"]),
            n(s["p95"]),
            n(s["p99"]),
            n(s["max"]),
        ]
        for name, s in stats.items()
    ]


def _again(label: str, found: dict[str, Any]) -> str:
    """A database's name, with the date its portal was measured again (``--repeat-portal``)."""
    return f"{label}, measured again {found['repeated'][:16].replace('T', ' ')}" if found.get("repeated") else label


def portal(results: dict[str, Any]) -> list[str]:
    """The public portal: its pages at each size, and the audience of anonymous visitors."""
    config = results["config"]
    lines = [
        "## The public portal",
        "",
        "Anonymous requests (no cookie) to the portal's pages of the last whole quarter. First the portal's job "
        "(`publish_portal`, every 10 minutes in production) computes the publications of the periods most read "
        "(each kind's period under way and last ended, with their trends: every place of the country, small counts "
        "hidden across the tree) into the cache the server's workers share (Redis, as `CACHE_URL` sets in "
        'production). "First answer" is then the first request of the country\'s page; the pages are the median '
        'of the runs. "Revisit" sends the page\'s ETag back. Milliseconds.',
        "",
    ]
    jobs = []
    for engine, label in NAMES.items():
        for size, entry in results["engines"].get(engine, {}).get("sizes", {}).items():
            found = (entry.get("web") or {}).get("portal") or {}
            if published := found.get("publish"):
                seconds = f"{published['seconds']:,.1f}"
                jobs.append([_again(label, found), n(int(size)), n(published["periods"]), seconds])
    if jobs:
        lines += table(["Database", "Records", "Periods published", "Job (s)"], jobs)
    rows = []
    for engine, label in NAMES.items():
        for size, entry in results["engines"].get(engine, {}).get("sizes", {}).items():
            found = (entry.get("web") or {}).get("portal")
            if not found:
                continue
            first = f"{found['first_answer_seconds'] * 1000:,.0f}"
            for code, name in PORTAL_PAGES.items():
                page = found.get(code)
                if page:
                    rows.append(
                        [
                            _again(label, found),
                            n(int(size)),
                            name,
                            ms(page),
                            n(page["bytes"]),
                            f"{page['revisit_seconds'] * 1000:,.0f} ({page['revisit_status']})",
                            first if code == "country" else "",
                        ]
                    )
    lines += table(["Database", "Records", "Page", "Answer", "Bytes", "Revisit", "First answer"], rows)
    users = config.get("portal_users", 500)
    lines += [
        f"### Locust: {users} anonymous visitors for {config['locust_seconds'] // 60} min "
        f"{config['locust_seconds'] % 60} s",
        "",
        "Each visitor waits 1 to 3 s between actions: 60% pages (the country, every province, one province's "
        "districts, one district's communes, in Khmer and English), 10% downloads, 30% revisits with the ETag "
        "(a 304). A failure is any other status or a Set-Cookie. Response times in milliseconds.",
        "",
    ]
    rows = []
    for engine, label in NAMES.items():
        audience = results["engines"].get(engine, {}).get("portal_locust") or {}
        rows += _locust_rows(label, audience.get("stats", {}))
    lines += table(["Database", "Request", "Requests", "Failures", "A second", "p50", "p95", "p99", "Max"], rows)
    return lines
