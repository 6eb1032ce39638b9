"""A discount code limited to 5 uses, raced by 30 bookings of distinct times at a real
server: exactly 5 bookings get the discount, the rest are refused, none is double-counted."""

from __future__ import annotations

import pytest

from tests.server.harness import BACKENDS, MAIN_ENV, describe, future_day, race, statuses, world
from tests.server.servers import Config
from tests.support import API, booking_body, ok, slots

pytestmark = pytest.mark.server

SERVERS = [Config.of(b, MAIN_ENV) for b in BACKENDS]
LIMIT, RACERS = 5, 30


def test_a_code_limited_to_five_uses_is_applied_five_times(serve, backend: str) -> None:
    server = serve(backend, env=MAIN_ENV)
    with server.client() as client:
        w = world(server, client, duration_minutes=15, slot_step_minutes=15, price="40.00")
        ok(client.post(f"{API}/organizations/{w['org']['id']}/discount-codes",
                       json={"code": "FIVE", "kind": "percent", "value": "25",
                             "max_uses": LIMIT}, headers=w["owner"]["headers"]), 201)
        day = future_day()
        starts = [s["start"] for s in slots(client, w, day)][:RACERS]
        assert len(starts) == RACERS
        responses = race(server.base_url, [
            {"json": booking_body(w, start, discount_code="FIVE",
                                  customer={"name": f"R{i}", "email": f"r{i}@example.com"})}
            for i, start in enumerate(starts)
        ])
        assert statuses(responses) == {201: LIMIT, 409: RACERS - LIMIT}, describe(responses)
        won = [r.json() for r in responses if r.status_code == 201]
        assert {(b["price"], b["breakdown"]["discount"]) for b in won} == {("30.00", "10.00")}
        codes = ok(client.get(f"{API}/organizations/{w['org']['id']}/discount-codes",
                              headers=w["owner"]["headers"]))
        assert [(c["code"], c["uses"]) for c in codes] == [("FIVE", LIMIT)]
        booked = ok(client.get(f"{API}/bookings", params={"provider_id": w["provider"]["id"]},
                               headers=w["owner"]["headers"]))
        assert len(booked) == LIMIT
