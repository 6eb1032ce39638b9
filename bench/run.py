"""Slotkeeper's benchmark, one command: ``.venv/bin/python -m bench.run`` (``make bench``).

Serves the app with ``slotkeeper serve`` on throwaway databases (SQLite in a temporary
directory, a fresh PostgreSQL database), measures the slots route, booking latency,
throughput and the race, runs pgbench on the same booking SQL, prints a Markdown table and
writes it to bench/results/latest.md. Exits 1 if a correctness check fails (a measured
booking that is not a 201, a race that does not end with exactly 10 confirmed bookings);
performance targets are reported, never enforced.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench import pgbench
from bench.infra import (
    Server,
    pg_available,
    pg_database,
    pg_fetchval,
    pg_version,
    postgres_cpu_seconds,
    statements_total,
)
from bench.report import Report
from bench.stats import Latencies
from bench.world import SLOTS_TZ, BookingWorld, booking_world, race_bodies, slots_world

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


# -- running the load generator ------------------------------------------------------------


@dataclass
class LoadResult:
    data: dict[str, Any]
    wall: float
    cpu: float  # the load generator process, start-up included

    @property
    def latencies(self) -> Latencies:
        return Latencies(self.data["latencies"])

    @property
    def statuses(self) -> dict[int, int]:
        return {int(k): v for k, v in self.data.get("statuses", {}).items()}


def loadgen(server: Server, job: dict[str, Any]) -> LoadResult:
    """Run one job in a separate load-generator process."""
    job = {"host": "127.0.0.1", "port": server.port, **job}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.loadgen"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(
            f"load generator failed:\n{done.stderr[-3000:]}\nserver log:\n{server.log_tail()}"
        )
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return LoadResult(json.loads(done.stdout), wall, cpu)


def statements_per_request(
    client: httpx.Client, send: Callable[[], httpx.Response], tries: int = 5
) -> int:
    """SQL statements one request issues: the least increase of the statement counter
    around it over a few tries (the in-process hold sweeper adds its own now and then)."""
    deltas = []
    for _ in range(tries):
        before = statements_total(client)
        response = send()
        if response.status_code >= 300:
            raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
        deltas.append(statements_total(client) - before)
    return int(min(deltas))


# -- 1. slots --------------------------------------------------------------------------------


@dataclass
class SlotsResult:
    backend: str
    latency_30: Latencies
    latency_1: Latencies
    floor: Latencies
    statements: dict[str, int]
    slots_30: int
    slots_30_empty: int
    bookings: int
    cpu_30: float  # server CPU seconds per 30-day request


def slots_path(world: dict, first: date, last: date) -> str:
    return (
        f"/api/v1/services/{world['service']['id']}/slots?start_date={first.isoformat()}"
        f"&end_date={last.isoformat()}&timezone={SLOTS_TZ}"
    )


def measure_slots(server: Server, backend: str, runs: int, warmup: int) -> SlotsResult:
    log(f"[{backend}] seeding: one provider, 200 bookings over 30 days")
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        world = slots_world(client)
        first, last = world.first_day, world.first_day + timedelta(days=29)
        path_30 = slots_path(world.busy, first, last)
        path_1 = slots_path(world.busy, first, first)
        path_empty = slots_path(world.empty, first, last)
        path_empty_1 = slots_path(world.empty, first, first)
        slots_30 = len(client.get(path_30).json()["slots"])
        slots_30_empty = len(client.get(path_empty).json()["slots"])
        statements = {
            label: statements_per_request(client, partial(client.get, path))
            for label, path in (
                ("1 day", path_1),
                ("30 days", path_30),
                ("1 day, no bookings", path_empty_1),
                ("30 days, no bookings", path_empty),
            )
        }
    log(f"[{backend}] slots latency: {warmup} warm-up + {runs} runs each (30 days, 1 day)")
    floor = loadgen(
        server, {"kind": "repeat", "method": "GET", "path": "/healthz", "warmup": 50, "runs": runs}
    )
    cpu = server.cpu_seconds()
    lat_30 = loadgen(
        server, {"kind": "repeat", "method": "GET", "path": path_30, "warmup": warmup, "runs": runs}
    )
    cpu_30 = (server.cpu_seconds() - cpu) / (warmup + runs)
    lat_1 = loadgen(
        server, {"kind": "repeat", "method": "GET", "path": path_1, "warmup": warmup, "runs": runs}
    )
    for result in (floor, lat_30, lat_1):
        if set(result.statuses) != {200}:
            raise RuntimeError(f"slots: unexpected statuses {result.statuses}")
    return SlotsResult(
        backend=backend,
        latency_30=lat_30.latencies,
        latency_1=lat_1.latencies,
        floor=floor.latencies,
        statements=statements,
        slots_30=slots_30,
        slots_30_empty=slots_30_empty,
        bookings=world.bookings,
        cpu_30=cpu_30,
    )


# -- 2. bookings -------------------------------------------------------------------------------


@dataclass
class BookingResult:
    clients: int
    duration: float
    throughput: float
    latency: Latencies
    statuses: dict[int, int]
    errors: list[str]
    single: Latencies
    statements: int
    race_statuses: dict[int, int]
    race_confirmed_db: int
    race_times: int
    db_rows: int
    created: int
    cpu_server: float  # seconds per booking, measured phase
    cpu_postgres: float
    cpu_loadgen: float
    failures: list[str] = field(default_factory=list)


def measure_bookings(
    server: Server, url: str, clients: int, duration: float, single_runs: int
) -> tuple[BookingResult, BookingWorld]:
    log("[postgresql] seeding: 9 providers open around the clock, a 30-minute service")
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        world = booking_world(client)
        plan = world.plan
        # Statement count of one booking, on slots taken from the end of the plan.
        tail = iter(range(plan.size - 1, 0, -1))

        def book_one() -> httpx.Response:
            provider_id, start = plan.slot(next(tail))
            body = {
                "service_id": plan.service_id,
                "provider_id": provider_id,
                "start": start,
                "customer": {"name": "Bench Guest", "email": "guest@example.com"},
            }
            return client.post("/api/v1/bookings", json=body)

        statements = statements_per_request(client, book_one, tries=3)
    created = 3
    offset = 0
    failures: list[str] = []

    def run_book(**job: Any) -> LoadResult:
        nonlocal offset, created
        result = loadgen(server, {"kind": "book", "plan": plan.to_json(), "offset": offset, **job})
        offset += result.data["used"]
        created += result.statuses.get(201, 0)
        bad = {s: n for s, n in result.statuses.items() if s != 201}
        if bad:
            failures.append(f"bookings that were not 201: {bad}; e.g. {result.data['errors'][:2]}")
        if result.data.get("exhausted"):
            failures.append("the plan ran out of distinct slots; raise days or providers")
        return result

    log(f"[postgresql] booking latency, 1 client: 20 warm-up + {single_runs}")
    run_book(concurrency=1, count=20)
    single = run_book(concurrency=1, count=single_runs)
    log(f"[postgresql] booking throughput, {clients} clients: 2 s warm-up + {duration:.0f} s")
    run_book(concurrency=clients, duration=2.0)
    server_cpu, pg_cpu = server.cpu_seconds(), postgres_cpu_seconds()
    loaded = run_book(concurrency=clients, duration=duration)
    server_cpu = server.cpu_seconds() - server_cpu
    pg_cpu = postgres_cpu_seconds() - pg_cpu
    booked = loaded.statuses.get(201, 0)

    log(f"[postgresql] race: {clients} clients x 10 times")
    bodies = race_bodies(world)
    race = loadgen(server, {"kind": "race", "bodies": bodies, "concurrency": clients})
    race_statuses: dict[int, int] = {}
    for per in race.data["per_body"]:
        for status, n in per.items():
            race_statuses[int(status)] = race_statuses.get(int(status), 0) + n
        if per.get("201", 0) != 1:
            failures.append(f"race: one time got {per}")
    race_db = int(
        pg_fetchval(  # type: ignore[arg-type]
            url,
            "SELECT count(*) FROM bookings WHERE provider_id = $1::uuid AND status = 'confirmed'",
            world.race_provider["id"],
        )
    )
    created_db = int(
        pg_fetchval(  # type: ignore[arg-type]
            url,
            "SELECT count(*) FROM bookings WHERE provider_id = ANY($1::uuid[])",
            plan.provider_ids,
        )
    )
    if race_statuses.get(201, 0) != len(bodies) or race_db != len(bodies):
        failures.append(
            f"race: {race_statuses.get(201, 0)} answered 201 and {race_db} confirmed in the "
            f"database; expected exactly {len(bodies)}"
        )
    if set(race_statuses) - {201, 409}:
        failures.append(
            f"race: unexpected statuses {race_statuses}; e.g. {race.data['errors'][:2]} "
            "(tracebacks in bench/results/postgresql-server.log)"
        )
    if created_db != created:
        failures.append(f"{created} bookings answered 201 but the database holds {created_db}")
    return (
        BookingResult(
            clients=clients,
            duration=loaded.data["elapsed"],
            throughput=booked / loaded.data["elapsed"],
            latency=loaded.latencies,
            statuses=loaded.statuses,
            errors=loaded.data["errors"],
            single=single.latencies,
            statements=statements,
            race_statuses=race_statuses,
            race_confirmed_db=race_db,
            race_times=len(bodies),
            db_rows=created_db,
            created=created,
            cpu_server=server_cpu / max(booked, 1),
            cpu_postgres=pg_cpu / max(booked, 1),
            cpu_loadgen=loaded.data["client_cpu"] / max(booked, 1),
            failures=failures,
        ),
        world,
    )


# -- 3. pgbench ------------------------------------------------------------------------------


@dataclass
class PgbenchOutcome:
    result: pgbench.PgbenchResult
    cpu_postgres: float  # seconds per transaction
    cpu_client: float


def measure_pgbench(
    url: str, world: BookingWorld, workdir: Path, clients: int, duration: int
) -> PgbenchOutcome:
    log(f"[postgresql] pgbench: the booking SQL, {clients} clients, {duration} s")
    pg_cpu = postgres_cpu_seconds()
    result = pgbench.run(
        url,
        workdir,
        service_id=world.service["id"],
        org_id=world.org["id"],
        provider_ids=world.plan.provider_ids,
        price_minor=world.price_minor,
        currency=world.org["currency"],
        clients=clients,
        duration=duration,
    )
    pg_cpu = postgres_cpu_seconds() - pg_cpu
    done = max(result.transactions, 1)
    return PgbenchOutcome(result, pg_cpu / done, result.client_cpu / done)


# -- the run -----------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--clients", type=int, default=32, help="concurrent booking clients")
    parser.add_argument("--duration", type=float, default=15, help="seconds of measured load")
    parser.add_argument(
        "--pgbench-duration", type=int, default=None, help="seconds (default: --duration)"
    )
    parser.add_argument("--runs", type=int, default=200, help="measured slots requests")
    parser.add_argument("--warmup", type=int, default=30, help="warm-up slots requests")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--quick", action="store_true", help="a short smoke run (numbers not meaningful)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.runs, args.warmup = 3, 30, 5
    if args.pgbench_duration is None:
        args.pgbench_duration = max(int(args.duration), 1)
    return args


def run_all(args: argparse.Namespace, report: Report, scratch: Path) -> None:
    sqlite_url = f"sqlite:///{scratch / 'sqlite' / 'bench.db'}"
    log(f"[sqlite] serving {sqlite_url}")
    with Server(sqlite_url, scratch / "sqlite", args.workers) as server:
        report.slots["sqlite"] = measure_slots(server, "sqlite", args.runs, args.warmup)

    problem = pg_available()
    if problem is not None:
        report.notes.append(f"PostgreSQL not reachable ({problem}): its rows are missing.")
    else:
        report.postgres = pg_version()
        with pg_database() as url:
            log("[postgresql] serving a fresh database")
            with Server(url, scratch / "postgresql", args.workers) as server:
                report.slots["postgresql"] = measure_slots(
                    server, "postgresql", args.runs, args.warmup
                )
                report.booking, world = measure_bookings(
                    server, url, args.clients, args.duration, args.runs
                )
            # The server is stopped: pgbench has the machine to itself, like the app had.
            if pgbench.available():
                report.pgbench = measure_pgbench(
                    url, world, scratch / "pgbench", args.clients, args.pgbench_duration
                )
            else:
                report.notes.append("pgbench is not installed: no baseline.")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    report = Report(
        when=datetime.now(UTC),
        cpus=os.cpu_count() or 0,
        python=platform.python_version(),
        workers=args.workers,
        clients=args.clients,
        python_speed=min(timeit.repeat("sum(range(10_000))", number=200, repeat=5)) / 200,
        load_before=os.getloadavg()[0],
    )
    if args.quick:
        report.notes.append("A --quick smoke run: the numbers are not meaningful.")
    with tempfile.TemporaryDirectory(prefix="slotkeeper-bench-") as tmp:
        scratch = Path(tmp)
        try:
            run_all(args, report, scratch)
        finally:
            # Keep the servers' logs (tracebacks of any 500) beside the results.
            RESULTS.mkdir(parents=True, exist_ok=True)
            for log_file in scratch.glob("*/server-*.log"):
                shutil.copy(log_file, RESULTS / f"{log_file.parent.name}-server.log")

    report.elapsed = time.monotonic() - started
    report.load_after = os.getloadavg()[0]
    text = report.markdown()
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    log(f"written to {args.output}")
    failures = report.failures()
    for failure in failures:
        log(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
