"""Helpers for the real-server tests: future dates, slot lookup, a released-at-once race."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.server.servers import Server
from tests.support import (
    API,
    WEEKDAYS,
    make_org,
    make_provider,
    make_service,
    ok,
    register,
    set_hours,
    slots,
)

BLOCKING = {"held", "requested", "confirmed"}
HOLD_TTL_SECONDS = 2
# The configuration most tests share one server per backend with: short holds, a busy
# sweeper (the race tests book no holds, so neither matters to them).
MAIN_ENV = {"SLOTKEEPER_HOLD_TTL_SECONDS": str(HOLD_TTL_SECONDS),
            "SLOTKEEPER_SWEEP_INTERVAL_SECONDS": "0.5"}
# The control case: the booking guard off (check and insert in separate transactions).
UNGUARDED_ENV = {"SLOTKEEPER_BOOKING_GUARD": "off"}
BACKENDS = ("sqlite", "postgres")
PROBLEM_JSON = "application/problem+json"


def future_day(days: int = 10) -> str:
    """A date ``days`` ahead of the real clock (inside the default 90-day horizon)."""
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def world(server: Server, client: httpx.Client, **service_fields: Any) -> dict:
    """An organization with one provider working 09:00-17:00 every day and one service,
    owned by the server's shared test owner (registering one costs two argon2 hashes)."""
    owner = server.cache.get("owner")
    if owner is None:
        owner = server.cache["owner"] = register(client)
    org = make_org(client, owner)
    provider = make_provider(client, owner, org)
    set_hours(client, owner, provider, days=WEEKDAYS)
    service = make_service(client, owner, org, [provider], **service_fields)
    return {"owner": owner, "org": org, "provider": provider, "service": service}


def start_at(client: httpx.Client, world: dict, day: str, hhmm: str) -> str:
    """The offered start at ``hhmm`` (provider's zone) on ``day``, as the API spells it."""
    offered = [s["start"] for s in slots(client, world, day)]
    wanted = [s for s in offered if s.startswith(f"{day}T{hhmm}:00")]
    assert wanted, f"{day} {hhmm} is not offered; offered: {offered}"
    return wanted[0]


def bookings_of(client: httpx.Client, world: dict) -> list[dict]:
    """Every booking of the world's provider, as its organization's owner sees them."""
    return ok(client.get(f"{API}/bookings", params={"provider_id": world["provider"]["id"],
                                                      "limit": 500},
                         headers=world["owner"]["headers"]))


def blocking_of(client: httpx.Client, world: dict) -> list[dict]:
    return [b for b in bookings_of(client, world) if b["status"] in BLOCKING]


def statuses(responses: list[httpx.Response]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for r in responses:
        counts[r.status_code] = counts.get(r.status_code, 0) + 1
    return dict(sorted(counts.items()))


def assert_one_winner(responses: list[httpx.Response]) -> dict:
    """Exactly one 201; every other answer a 409 problem+json. Returns the booking."""
    assert statuses(responses) == {201: 1, 409: len(responses) - 1}, describe(responses)
    for r in responses:
        if r.status_code == 409:
            assert r.headers["content-type"].startswith(PROBLEM_JSON), r.headers
            assert r.json()["status"] == 409
    return next(r.json() for r in responses if r.status_code == 201)


def describe(responses: list[httpx.Response]) -> str:
    """Status counts and the body of every unexpected answer (for assertion messages)."""
    odd = [f"{r.status_code}: {r.text[:500]}" for r in responses
           if r.status_code not in (201, 409)]
    return f"{statuses(responses)}" + ("\n" + "\n".join(odd) if odd else "")


class Racer:
    """Sends batches of POST /bookings so that each batch's requests arrive together.

    One client (one keep-alive connection) per request: a single ``httpx.AsyncClient``
    with a pool of 50 connections does O(pool) work per request before writing it and was
    measured to spread 50 requests over more than a second, which serializes them. With
    one client each, all 50 are written within about 4 ms of the start signal.
    """

    def __init__(self, base_url: str, size: int) -> None:
        self.base_url = base_url
        self.size = size
        self._stack = AsyncExitStack()
        self.clients: list[httpx.AsyncClient] = []

    async def __aenter__(self) -> Racer:
        await self.reconnect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def reconnect(self) -> None:
        """(Re)open the clients; connections are made by the next request."""
        await self._stack.aclose()
        self._stack = AsyncExitStack()
        # verify=False: plain HTTP, and it spares loading the CA bundle 50 times (~5 s).
        self.clients = [await self._stack.enter_async_context(
            httpx.AsyncClient(base_url=self.base_url, timeout=60.0, verify=False))
            for _ in range(self.size)]

    async def warm(self) -> None:
        """Open every connection and fill the server's database pool (GET /readyz runs a
        query; on PostgreSQL its pool is the one bookings use), so that no request pays
        for a TCP or database connect after the start signal."""
        warm = await asyncio.gather(*(c.get("/readyz") for c in self.clients))
        assert all(r.status_code == 200 for r in warm), [r.text for r in warm]

    async def race(self, requests: list[dict]) -> list[httpx.Response]:
        """Every ``{"json": body, "headers": {...}}`` as POST /bookings, released at once."""
        assert len(requests) <= self.size
        await self.warm()
        built = [c.build_request("POST", f"{API}/bookings", json=r["json"],
                                 headers=r.get("headers"))
                 for c, r in zip(self.clients, requests, strict=False)]
        go = asyncio.Event()
        all_parked = asyncio.Event()
        parked = 0

        async def one(client: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
            nonlocal parked
            parked += 1
            if parked == len(built):
                all_parked.set()
            await go.wait()
            return await client.send(request)

        tasks = [asyncio.create_task(one(c, r))
                 for c, r in zip(self.clients, built, strict=False)]
        await all_parked.wait()
        go.set()
        return list(await asyncio.gather(*tasks))


def race(base_url: str, requests: list[dict]) -> list[httpx.Response]:
    """One batch of concurrent POST /bookings (see :class:`Racer`)."""

    async def run() -> list[httpx.Response]:
        async with Racer(base_url, len(requests)) as racer:
            return await racer.race(requests)

    return asyncio.run(run())


def race_until(base_url: str, batches: list[list[dict]],
               enough: Callable[[list[httpx.Response]], bool]) -> list[list[httpx.Response]]:
    """Race the batches one after another until ``enough(responses)``; all answers."""

    async def run() -> list[list[httpx.Response]]:
        results: list[list[httpx.Response]] = []
        async with Racer(base_url, max(len(b) for b in batches)) as racer:
            for batch in batches:
                results.append(await racer.race(batch))
                if enough(results[-1]):
                    break
        return results

    return asyncio.run(run())


def connections_per_process(root_pid: int, port: int) -> dict[int, int]:
    """Established connections to ``port`` held by each descendant of ``root_pid`` (Linux)."""
    proc = Path("/proc")
    parents: dict[int, int] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    family = {root_pid}
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in family and pid not in family:
                family.add(pid)
                changed = True
    established: set[str] = set()
    for table in ("tcp", "tcp6"):
        path = proc / "net" / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":
                established.add(fields[9])
    counts: dict[int, int] = {}
    for pid in family:
        try:
            fds = list((proc / str(pid) / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = fd.readlink().name
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in established:
                counts[pid] = counts.get(pid, 0) + 1
    return counts
