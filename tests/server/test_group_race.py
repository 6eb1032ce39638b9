"""Group sessions under real concurrency: requests released at once at a real server.

A 10-seat class must give away exactly 10 seats however many customers race for it, and a
1:1 service of the same provider racing against the class must never end up overlapping
it: whoever comes first (a class seat or a 1:1 booking) blocks the other.
"""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from tests.server.harness import (
    BACKENDS,
    MAIN_ENV,
    PROBLEM_JSON,
    blocking_of,
    describe,
    future_day,
    race,
    start_at,
    statuses,
    world,
)
from tests.server.servers import Config
from tests.support import booking_body, make_service, slots

pytestmark = pytest.mark.server

SERVERS = [Config.of(b, MAIN_ENV) for b in BACKENDS]

CAPACITY = 10
CUSTOMERS = 30
MIXED_ROUNDS = 3


def guest(i: int) -> dict:
    return {"name": f"Racer {i}", "email": f"racer{i}@example.com"}


def assert_refusals_are_problems(responses: list[httpx.Response]) -> None:
    assert set(statuses(responses)) <= {201, 409}, describe(responses)
    for r in responses:
        if r.status_code == 409:
            assert r.headers["content-type"].startswith(PROBLEM_JSON), r.headers
            assert r.json()["status"] == 409, r.text


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def overlap(a: dict, b: dict) -> bool:
    """Whether two bookings (no buffers here) overlap in time."""
    return (_instant(a["start"]) < _instant(b["end"])
            and _instant(b["start"]) < _instant(a["end"]))


def test_thirty_customers_race_for_ten_seats(serve, backend: str) -> None:
    server = serve(backend, env=MAIN_ENV)
    with server.client() as client:
        w = world(server, client, capacity=CAPACITY, slot_step_minutes=60)
        start = start_at(client, w, future_day(), "10:00")
        responses = race(server.base_url, [
            {"json": booking_body(w, start, customer=guest(i))} for i in range(CUSTOMERS)
        ])

        assert statuses(responses) == {201: CAPACITY, 409: CUSTOMERS - CAPACITY}, (
            describe(responses))
        assert_refusals_are_problems(responses)
        won = sorted(r.json()["id"] for r in responses if r.status_code == 201)
        at_start = [b for b in blocking_of(client, w) if _instant(b["start"]) == _instant(start)]
        assert len(at_start) == CAPACITY, at_start
        assert sorted(b["id"] for b in at_start) == won
        assert {b["status"] for b in at_start} == {"confirmed"}
        assert start not in [s["start"] for s in slots(client, w, start[:10])]


def test_class_and_one_to_one_race_never_overlap(serve, backend: str) -> None:
    """20 class requests and 10 1:1 requests (5 at 09:30, 5 at 10:30: each overlaps the
    10:00-11:00 class, not each other) at once. Whoever is first decides: either the class
    gets its 10 seats and no 1:1 booking is made, or the class gets none and each 1:1 time
    is booked once. Raced on several days, so the order varies."""
    server = serve(backend, env=MAIN_ENV)
    with server.client() as client:
        w = world(server, client, capacity=CAPACITY, slot_step_minutes=60)
        single = {**w, "service": make_service(client, w["owner"], w["org"], [w["provider"]],
                                               duration_minutes=60)}
        class_id, single_id = w["service"]["id"], single["service"]["id"]
        outcomes = []
        for round_ in range(MIXED_ROUNDS):
            day = future_day(10 + round_)
            ten = start_at(client, w, day, "10:00")
            early, late = (start_at(client, single, day, hhmm) for hhmm in ("09:30", "10:30"))
            seats = [{"json": booking_body(w, ten, customer=guest(i))} for i in range(20)]
            ones = [{"json": booking_body(single, early if i % 2 else late,
                                          customer=guest(100 + i))} for i in range(10)]
            # The order the requests are sent in differs from round to round.
            requests = [seats + ones, ones + seats,
                        [r for i, one in enumerate(ones) for r in (seats[2 * i], one,
                                                                   seats[2 * i + 1])]
                        ][round_ % 3]
            assert len(requests) == 30
            responses = race(server.base_url, requests)
            assert_refusals_are_problems(responses)

            on_day = [b for b in blocking_of(client, w) if b["start"][:10] == day]
            classes = [b for b in on_day if b["service_id"] == class_id]
            singles = [b for b in on_day if b["service_id"] == single_id]
            clashes = [(c["id"], s["id"]) for c in classes for s in singles if overlap(c, s)]
            clashes += [(a["id"], b["id"]) for i, a in enumerate(singles)
                        for b in singles[i + 1:] if overlap(a, b)]
            assert not clashes, (clashes, on_day, describe(responses))
            assert len(classes) <= CAPACITY, classes
            won = sorted(r.json()["id"] for r in responses if r.status_code == 201)
            assert sorted(b["id"] for b in on_day) == won, describe(responses)
            outcome = (len(classes), len(singles))
            assert outcome in ((CAPACITY, 0), (0, 2)), (outcome, on_day)
            outcomes.append(outcome)
        print(f"mixed race on {backend}: (class seats, 1:1 bookings) per round: {outcomes}")
