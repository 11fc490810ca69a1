"""``make bench``: SafeVillage at national scale, measured, and docs/performance.md written.

For each database (SQLite at var/bench/bench.sqlite3, PostgreSQL database ``safevillage_bench``)
the run starts from nothing: migrate, the MEF gazetteer and the 2019 census of the provinces
(``load_gazetteer``), the policy, commune population estimates when ../shared/data is present
(bench only: the ranking needs populations), benchmark accounts; then for each size it grows
the synthetic register to that size (``generate_synthetic``'s code path, audit and summaries
included), checks the chain (and the summaries up to BENCH_CHECK_MAX records), times the
national reports, exports the raw rows and times the same reports in DuckDB; at the largest
size it starts gunicorn and measures API ingest and a Locust load.

Settings (environment): BENCH_SIZES="1000000 10000000", BENCH_RUNS=5, LOCUST_MINUTES=5,
LOCUST_USERS=200, BENCH_QUICK=1 (100,000 records, 3 runs, 30 s of Locust), BENCH_ENGINES=
"sqlite postgresql", BENCH_YEARS=5, BENCH_WORKERS=4 (gunicorn), BENCH_CHECK_MAX=1000000,
BENCH_PG=postgres://postgres@127.0.0.1:5432, BENCH_PG_DATABASE=safevillage_bench,
BENCH_PORT=8765, BENCH_DEEP_PAGE=500 (the deep page of the web figures), BENCH_KEEP=1 (the
databases left out of BENCH_ENGINES keep their figures from the last run of the same sizes).

``python bench/run.py --generator-rate`` measures ``generate_synthetic``'s rate alone, into an
empty SQLite register, with nothing else of the benchmark running, then with one CPU-bound
process per core beside it, then alone again (BENCH_GENERATOR_RECORDS=1000000), and adds the
rates and load averages to the results and to docs/performance.md.

``python bench/run.py --repeat-portal ENGINE`` measures the public portal again (its job, its
pages, its audience) on that database at its largest size, for a change to the portal alone.

``python bench/run.py --repeat-web ENGINE`` measures the API ingest and the Locust load again on
that database as the last run left it, adds them to var/bench/results.json as a repeat (the
first figures stay) and writes docs/performance.md again: a load near the machine's capacity
varies from run to run, and a single figure would hide it.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import duckdb  # type: ignore[import-not-found, unused-ignore]  # the "bench" extra: absent under make test
import psycopg
import redis
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import portal
import reference
import report
import web

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


QUICK = os.environ.get("BENCH_QUICK", "") in ("1", "true", "yes")
SIZES = [100_000] if QUICK else [int(s) for s in os.environ.get("BENCH_SIZES", "1000000 10000000").split()]
RUNS = 3 if QUICK else env_int("BENCH_RUNS", 5)
LOCUST_SECONDS = 30 if QUICK else env_int("LOCUST_MINUTES", 5) * 60
LOCUST_USERS = env_int("LOCUST_USERS", 200)
# The public portal's audience: anonymous visitors at once (issue 19: 500, 0 failures).
PORTAL_USERS = env_int("PORTAL_USERS", 500)
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite postgresql").split()
YEARS = env_int("BENCH_YEARS", 5)
WORKERS = env_int("BENCH_WORKERS", 4)
CHECK_MAX = env_int("BENCH_CHECK_MAX", 1_000_000)
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "safevillage_bench")
PORT = env_int("BENCH_PORT", 8765)
INGEST_SEQUENTIAL = 100 if QUICK else 300
INGEST_CLIENTS = 16
INGEST_EACH = 10 if QUICK else 40
RECEIPTS = 50
# The deep page of the register the web figures open (the "page 500").
DEEP_PAGE = 20 if QUICK else env_int("BENCH_DEEP_PAGE", 500)
# The province and category of the filtered questions: Prey Veng, thefts.
PROVINCE = "14"
CATEGORY = "theft"
# One key for the server and the sessions made for it (bench/steps.py web-sessions).
SECRET_KEY = "bench-" + uuid.uuid4().hex + uuid.uuid4().hex

NOW = datetime.datetime.now(datetime.UTC)
END_YEAR = NOW.year
# The last whole quarter, and the last whole year.
_LAST_QUARTER_END = datetime.date(NOW.year, 3 * ((NOW.month - 1) // 3) + 1, 1) - datetime.timedelta(days=1)
QUARTER = f"{_LAST_QUARTER_END.year}Q{(_LAST_QUARTER_END.month - 1) // 3 + 1}"
YEAR = str(NOW.year - 1)
ASK = reference.Ask(QUARTER, YEAR, RUNS, PROVINCE, CATEGORY, DEEP_PAGE)


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)  # noqa: DTZ005


# --- databases ------------------------------------------------------------------------------


def database_url(engine: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{VAR / 'bench.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASE}"


def reset(engine: str) -> None:
    if engine == "sqlite":
        # The referrals live in a database of their own beside it (settings: bench-referrals.sqlite3).
        for name in ("bench", "bench-referrals"):
            for suffix in ("", "-wal", "-shm"):
                (VAR / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
        return
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        for name in (PG_DATABASE, f"{PG_DATABASE}_referrals"):
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")


def _shared_cache() -> str:
    """The cache the server's workers and the portal's job share, as in production (CACHE_URL,
    docs/operations.md): a Redis database of the benchmark's own when Redis answers."""
    url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError):  # no Redis: each worker keeps its own memory cache
        return ""
    return url


CACHE_URL = _shared_cache()


def django_env(engine: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url(engine), "DEBUG": "true", "LOG_LEVEL": "WARNING", "PYTHONHASHSEED": "0"})
    env.update({"CACHE_URL": CACHE_URL} if CACHE_URL else {})
    env.update(extra)
    return env


def manage(engine: str, *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=django_env(engine), check=True, stdout=subprocess.DEVNULL
    )


def step(engine: str, name: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, "bench/steps.py", name, *args],
        cwd=ROOT,
        env=django_env(engine, **(env or {})),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    raise RuntimeError(f"step {name} printed no result")


# --- the web server -------------------------------------------------------------------------


class Server:
    """gunicorn on 127.0.0.1 with production settings (DEBUG off). The per-address limits on
    public complaints and receipt look-ups are lifted: every virtual user comes from 127.0.0.1."""

    def __init__(self, engine: str) -> None:
        self.url = f"http://127.0.0.1:{PORT}"
        env = django_env(
            engine,
            DEBUG="false",
            SECRET_KEY=SECRET_KEY,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            RECEIPT_THROTTLE="1000000/hour",
            COMPLAINT_THROTTLE_RATE="1000000/hour",
        )
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "safevillage.wsgi:application", "-b", f"127.0.0.1:{PORT}", "-w", str(WORKERS)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(VAR / f"gunicorn-{engine}.log").open("w"),
        )
        try:
            self._wait()
        except BaseException:
            self.stop()
            raise

    def _wait(self) -> None:
        for _ in range(120):
            try:
                # A busy machine starts the workers slowly: a slow answer is waited for again.
                if requests.get(f"{self.url}/healthz", timeout=10).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not start (see var/bench/gunicorn-*.log)")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def submission(officer: dict[str, Any], number: int) -> dict[str, Any]:
    occurred = NOW - datetime.timedelta(hours=1 + number % 48)
    return {
        "uuid": str(uuid.uuid4()),
        "category": ["theft", "civil_dispute", "traffic_accident", "assault"][number % 4],
        "village": officer["villages"][number % len(officer["villages"])],
        "occurred_at": occurred.isoformat(),
        "description": "Benchmark submission from a field device.",
        "channel": "field_device",
    }


def ingest(server: Server, officers: list[dict[str, Any]]) -> dict[str, Any]:
    """Submissions a second through the API: one client in sequence, then 16 at once."""

    def post_many(officer: dict[str, Any], count: int, errors: list[int]) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {officer['token']}"
        for number in range(count):
            response = session.post(f"{server.url}/api/v1/incidents/", json=submission(officer, number), timeout=120)
            if response.status_code != 201:
                errors.append(response.status_code)

    errors: list[int] = []
    started = time.perf_counter()
    post_many(officers[0], INGEST_SEQUENTIAL, errors)
    sequential = time.perf_counter() - started
    concurrent_errors: list[int] = []
    clients = [officers[i % len(officers)] for i in range(INGEST_CLIENTS)]
    threads = [threading.Thread(target=post_many, args=(o, INGEST_EACH, concurrent_errors)) for o in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent = time.perf_counter() - started
    return {
        "sequential": {"requests": INGEST_SEQUENTIAL, "seconds": sequential, "rate": INGEST_SEQUENTIAL / sequential},
        "sequential_errors": len(errors),
        "concurrent": {
            "clients": INGEST_CLIENTS,
            "requests": INGEST_CLIENTS * INGEST_EACH,
            "seconds": concurrent,
            "rate": INGEST_CLIENTS * INGEST_EACH / concurrent,
        },
        "concurrent_errors": len(concurrent_errors),
    }


def receipts(server: Server, officers: list[dict[str, Any]]) -> list[str]:
    codes = []
    for number in range(RECEIPTS):
        officer = officers[number % len(officers)]
        response = requests.post(
            f"{server.url}/api/v1/public/complaints/",
            json={
                "category": "civil_dispute",
                "village": officer["villages"][0],
                "occurred_at": (NOW - datetime.timedelta(days=1)).isoformat(),
                "description": "Benchmark complaint.",
                "anonymous": True,
            },
            timeout=60,
        )
        response.raise_for_status()
        codes.append(response.json()["receipt"])
    return codes


def locust(
    server: Server,
    engine: str,
    tokens: Path,
    *,
    name: str = "locust",
    file: str = "locustfile.py",
    users: int = LOCUST_USERS,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    prefix = VAR / f"{name}-{engine}"
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / file),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 10)),
            "--run-time",
            f"{LOCUST_SECONDS}s",
            "--host",
            server.url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "BENCH_TOKENS": str(tokens), **(env or {})},
        check=False,  # locust exits 1 when any request failed: the failures are the result
        stdout=subprocess.DEVNULL,
    )
    return report.read_locust(Path(f"{prefix}_stats.csv"))


# --- machine ----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
    )
    os_name = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in Path("/etc/os-release").read_text().splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.platform(),
    )
    with psycopg.connect(f"{PG_SERVER}/postgres") as connection:
        postgres = connection.execute("SHOW server_version").fetchall()[0][0]
    locust_version = subprocess.run([str(BIN / "locust"), "--version"], capture_output=True, text=True).stdout.split()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "os": os_name,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres,
        "duckdb": duckdb.__version__,
        "locust": locust_version[1] if len(locust_version) > 1 else "",
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def settle(below: float = 1.0, longest: float = 180.0) -> float:
    """Wait until the one-minute load average is under ``below`` (at most ``longest``
    seconds); the seconds waited. The web questions follow the export and DuckDB's conversion,
    both cores busy for half a minute at ten million records and a few seconds at one: timed at
    once, the larger register's pages would pay for the machine still catching up."""
    started = time.perf_counter()
    while os.getloadavg()[0] >= below and time.perf_counter() - started < longest:
        time.sleep(5)
    return round(time.perf_counter() - started, 1)


def cpu_speed() -> float:
    """Milliseconds for a fixed piece of pure Python on one core (median of 5): machines of the
    same name differ from day to day, and the generator and the web figures follow this speed."""
    seconds = []
    for _ in range(5):
        started = time.perf_counter()
        sum(i * i for i in range(3_000_000))
        seconds.append(time.perf_counter() - started)
    return round(statistics.median(seconds) * 1000, 1)


# --- the run ----------------------------------------------------------------------------------


def run_engine(engine: str, results: dict[str, Any]) -> None:
    out: dict[str, Any] = {"sizes": {}}
    results["engines"][engine] = out
    log(f"{engine}: fresh database, gazetteer, policy")
    reset(engine)
    manage(engine, "migrate", "--no-input", "-v", "0")
    manage(engine, "migrate", "--no-input", "-v", "0", "--database", "referrals")
    manage(engine, "load_gazetteer", "--no-progress")
    manage(engine, "load_policy")
    out["populations"] = step(engine, "populations")
    out["boundaries"] = step(engine, "boundaries")
    tokens = VAR / f"tokens-{engine}.json"
    step(engine, "api-setup", "--officers", str(INGEST_CLIENTS), "--out", str(tokens))
    current = 0
    for index, size in enumerate(SIZES):
        entry: dict[str, Any] = {"load_before": load_average()}
        out["sizes"][str(size)] = entry
        log(f"{engine}: generating {size - current:,} records (to {size:,})")
        args = ["--incidents", str(size - current), "--seed", str(index + 1), "--years", str(YEARS)]
        args += ["--end-year", str(END_YEAR)]
        if size <= CHECK_MAX:
            args.append("--check")
        entry["generate"] = step(engine, "generate", *args)
        current = size
        reference_rows = str(min(size, 200_000))
        if index == 0:
            log(f"{engine}: raw load reference, empty table")
            entry["reference_load"] = step(engine, "reference-load", "--rows", reference_rows)
            log(f"{engine}: raw load reference, bare table (primary key only)")
            entry["reference_bare"] = step(engine, "reference-load", "--rows", reference_rows, "--into", "bare")
        log(f"{engine}: raw load reference, into the register at {size:,} (rolled back)")
        entry["reference_at_size"] = step(engine, "reference-load", "--rows", reference_rows, "--into", "register")
        log(f"{engine}: national reports at {size:,}")
        entry["reports"] = step(engine, "reports", "--runs", str(RUNS), "--quarter", QUARTER, "--year", YEAR)
        log(f"{engine}: DuckDB reference at {size:,}")
        csv_path, side = VAR / f"incidents-{engine}.csv", VAR / f"side-{engine}.json"
        entry["export"] = step(engine, "export", "--out", str(csv_path), "--side", str(side))
        facts = step(engine, "register-facts")
        side.write_text(json.dumps({**json.loads(side.read_text()), **facts}))
        entry["duckdb"] = reference.duckdb_reference(csv_path, side, ASK)
        csv_path.unlink()
        log(f"{engine}: what a user waits for, through HTTP, at {size:,}")
        entry["web"] = user_waits(engine, reference.parquet_of(csv_path), side)
        entry["load_after"] = load_average()
        report.save(results)
    log(f"{engine}: API ingest and Locust at {current:,}")
    server = Server(engine)
    try:
        data = json.loads(tokens.read_text())
        data["receipts"] = receipts(server, data["officers"])
        tokens.write_text(json.dumps(data))
        out["ingest"] = ingest(server, data["officers"])
        out["load_before_locust"] = load_average()
        out["locust"] = locust(server, engine, tokens)
        out["load_after_locust"] = load_average()
        out["portal_locust"] = portal_audience(server, engine, tokens)
        out["web_size"] = current
    finally:
        server.stop()
    report.save(results)


def portal_audience(server: Server, engine: str, tokens: Path) -> dict[str, Any]:
    """PORTAL_USERS anonymous visitors on the public portal (bench/portal_locustfile.py)."""
    log(f"{engine}: {PORTAL_USERS} visitors on the public portal")
    addresses = VAR / f"portal-addresses-{engine}.json"
    addresses.write_text(json.dumps(portal.addresses(server.url, QUARTER, PROVINCE)))
    published = step(engine, "publish-portal")  # as the worker keeps them, every 10 minutes
    return {
        "users": PORTAL_USERS,
        "publish": published,
        "load_before": load_average(),
        "stats": locust(
            server,
            engine,
            tokens,
            name="portal-locust",
            file="portal_locustfile.py",
            users=PORTAL_USERS,
            env={"PORTAL_ADDRESSES": str(addresses)},
        ),
        "load_after": load_average(),
    }


def user_waits(engine: str, parquet: Path, side: Path) -> dict[str, Any]:
    """The web questions (bench/web.py) against gunicorn with production settings, each beside
    DuckDB's same question on the rows the reference converted (``parquet``)."""
    asked = web.questions(QUARTER, PROVINCE, CATEGORY, DEEP_PAGE)
    server = Server(engine)
    database, duckdb_questions = reference.open_questions(parquet, side, ASK)
    try:
        cookies = step(engine, "web-sessions", env={"SECRET_KEY": SECRET_KEY})["cookies"]
        web.warm_workers(server.url, cookies, WORKERS)
        settled = settle()
        load_before = load_average()
        answers = web.measure(server.url, cookies, asked, RUNS, DEEP_PAGE, duckdb_questions)
        # The portal's job publishes ahead, as the worker does in production, then the pages
        # are read anonymously (bench/portal.py).
        published = step(engine, "publish-portal")
        return {
            "settled_seconds": settled,
            "load_before": load_before,
            "answers": answers,
            "portal": {**portal.measure(server.url, QUARTER, PROVINCE, RUNS), "publish": published, "cache": CACHE_URL},
            "load_after": load_average(),
            "labels": {q.code: q.label for q in asked},
            "duckdb": {q.code: q.duckdb for q in asked},
        }
    finally:
        database.close()
        server.stop()


def repeat_web(engine: str) -> None:
    results = json.loads(report.RESULTS.read_text())
    out = results["engines"][engine]
    tokens = VAR / f"tokens-{engine}.json"
    log(f"{engine}: API ingest and Locust again at {out['web_size']:,}")
    repeat: dict[str, Any] = {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}
    server = Server(engine)
    try:
        officers = json.loads(tokens.read_text())["officers"]
        repeat["load_before"] = load_average()
        repeat["ingest"] = ingest(server, officers)
        repeat["locust"] = locust(server, engine, tokens)
        repeat["load_after"] = load_average()
    finally:
        server.stop()
    out.setdefault("web_repeats", []).append(repeat)
    report.save(results)
    log(f"written: {report.write(results, ROOT / 'docs' / 'performance.md')}")


def repeat_portal(engine: str) -> None:
    """The public portal measured again on that database as the last run left it (at its
    largest size): the publication job, the pages, and the audience. Replaces the portal's
    figures of that size, dated: for a change to the portal alone, without growing the
    register again."""
    results = json.loads(report.RESULTS.read_text())
    out = results["engines"][engine]
    size = str(out["web_size"])
    log(f"{engine}: the public portal again at {int(size):,}")
    tokens = VAR / f"tokens-{engine}.json"
    server = Server(engine)
    try:
        published = step(engine, "publish-portal")
        measured = portal.measure(server.url, QUARTER, PROVINCE, RUNS)
        out["sizes"][size]["web"]["portal"] = {
            **measured,
            "publish": published,
            "cache": CACHE_URL,
            "repeated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        out["portal_locust"] = portal_audience(server, engine, tokens)
    finally:
        server.stop()
    report.save(results)
    log(f"written: {report.write(results, ROOT / 'docs' / 'performance.md')}")


GENERATOR_RECORDS = 100_000 if QUICK else env_int("BENCH_GENERATOR_RECORDS", 1_000_000)
GENERATOR_BURNERS = env_int("BENCH_GENERATOR_BURNERS", os.cpu_count() or 2)


def burner() -> subprocess.Popen[bytes]:
    """A process that keeps one core busy with pure Python: the load other work puts on a
    shared machine."""
    return subprocess.Popen([sys.executable, "-c", "while True: sum(i * i for i in range(10_000))"])


def generator_rate() -> None:
    """``generate_synthetic``'s rate into an empty SQLite register, as the machine is and with
    CPU-bound processes beside it (one per core), each with the load averages around it;
    added to var/bench/results.json (``generator_runs``) and to docs/performance.md."""
    results = json.loads(report.RESULTS.read_text()) if report.RESULTS.exists() else None
    if results is None:
        raise SystemExit("run the benchmark first: the generator's rate is added to its results")
    VAR.mkdir(parents=True, exist_ok=True)
    template, target = VAR / "generator-template.sqlite3", VAR / "generator.sqlite3"
    url = {"DATABASE_URL": f"sqlite:///{target}"}
    for path in (template, target):
        path.unlink(missing_ok=True)
    for command in (["migrate", "--no-input", "-v", "0"], ["load_gazetteer", "--no-progress"], ["load_policy"]):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=django_env("sqlite", **url),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    step("sqlite", "populations", env=url)
    target.rename(template)
    runs = []
    for burners in (0, GENERATOR_BURNERS, 0):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        target.write_bytes(template.read_bytes())
        log(f"generator: {GENERATOR_RECORDS:,} records with {burners} busy process(es) beside it")
        load = [burner() for _ in range(burners)]
        try:
            time.sleep(5 if burners else 0)
            entry: dict[str, Any] = {"burners": burners, "load_before": load_average(), "cpu_speed": cpu_speed()}
            args = ["--incidents", str(GENERATOR_RECORDS), "--seed", "1", "--years", str(YEARS)]
            entry["generate"] = step("sqlite", "generate", *args, "--end-year", str(END_YEAR), env=url)
            entry["load_after"] = load_average()
        finally:
            for process in load:
                process.kill()
                process.wait()
        entry["date"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        runs.append(entry)
    results["generator_runs"] = runs
    report.save(results)
    log(f"written: {report.write(results, ROOT / 'docs' / 'performance.md')}")


def main() -> None:
    if sys.argv[1:] == ["--generator-rate"]:
        generator_rate()
        return
    if sys.argv[1:2] == ["--repeat-web"] and len(sys.argv) == 3 and sys.argv[2] in ("sqlite", "postgresql"):
        repeat_web(sys.argv[2])
        return
    if sys.argv[1:2] == ["--repeat-portal"] and len(sys.argv) == 3 and sys.argv[2] in ("sqlite", "postgresql"):
        repeat_portal(sys.argv[2])
        return
    VAR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "quick": QUICK,
        "date": NOW.isoformat(timespec="seconds"),
        "machine": machine(),
        "config": {
            "sizes": SIZES,
            "runs": RUNS,
            "locust_seconds": LOCUST_SECONDS,
            "locust_users": LOCUST_USERS,
            "portal_users": PORTAL_USERS,
            "years": YEARS,
            "end_year": END_YEAR,
            "quarter": QUARTER,
            "year": YEAR,
            "workers": WORKERS,
            "check_max": CHECK_MAX,
            "deep_page": DEEP_PAGE,
            "province": PROVINCE,
            "category": CATEGORY,
            "ingest": {"sequential": INGEST_SEQUENTIAL, "clients": INGEST_CLIENTS, "each": INGEST_EACH},
        },
        "engines": {},
        "load_start": load_average(),
        "cpu_speed_start": cpu_speed(),
    }
    if report.RESULTS.exists():
        earlier = json.loads(report.RESULTS.read_text())
        # The generator's rate, measured on its own (--generator-rate), is kept.
        if earlier.get("generator_runs"):
            results["generator_runs"] = earlier["generator_runs"]
        # BENCH_KEEP=1: the databases not run this time keep their figures of the last run
        # (one database at a time on a busy machine), if that run had the same sizes.
        if os.environ.get("BENCH_KEEP", "") in ("1", "true", "yes") and earlier["config"]["sizes"] == SIZES:
            for engine, figures in earlier["engines"].items():
                if engine not in ENGINES:
                    results["engines"][engine] = figures
                    results.setdefault("kept", {})[engine] = earlier["date"]
    for engine in ENGINES:
        run_engine(engine, results)
    results["seconds"] = time.perf_counter() - started
    results["load_end"] = load_average()
    results["cpu_speed_end"] = cpu_speed()
    report.save(results)
    path = report.write(results, ROOT / "docs" / "performance.md")
    log(f"done in {results['seconds'] / 60:.1f} min: {path}")


if __name__ == "__main__":
    main()
