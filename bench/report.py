"""The Markdown report of one run."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bench import pgbench
from bench.stats import Latencies

if TYPE_CHECKING:
    from bench.run import BookingResult, PgbenchOutcome, SlotsResult

SLOTS_MEDIAN_TARGET = 0.005
BOOKING_P50_TARGET = 0.005
BOOKING_P99_TARGET = 0.025
THROUGHPUT_RATIO_TARGET = 0.5
NA = "—"


def ms(seconds: float) -> str:
    if math.isnan(seconds):
        return NA
    value = seconds * 1000
    return (
        f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    )


def pair(lat: Latencies, high: float) -> str:
    return f"{ms(lat.median)} / {ms(lat.percentile(high))}"


def verdict(ok: bool | None) -> str:
    return NA if ok is None else ("met" if ok else "**missed**")


@dataclass
class Report:
    when: datetime
    cpus: int
    python: str
    workers: int
    clients: int
    postgres: str | None = None
    slots: dict[str, SlotsResult] = field(default_factory=dict)
    booking: BookingResult | None = None
    pgbench: PgbenchOutcome | None = None
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    python_speed: float = math.nan  # seconds for sum(range(10_000)), best of 5
    load_before: float = math.nan  # 1-minute load average
    load_after: float = math.nan

    def failures(self) -> list[str]:
        return list(self.booking.failures) if self.booking else []

    def _by_backend(self, fn: Any) -> list[str]:
        return [fn(self.slots[b]) if b in self.slots else NA for b in ("sqlite", "postgresql")]

    def markdown(self) -> str:
        rows: list[list[str]] = []
        sq, pg = self.slots.get("sqlite"), self.slots.get("postgresql")

        def met_both(check: Any) -> str:
            parts = [
                f"{name}: {verdict(check(r))}"
                for name, r in (("SQLite", sq), ("PostgreSQL", pg))
                if r is not None
            ]
            return ", ".join(parts) or NA

        any_slots = sq or pg
        n = len(any_slots.latency_30) if any_slots else 0
        returned = f"{any_slots.slots_30} slots" if any_slots else ""
        rows.append(
            [
                f"1. Slots, 30 days, 1 provider, 200 bookings ({returned}): median / p90 "
                f"of {n} requests",
                *self._by_backend(lambda r: pair(r.latency_30, 90)),
                "median ≤ 5 ms",
                met_both(lambda r: r.latency_30.median <= SLOTS_MEDIAN_TARGET),
            ]
        )
        rows.append(
            [
                "1. Server CPU per 30-day slots request",
                *self._by_backend(lambda r: ms(r.cpu_30)),
                "",
                "",
            ]
        )
        rows.append(
            [
                "1. Slots, 1 day, same provider: median / p90",
                *self._by_backend(lambda r: pair(r.latency_1, 90)),
                "",
                "",
            ]
        )
        labels = list(any_slots.statements) if any_slots else []
        rows.append(
            [
                "1. SQL statements per slots request: " + " / ".join(labels),
                *self._by_backend(lambda r: " / ".join(str(v) for v in r.statements.values())),
                "a small constant",
                met_both(lambda r: len(set(r.statements.values())) == 1),
            ]
        )
        rows.append(
            [
                "1. Floor: GET /healthz on the same server and client: median / p90",
                *self._by_backend(lambda r: pair(r.floor, 90)),
                "",
                "",
            ]
        )
        b = self.booking
        if b is not None:
            booked = b.statuses.get(201, 0)
            rows.append(
                [
                    f"2. Bookings, {b.clients} clients, {b.duration:.0f} s, distinct times: "
                    "throughput",
                    NA,
                    f"{b.throughput:,.0f} bookings/s ({booked:,} x 201, "
                    f"{sum(b.statuses.values()) - booked} other)",
                    "",
                    "",
                ]
            )
            rows.append(
                [
                    f"2. Bookings, {b.clients} clients: p50 / p99",
                    NA,
                    pair(b.latency, 99),
                    "p50 ≤ 5 ms, p99 ≤ 25 ms",
                    f"p50: {verdict(b.latency.median <= BOOKING_P50_TARGET)}, "
                    f"p99: {verdict(b.latency.percentile(99) <= BOOKING_P99_TARGET)}",
                ]
            )
            rows.append(
                [
                    f"2. Bookings, 1 client (no concurrency), {len(b.single)} requests: p50 / p99",
                    NA,
                    pair(b.single, 99),
                    "",
                    "",
                ]
            )
            rows.append(
                [
                    "2. SQL statements per booking: app / pgbench script",
                    NA,
                    f"{b.statements} / {pgbench.STATEMENTS_PER_TRANSACTION}",
                    "equal (same SQL)",
                    verdict(b.statements == pgbench.STATEMENTS_PER_TRANSACTION),
                ]
            )
            losers = b.clients * b.race_times - b.race_times
            others = ", ".join(
                f"{n} x {s if s else 'connection failed'}"
                for s, n in sorted(b.race_statuses.items())
                if s != 201
            )
            rows.append(
                [
                    f"2. Race: {b.clients} clients x {b.race_times} times: confirmed",
                    NA,
                    f"{b.race_statuses.get(201, 0)} x 201; "
                    f"{b.race_confirmed_db} confirmed rows in the database",
                    f"exactly {b.race_times}",
                    verdict(b.race_statuses.get(201, 0) == b.race_times == b.race_confirmed_db),
                ]
            )
            rows.append(
                [
                    "2. Race: the other requests",
                    NA,
                    others or NA,
                    f"{losers} x 409",
                    verdict(b.race_statuses.get(409, 0) == losers),
                ]
            )
        p = self.pgbench
        if p is not None:
            r = p.result
            rows.append(
                [
                    f"3. pgbench, the booking SQL, {self.clients} clients, "
                    f"{round(r.transactions / r.tps) if r.tps else 0} s: throughput; "
                    "p50 / p99",
                    NA,
                    f"{r.tps:,.0f} tx/s ({r.transactions:,} tx, {r.failed} failed); "
                    f"{pair(r.latencies, 99)}",
                    "",
                    "",
                ]
            )
        if p is not None and b is not None and p.result.tps:
            ratio = b.throughput / p.result.tps
            rows.append(
                [
                    "3. Our booking throughput / pgbench's",
                    NA,
                    f"{ratio:.2f}",
                    "≥ 0.5",
                    verdict(ratio >= THROUGHPUT_RATIO_TARGET),
                ]
            )

        out = [
            "# Slotkeeper benchmark",
            "",
            f"{self.when:%Y-%m-%d %H:%M} UTC · {self.cpus} CPUs · Python {self.python} · "
            f"PostgreSQL {self.postgres or NA} · `slotkeeper serve --workers {self.workers}` "
            f"(hold sweeper in process) · run took {self.elapsed:.0f} s",
            "",
            f"Machine speed and noise: `sum(range(10_000))` takes "
            f"{self.python_speed * 1e6:.0f} µs (a recent laptop: about 50 µs); load average "
            f"{self.load_before:.1f} before, {self.load_after:.1f} after.",
            "",
            "| Measurement | SQLite | PostgreSQL | Target | |",
            "|---|---|---|---|---|",
            *("| " + " | ".join(row) + " |" for row in rows),
            "",
        ]
        if b is not None:
            out += [
                f"CPU per booking at {self.clients} clients (from /proc; the machine is shared):",
                "",
                "| | server (Python) | PostgreSQL | client |",
                "|---|---|---|---|",
                f"| app over HTTP | {ms(b.cpu_server)} | {ms(b.cpu_postgres)} | "
                f"{ms(b.cpu_loadgen)} (load generator) |",
            ]
            if p is not None:
                out.append(
                    f"| pgbench | {NA} | {ms(p.cpu_postgres)} | {ms(p.cpu_client)} (pgbench) |"
                )
            out.append("")
        out += ["Notes:", ""]
        out += [
            "- Latencies are measured by the client around each HTTP request (keep-alive), so "
            "they include HTTP parsing on both sides; the /healthz row is that floor.",
            "- The load generator is a separate process (a minimal asyncio HTTP/1.1 client, "
            "cheaper than httpx) sharing the CPUs with the server and PostgreSQL.",
        ]
        if b is not None:
            out.append(
                f"- {self.clients} closed-loop clients: by Little's law p50 ≈ {self.clients} / "
                f"throughput ≈ {ms(self.clients / b.throughput) if b.throughput else NA}; "
                f"a p50 ≤ 5 ms at {self.clients} clients needs ≥ {self.clients / 0.005:,.0f} "
                "bookings/s."
            )
        if p is not None:
            out.append(
                "- pgbench: prepared statements, one script per provider, distinct times "
                f"(`{p.result.command}`); the server is stopped while it runs."
            )
        for note in self.notes:
            out.append(f"- {note}")
        failures = self.failures()
        if failures:
            out += ["", "**Correctness failures:**", ""] + [f"- {f}" for f in failures]
        return "\n".join(out) + "\n"
