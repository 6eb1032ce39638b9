"""The load generator, run as its own process: ``python -m bench.loadgen`` reads one job
(JSON) on stdin and writes its result (JSON) on stdout.

It speaks HTTP/1.1 over keep-alive connections with a minimal asyncio client instead of
httpx: on a 2-core machine the load generator competes with the server for CPU, and this
client costs a few tens of microseconds per request where httpx costs several hundred.

Jobs
- ``{"kind": "repeat", "method", "path", "body"?, "warmup", "runs"}``: one connection,
  the same request ``warmup + runs`` times; latencies of the last ``runs``.
- ``{"kind": "book", "plan", "offset", "concurrency", "duration"? | "count"?}``: closed
  loop; each client sends the next free slot of the plan (distinct for everybody) until the
  time is up or ``count`` requests were sent.
- ``{"kind": "race", "bodies", "concurrency"}``: for each body, ``concurrency`` clients
  send it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections import Counter
from typing import Any

from bench.plan import SlotPlan

# uvicorn closes keep-alive connections idle for 5 s; reconnect well before that.
MAX_IDLE = 2.0


class Connection:
    """One keep-alive HTTP/1.1 connection; enough of the protocol for uvicorn's answers."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.last_used = time.monotonic()

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.writer = self.reader = None

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.writer is not None and time.monotonic() - self.last_used > MAX_IDLE:
            await self.close()
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode("latin-1") + b"\r\n" + (body or b""))
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                raise ConnectionError("chunked responses are not supported by this client")
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        payload = await self.reader.readexactly(length) if length else b""
        self.last_used = time.monotonic()
        if close:
            await self.close()
        return status, payload


async def attempt(
    conn: Connection, method: str, path: str, body: bytes | None
) -> tuple[int, bytes]:
    """One request; a failure of the connection itself is status 0 (the connection is
    closed, the next request opens a new one)."""
    try:
        return await conn.request(method, path, body)
    except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
        await conn.close()
        return 0, f"connection failed: {type(exc).__name__}: {exc}".encode()


def _booking_body(plan: SlotPlan, index: int) -> bytes:
    provider_id, start = plan.slot(index)
    return json.dumps(
        {
            "service_id": plan.service_id,
            "provider_id": provider_id,
            "start": start,
            "customer": {"name": "Bench Guest", "email": "guest@example.com"},
        }
    ).encode()


async def repeat(job: dict[str, Any]) -> dict[str, Any]:
    conn = Connection(job["host"], job["port"])
    body = job["body"].encode() if job.get("body") is not None else None
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    try:
        for i in range(job["warmup"] + job["runs"]):
            started = time.perf_counter()
            status, _ = await conn.request(job["method"], job["path"], body)
            elapsed = time.perf_counter() - started
            if i >= job["warmup"]:
                latencies.append(elapsed)
                statuses[status] += 1
    finally:
        await conn.close()
    return {"latencies": latencies, "statuses": statuses}


async def book(job: dict[str, Any]) -> dict[str, Any]:
    plan = SlotPlan.from_json(job["plan"])
    offset: int = job["offset"]
    concurrency: int = job["concurrency"]
    duration: float | None = job.get("duration")
    count: int | None = job.get("count")
    limit = plan.size - offset if count is None else min(count, plan.size - offset)
    conns = [Connection(job["host"], job["port"]) for _ in range(concurrency)]
    await asyncio.gather(*(c.open() for c in conns))
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    next_index = 0
    started = time.perf_counter()
    deadline = started + duration if duration is not None else float("inf")

    async def client(conn: Connection) -> None:
        nonlocal next_index
        while next_index < limit and time.perf_counter() < deadline:
            index = offset + next_index
            next_index += 1
            body = _booking_body(plan, index)
            t0 = time.perf_counter()
            status, payload = await attempt(conn, "POST", "/api/v1/bookings", body)
            latencies.append(time.perf_counter() - t0)
            statuses[status] += 1
            if status != 201 and len(errors) < 5:
                errors.append(f"{status} {payload[:300].decode(errors='replace')}")

    cpu0 = time.process_time()
    try:
        await asyncio.gather(*(client(c) for c in conns))
    finally:
        await asyncio.gather(*(c.close() for c in conns))
    elapsed = time.perf_counter() - started
    return {
        "latencies": latencies,
        "statuses": statuses,
        "errors": errors,
        "elapsed": elapsed,
        "used": next_index,
        "exhausted": next_index >= limit and count is None,
        "client_cpu": time.process_time() - cpu0,
    }


async def race(job: dict[str, Any]) -> dict[str, Any]:
    concurrency: int = job["concurrency"]
    conns = [Connection(job["host"], job["port"]) for _ in range(concurrency)]
    await asyncio.gather(*(c.open() for c in conns))
    per_body: list[dict[int, int]] = []
    errors: list[str] = []
    try:
        for body in job["bodies"]:
            raw = json.dumps(body).encode()
            results = await asyncio.gather(
                *(attempt(c, "POST", "/api/v1/bookings", raw) for c in conns)
            )
            per_body.append(Counter(status for status, _ in results))
            errors += [
                f"{status} {payload[:300].decode(errors='replace')}"
                for status, payload in results
                if status not in (201, 409)
            ][: 5 - len(errors)]
    finally:
        await asyncio.gather(*(c.close() for c in conns))
    return {"per_body": per_body, "errors": errors}


JOBS = {"repeat": repeat, "book": book, "race": race}


def main() -> None:
    job = json.load(sys.stdin)
    result = asyncio.run(JOBS[job["kind"]](job))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
