"""``slotkeeper serve --workers 2`` on PostgreSQL: two processes, still no double booking."""

from __future__ import annotations

import asyncio
import sys
import time

import httpx
import pytest

from tests.server.harness import (
    HOLD_TTL_SECONDS,
    MAIN_ENV,
    Racer,
    assert_one_winner,
    blocking_of,
    connections_per_process,
    future_day,
    start_at,
    world,
)
from tests.server.servers import Config
from tests.support import API, booking_body, ok

pytestmark = [pytest.mark.server, pytest.mark.postgres]

N = 50
SERVERS = [Config.of("postgres", MAIN_ENV, workers=2)]


def test_two_workers_answer_book_a_raced_time_once_and_expire_a_hold_once(serve) -> None:
    server = serve("postgres", env=MAIN_ENV, workers=2)
    with server.client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").status_code == 200
        w = world(server, client)
        start = start_at(client, w, future_day(), "10:00")
        # Both workers run the sweeper: the hold must expire once, with one history entry.
        hold = ok(client.post(f"{API}/bookings", json=booking_body(
            w, start_at(client, w, future_day(), "13:00"), hold=True)), 201)
        requests = [{"json": booking_body(w, start, customer={"name": f"Racer {i}",
                                                               "email": f"r{i}@example.com"})}
                    for i in range(N)]

        async def run() -> tuple[dict[int, int], list[httpx.Response]]:
            spread: dict[int, int] = {}
            async with Racer(server.base_url, N) as racer:
                # Which server process accepted each of the 50 connections (Linux): the
                # kernel picks, sometimes lopsidedly; reconnect until both hold a share.
                for attempt in range(5):
                    await racer.warm()
                    if sys.platform != "linux":
                        break
                    spread = connections_per_process(server.process.pid, server.port)
                    if (len(spread) == 2 and min(spread.values()) >= 5) or attempt == 4:
                        break
                    await racer.reconnect()
                return spread, await racer.race(requests)

        spread, responses = asyncio.run(run())

        print(f"connections per worker process: {spread}")
        if sys.platform == "linux":
            assert len(spread) == 2, f"the race did not reach both workers: {spread}"
        winner = assert_one_winner(responses)
        assert [b["id"] for b in blocking_of(client, w) if b["start"] == winner["start"]] == [
            winner["id"]]

        token = {"token": hold["manage_token"]}
        deadline = time.monotonic() + HOLD_TTL_SECONDS + 8
        while (ok(client.get(f"{API}/bookings/{hold['id']}", params=token))["status"] == "held"
               and time.monotonic() < deadline):
            time.sleep(0.2)
        history = ok(client.get(f"{API}/bookings/{hold['id']}/history", params=token))
        assert [(e["from_status"], e["to_status"]) for e in history] == [
            (None, "held"), ("held", "expired")]
