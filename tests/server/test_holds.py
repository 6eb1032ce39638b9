"""Holds run out by themselves: a real server, a 2-second TTL, with and without the sweeper.

An expired hold stops blocking at its expiry instant whether or not the sweeper has marked
it yet (SPEC, "The invariant"); with the sweeper on, its status turns ``expired`` by itself.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.server.harness import (
    BACKENDS,
    HOLD_TTL_SECONDS,
    MAIN_ENV,
    PROBLEM_JSON,
    assert_one_winner,
    blocking_of,
    future_day,
    race,
    start_at,
    world,
)
from tests.server.servers import Config
from tests.support import API, booking_body, ok, slots

pytestmark = pytest.mark.server

# The sweeper "off": it runs once at start-up (no holds yet), then not for an hour.
NO_SWEEPER_ENV = {**MAIN_ENV, "SLOTKEEPER_SWEEP_INTERVAL_SECONDS": "3600"}
SERVERS = [Config.of(b, env) for b in BACKENDS for env in (MAIN_ENV, NO_SWEEPER_ENV)]


def hold(client: httpx.Client, w: dict, start: str) -> dict:
    booking = ok(client.post(f"{API}/bookings", json=booking_body(w, start, hold=True)), 201)
    assert booking["status"] == "held"
    expires = datetime.fromisoformat(booking["hold_expires_at"])
    created = datetime.fromisoformat(booking["created_at"])
    assert expires - created == timedelta(seconds=HOLD_TTL_SECONDS), booking
    return booking


def wait_past_expiry(*bookings: dict, margin: float = 0.4) -> None:
    latest = max(datetime.fromisoformat(b["hold_expires_at"]) for b in bookings)
    time.sleep(max(0.0, (latest - datetime.now(UTC)).total_seconds() + margin))


def get(client: httpx.Client, booking: dict) -> dict:
    return ok(client.get(f"{API}/bookings/{booking['id']}",
                         params={"token": booking["manage_token"]}))


def confirm(client: httpx.Client, booking: dict) -> httpx.Response:
    return client.post(f"{API}/bookings/{booking['id']}/confirm",
                       params={"token": booking["manage_token"]})


def offered(client: httpx.Client, w: dict, start: str) -> bool:
    return start in [s["start"] for s in slots(client, w, start[:10])]


def assert_conflict(response: httpx.Response) -> dict:
    assert response.status_code == 409, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    return response.json()


def test_a_hold_blocks_its_time_until_it_runs_out_then_the_sweeper_marks_it(
    serve, backend: str
) -> None:
    server = serve(backend, env=MAIN_ENV)
    with server.client() as client:
        w = world(server, client)
        day = future_day()
        ten, one = start_at(client, w, day, "10:00"), start_at(client, w, day, "13:00")
        held = hold(client, w, ten)
        left_alone = hold(client, w, one)  # only the sweeper touches this one

        assert not offered(client, w, ten)
        assert_conflict(client.post(f"{API}/bookings", json=booking_body(w, ten)))

        wait_past_expiry(held, left_alone)
        assert offered(client, w, ten)
        again = ok(client.post(f"{API}/bookings", json=booking_body(w, ten)), 201)
        assert again["status"] == "confirmed"
        assert_conflict(confirm(client, held))
        assert get(client, held)["status"] == "expired"
        assert get(client, again)["status"] == "confirmed"

        # Only reads from here on: nothing but the sweeper (every 0.5 s) marks the other hold.
        deadline = time.monotonic() + 5.0
        while ((status := get(client, left_alone)["status"]) == "held"
               and time.monotonic() < deadline):
            time.sleep(0.1)
        assert status == "expired"
        history = ok(client.get(f"{API}/bookings/{left_alone['id']}/history",
                                params={"token": left_alone["manage_token"]}))
        assert [(e["from_status"], e["to_status"], e["actor"]) for e in history] == [
            (None, "held", "guest"), ("held", "expired", "system")
        ]
        assert offered(client, w, one)


def test_a_run_out_hold_frees_its_time_without_the_sweeper(serve, backend: str) -> None:
    server = serve(backend, env=NO_SWEEPER_ENV)
    with server.client() as client:
        w = world(server, client)
        day = future_day()
        ten, one, three = (start_at(client, w, day, t) for t in ("10:00", "13:00", "15:00"))
        first, second, third = hold(client, w, ten), hold(client, w, one), hold(client, w, three)
        assert_conflict(client.post(f"{API}/bookings", json=booking_body(w, ten)))

        wait_past_expiry(first, second, third)
        # Nobody has marked the holds: they stopped blocking at their expiry all the same.
        assert get(client, first)["status"] == "held"
        assert offered(client, w, ten)
        fresh = ok(client.post(f"{API}/bookings", json=booking_body(w, ten)), 201)
        assert fresh["status"] == "confirmed"
        assert get(client, first)["status"] == "expired"
        assert_conflict(confirm(client, first))

        # Confirming a run-out hold that nothing has marked yet: 409, and now it is expired.
        assert get(client, second)["status"] == "held"
        problem = assert_conflict(confirm(client, second))
        assert problem["status"] == 409
        assert get(client, second)["status"] == "expired"
        assert offered(client, w, one)

        # 50 concurrent requests for the time of a run-out, unmarked hold: each marks the
        # hold and checks; exactly one books it.
        assert get(client, third)["status"] == "held"
        responses = race(server.base_url, [
            {"json": booking_body(w, three, customer={"name": f"Racer {i}",
                                                     "email": f"r{i}@example.com"})}
            for i in range(50)
        ])
        winner = assert_one_winner(responses)
        assert get(client, third)["status"] == "expired"
        assert sorted(b["id"] for b in blocking_of(client, w)) == sorted(
            [fresh["id"], winner["id"]])
