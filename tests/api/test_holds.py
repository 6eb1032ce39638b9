"""Holds: `hold: true` blocks the time for 600 s until confirmed; then it runs out by itself."""

from __future__ import annotations

from datetime import timedelta

from tests.support import (
    API,
    book,
    booking_body,
    clock_times,
    grid,
    login,
    make_world,
    ok,
    problem,
    register,
    slots,
)

DAY = "2027-03-03"
TEN = f"{DAY}T10:00:00Z"


def _history(client, booking: dict) -> list[tuple]:
    events = ok(client.get(f"{API}/bookings/{booking['id']}/history",
                           params={"token": booking["manage_token"]}))
    return [(e["from_status"], e["to_status"], e["actor"]) for e in events]


def _status(client, booking: dict) -> str:
    return ok(client.get(f"{API}/bookings/{booking['id']}",
                         params={"token": booking["manage_token"]}))["status"]


def _confirm(client, booking: dict):  # type: ignore[no-untyped-def]
    return client.post(f"{API}/bookings/{booking['id']}/confirm",
                       params={"token": booking["manage_token"]})


def test_hold_blocks_until_confirmed(client, clock) -> None:
    world = make_world(client, slot_step_minutes=60)
    hold = book(client, world, TEN, hold=True)
    assert hold["status"] == "held"
    assert hold["hold_expires_at"] == "2027-03-01T08:10:00Z"  # now + 600 s

    assert "10:00" not in clock_times(slots(client, world, DAY))
    problem(client.post(f"{API}/bookings", json=booking_body(world, TEN)), 409)

    clock.advance(timedelta(seconds=599))
    confirmed = ok(_confirm(client, hold))
    assert confirmed["status"] == "confirmed"
    assert _history(client, hold) == [(None, "held", "guest"), ("held", "confirmed", "guest")]

    # Confirmed, it keeps the time after the hold's expiry instant.
    clock.advance(timedelta(minutes=5))
    assert "10:00" not in clock_times(slots(client, world, DAY))
    problem(client.post(f"{API}/bookings", json=booking_body(world, TEN)), 409)
    # And confirming twice is refused.
    problem(_confirm(client, hold), 409)


def test_expired_hold_frees_the_time_for_someone_else(client, clock) -> None:
    world = make_world(client, slot_step_minutes=60)
    hold = book(client, world, TEN, hold=True)

    clock.advance(timedelta(seconds=600))  # the expiry instant: no longer blocking
    assert clock_times(slots(client, world, DAY)) == grid("09:00", "16:00", 60)
    taken = book(client, world, TEN, customer={"name": "Second", "email": "second@example.com"})
    assert taken["status"] == "confirmed"

    late = problem(_confirm(client, hold), 409)
    assert late["title"]
    assert _status(client, hold) == "expired"
    assert _history(client, hold) == [(None, "held", "guest"), ("held", "expired", "system")]
    # The second customer's booking is untouched.
    assert _status(client, taken) == "confirmed"
    assert "10:00" not in clock_times(slots(client, world, DAY))


def test_confirm_after_expiry_marks_the_hold_expired(client, clock) -> None:
    world = make_world(client, slot_step_minutes=60)
    hold = book(client, world, TEN, hold=True)

    clock.advance(timedelta(minutes=11))
    body = problem(_confirm(client, hold), 409)
    assert body["type"] == "https://slotkeeper.dev/problems/hold-expired"
    assert _status(client, hold) == "expired"
    assert _history(client, hold) == [(None, "held", "guest"), ("held", "expired", "system")]
    # The refusal does not roll the expiry back, and a second try is refused too.
    problem(_confirm(client, hold), 409)
    assert _history(client, hold) == [(None, "held", "guest"), ("held", "expired", "system")]
    assert "10:00" in clock_times(slots(client, world, DAY))
    # Cancelling what has run out is refused as well.
    problem(client.post(f"{API}/bookings/{hold['id']}/cancel",
                        params={"token": hold["manage_token"]}), 409)


def test_cancelled_hold_frees_the_time(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    hold = book(client, world, TEN, hold=True)
    cancelled = ok(client.post(f"{API}/bookings/{hold['id']}/cancel",
                               params={"token": hold["manage_token"]}))
    assert cancelled["status"] == "cancelled"
    assert "10:00" in clock_times(slots(client, world, DAY))
    problem(_confirm(client, hold), 409)
    assert _history(client, hold) == [(None, "held", "guest"), ("held", "cancelled", "guest")]


def test_who_may_confirm_a_hold(client, clock) -> None:
    world = make_world(client, slot_step_minutes=60)
    customer = register(client)
    body = booking_body(world, TEN, hold=True)
    del body["customer"]
    hold = ok(client.post(f"{API}/bookings", json=body, headers=customer["headers"]), 201)
    assert (hold["status"], hold["manage_token"]) == ("held", None)

    url = f"{API}/bookings/{hold['id']}/confirm"
    problem(client.post(url), 401)
    problem(client.post(url, headers=register(client)["headers"]), 403)
    problem(client.post(url, params={"token": "not-the-token"}), 403)

    clock.advance(timedelta(minutes=9))
    confirmed = ok(client.post(url, headers=login(client, customer)))
    assert confirmed["status"] == "confirmed"


def test_a_hold_never_outlives_the_start(client, clock) -> None:
    world = make_world(client, timezone="UTC")
    clock.set(clock.now().replace(day=3, hour=9, minute=55))
    held = book(client, world, TEN, hold=True)
    assert held["hold_expires_at"] == "2027-03-03T10:00:00Z"  # not 10:05
