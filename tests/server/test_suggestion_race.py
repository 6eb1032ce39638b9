"""Accepting a suggested time races direct bookings of that time, at a real server.

A request for a service that needs approval is answered with other times (suggestions are
offers: they do not block). The customer then accepts one of them while other customers
book that very time directly, all released at once. Exactly one wins. If the acceptance
loses it gets a 409 problem, and the request stays ``time_suggested`` with every
suggestion still offered, so the customer can take another one. Whoever wins, no two
blocking bookings of the provider ever overlap.

Raced over several rounds, with the acceptance sent first, last or in the middle and
against 1 to 8 rivals. On PostgreSQL an acceptance does more before it reaches the
provider's lock than a booking does (it locks the booking first), so released together it
loses nearly always. So one side gets a lead that adapts from round to round: the
acceptance's lead grows by a step after it lost and shrinks by one after it won (a
negative lead delays the acceptance instead of the rivals); the step doubles while the
outcome repeats and halves when it changes. The rounds thus hover around the point where
either may win, and both outcomes happen.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import pytest

from tests.server.harness import (
    BACKENDS,
    MAIN_ENV,
    PROBLEM_JSON,
    Racer,
    blocking_of,
    future_day,
    start_at,
    world,
)
from tests.server.servers import Config
from tests.support import API, booking_body, make_service, ok

pytestmark = pytest.mark.server

SERVERS = [Config.of(b, MAIN_ENV) for b in BACKENDS]

# (rivals, where the acceptance goes in the batch), one per round; then more rounds, the
# same again, until both outcomes were seen (at most MAX_ROUNDS in all).
PLAN = [(1, "first"), (8, "last"), (2, "first"), (4, "middle"), (1, "last"), (8, "middle")]
MAX_ROUNDS = 18
FIRST_STEP = 0.002  # seconds


class MixedRacer(Racer):
    """A :class:`Racer` for any requests (not only POST /bookings), released at once."""

    async def race_any(self, requests: list[dict]) -> list[httpx.Response]:
        """Each ``{"method", "url", "json", "params", "headers", "delay"}`` sent by its own
        client, ``delay`` seconds (default 0) after all are released."""
        assert len(requests) <= self.size
        await self.warm()
        built = [
            c.build_request(
                r["method"],
                r["url"],
                json=r.get("json"),
                params=r.get("params"),
                headers=r.get("headers"),
            )
            for c, r in zip(self.clients, requests, strict=False)
        ]
        go = asyncio.Event()
        all_parked = asyncio.Event()
        parked = 0

        async def one(
            client: httpx.AsyncClient, request: httpx.Request, delay: float
        ) -> httpx.Response:
            nonlocal parked
            parked += 1
            if parked == len(built):
                all_parked.set()
            await go.wait()
            if delay:
                await asyncio.sleep(delay)
            return await client.send(request)

        tasks = [
            asyncio.create_task(one(c, b, r.get("delay", 0.0)))
            for c, b, r in zip(self.clients, built, requests, strict=False)
        ]
        await all_parked.wait()
        go.set()
        return list(await asyncio.gather(*tasks))


def race_any(base_url: str, requests: list[dict]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        async with MixedRacer(base_url, len(requests)) as racer:
            return await racer.race_any(requests)

    return asyncio.run(run())


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def overlapping(bookings: list[dict]) -> list[tuple[str, str]]:
    """Pairs of bookings (no buffers here) whose times overlap."""
    return [
        (a["id"], b["id"])
        for i, a in enumerate(bookings)
        for b in bookings[i + 1 :]
        if _instant(a["start"]) < _instant(b["end"]) and _instant(b["start"]) < _instant(a["end"])
    ]


def assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM_JSON), response.headers
    assert response.json()["status"] == status, response.text


def get(client: httpx.Client, booking: dict) -> dict:
    return ok(
        client.get(f"{API}/bookings/{booking['id']}", params={"token": booking["manage_token"]})
    )


def accept(booking: dict, start: str) -> dict:
    return {
        "method": "POST",
        "url": f"{API}/bookings/{booking['id']}/accept-suggestion",
        "params": {"token": booking["manage_token"]},
        "json": {"start": start},
    }


def test_accepting_a_suggested_time_races_direct_bookings_of_it(serve, backend: str) -> None:
    server = serve(backend, env=MAIN_ENV)
    with server.client() as client:
        w = world(server, client, requires_approval=True, slot_step_minutes=60)
        # A second service of the same provider that books at once (no approval).
        instant = {
            **w,
            "service": make_service(
                client, w["owner"], w["org"], [w["provider"]], slot_step_minutes=60
            ),
        }
        owner = w["owner"]["headers"]
        outcomes: list[str] = []
        lead, step = 0.0, FIRST_STEP  # the acceptance's lead over its rivals, in seconds
        leads: list[float] = []
        for round_ in range(MAX_ROUNDS):
            if round_ >= len(PLAN) and {"accepted", "taken"} <= set(outcomes):
                break
            rivals, where = PLAN[round_ % len(PLAN)]
            day = future_day(10 + round_)
            asked, wanted, other = (
                start_at(client, w, day, h) for h in ("09:00", "11:00", "14:00")
            )
            request = ok(
                client.post(
                    f"{API}/bookings",
                    json=booking_body(
                        w,
                        asked,
                        customer={"name": f"Asker {round_}", "email": f"asker{round_}@example.com"},
                    ),
                ),
                201,
            )
            assert request["status"] == "requested", request
            suggested = ok(
                client.post(
                    f"{API}/bookings/{request['id']}/suggest-times",
                    headers=owner,
                    json={"starts": [wanted, other], "reason": "09:00 is taken"},
                )
            )
            assert suggested["status"] == "time_suggested", suggested
            offered = suggested["suggested_starts"]
            assert [_instant(s) for s in offered] == [_instant(wanted), _instant(other)]

            # Rivals book the suggested time directly: through the service that needs
            # approval (a blocking request) or the one that books at once.
            bookings = [
                {
                    "method": "POST",
                    "url": f"{API}/bookings",
                    "delay": max(lead, 0.0),
                    "json": booking_body(
                        (w, instant)[i % 2],
                        wanted,
                        customer={"name": f"Rival {i}", "email": f"rival{round_}-{i}@example.com"},
                    ),
                }
                for i in range(rivals)
            ]
            position = {"first": 0, "middle": rivals // 2, "last": rivals}[where]
            acceptance_request = {**accept(request, wanted), "delay": max(-lead, 0.0)}
            batch = [*bookings[:position], acceptance_request, *bookings[position:]]
            leads.append(lead)
            responses = race_any(server.base_url, batch)
            acceptance = responses[position]
            direct = responses[:position] + responses[position + 1 :]

            codes = sorted(r.status_code for r in responses)
            answers = [f"{r.status_code}: {r.text[:300]}" for r in responses]
            assert set(codes) <= {200, 201, 409}, answers
            assert sum(code in (200, 201) for code in codes) == 1, answers  # one winner
            for r in direct:
                if r.status_code == 409:
                    assert_problem(r, 409)
            if acceptance.status_code == 200:
                outcomes.append("accepted")
                won = acceptance.json()
                assert (won["status"], _instant(won["start"])) == ("confirmed", _instant(wanted)), (
                    won
                )
                assert won["suggested_starts"] == []
                assert all(r.status_code == 409 for r in direct), answers
            else:
                outcomes.append("taken")
                assert_problem(acceptance, 409)
                assert [r.status_code for r in direct].count(201) == 1, answers
                still = get(client, request)
                assert still["status"] == "time_suggested", still
                assert still["suggested_starts"] == offered, still
                assert _instant(still["start"]) == _instant(asked), still
                # The customer takes the other suggested time instead.
                taken = ok(
                    client.post(
                        f"{API}/bookings/{request['id']}/accept-suggestion",
                        params={"token": request["manage_token"]},
                        json={"start": other},
                    )
                )
                assert (taken["status"], _instant(taken["start"])) == (
                    "confirmed",
                    _instant(other),
                ), taken

            if len(outcomes) > 1:
                step = step * 2 if outcomes[-1] == outcomes[-2] else step / 2
            lead += step if outcomes[-1] == "taken" else -step

            blocking = blocking_of(client, w)  # every service of the provider
            clashes = overlapping(blocking)
            assert not clashes, (clashes, blocking, answers)
            on_day = [b for b in blocking if _instant(b["start"]).date().isoformat() == day]
            at_wanted = [b for b in on_day if _instant(b["start"]) == _instant(wanted)]
            assert len(at_wanted) == 1, (at_wanted, answers)
            final = get(client, request)
            assert final["status"] == "confirmed", final
            expected_start = wanted if outcomes[-1] == "accepted" else other
            assert _instant(final["start"]) == _instant(expected_start), final
            # A refused acceptance left no trace in the request's history.
            history = ok(
                client.get(
                    f"{API}/bookings/{request['id']}/history",
                    params={"token": request["manage_token"]},
                )
            )
            assert [(e["from_status"], e["to_status"], e["actor"]) for e in history] == [
                (None, "requested", "guest"),
                ("requested", "time_suggested", "admin"),
                ("time_suggested", "confirmed", "guest"),
            ], history
            # The same instant, whatever offset either side spells it with (they differ in
            # London's summer time).
            picked = history[-1]["reason"]
            assert picked.startswith("picked "), picked
            assert _instant(picked.removeprefix("picked ")) == _instant(expected_start), picked
            # The time first asked for was freed by the suggestion and nobody holds it.
            assert not [b for b in on_day if _instant(b["start"]) == _instant(asked)], on_day

        print(
            f"suggestion race on {backend}: "
            f"{[(o, round(x * 1000, 1)) for o, x in zip(outcomes, leads, strict=True)]}"
            " (outcome, the acceptance's lead in ms)"
        )
        assert {"accepted", "taken"} <= set(outcomes), (
            f"in {len(outcomes)} rounds the acceptance always ended the same way ({outcomes}):"
            " the race may not be racing"
        )
