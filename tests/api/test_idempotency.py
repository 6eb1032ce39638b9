"""Idempotency-Key on POST /bookings: a retry returns the first result, never a second booking."""

from __future__ import annotations

import uuid
from datetime import timedelta

from slotkeeper.jobs.sweeper import prune_once
from tests.support import API, book, booking_body, clock_times, make_world, ok, problem, register
from tests.support import slots as list_slots

DAY = "2027-03-03"


def _post(client, body: dict, key: str | None, headers: dict | None = None):  # type: ignore[no-untyped-def]
    headers = {**(headers or {}), **({"Idempotency-Key": key} if key is not None else {})}
    return client.post(f"{API}/bookings", json=body, headers=headers)


def _all_bookings(client, world: dict) -> list[dict]:
    return ok(client.get(f"{API}/bookings", headers=world["owner"]["headers"]))


def test_retry_returns_the_same_booking(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    body = booking_body(world, f"{DAY}T10:00:00Z")
    key = str(uuid.uuid4())

    first = _post(client, body, key)
    retry = _post(client, body, key)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    one, two = first.json(), retry.json()
    assert two["id"] == one["id"]
    assert two["manage_token"] == one["manage_token"] and one["manage_token"]
    assert two == one

    assert [b["id"] for b in _all_bookings(client, world)] == [one["id"]]
    # The replayed token works like the first.
    ok(client.get(f"{API}/bookings/{one['id']}", params={"token": two["manage_token"]}))
    # Without the key, the same request is a new attempt at a taken time.
    problem(_post(client, body, None), 409)
    assert len(_all_bookings(client, world)) == 1


def test_same_key_with_a_different_body_is_refused(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    key = "order-42"
    first = ok(_post(client, booking_body(world, f"{DAY}T10:00:00Z"), key), 201)

    body = problem(_post(client, booking_body(world, f"{DAY}T11:00:00Z"), key), 422)
    assert "Idempotency-Key" in body["detail"]
    problem(_post(client, booking_body(world, f"{DAY}T10:00:00Z", notes="changed"), key), 422)

    assert [b["id"] for b in _all_bookings(client, world)] == [first["id"]]
    assert "11:00" in clock_times(list_slots(client, world, DAY))


def test_keys_belong_to_their_caller(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    customer = register(client)
    key = str(uuid.uuid4())
    signed_in = booking_body(world, f"{DAY}T11:00:00Z")
    del signed_in["customer"]

    guest = ok(_post(client, booking_body(world, f"{DAY}T10:00:00Z"), key), 201)
    # The same key from an account is that account's own key: a new booking.
    mine = ok(_post(client, signed_in, key, customer["headers"]), 201)
    assert mine["id"] != guest["id"]
    again = ok(_post(client, signed_in, key, customer["headers"]), 201)
    assert again["id"] == mine["id"] and again["manage_token"] is None

    assert sorted(b["id"] for b in _all_bookings(client, world)) == sorted(
        [guest["id"], mine["id"]])


def test_bad_keys(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    body = booking_body(world, f"{DAY}T10:00:00Z")
    problem(_post(client, body, "k" * 256), 422)
    problem(_post(client, body, ""), 422)
    assert _all_bookings(client, world) == []
    # 255 characters is fine.
    ok(_post(client, body, "k" * 255), 201)
    assert len(_all_bookings(client, world)) == 1


def test_a_retried_hold_is_still_one_hold(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    body = booking_body(world, f"{DAY}T10:00:00Z", hold=True)
    first = ok(_post(client, body, "hold-1"), 201)
    again = ok(_post(client, body, "hold-1"), 201)
    assert again["id"] == first["id"] and again["status"] == "held"
    assert [b["status"] for b in _all_bookings(client, world)] == ["held"]
    book(client, world, f"{DAY}T11:00:00Z")
    assert len(_all_bookings(client, world)) == 2


def test_guests_with_the_same_key_do_not_share_it(client) -> None:
    world = make_world(client)
    key = {"Idempotency-Key": "retry-1"}
    first = client.post(f"{API}/bookings", headers=key, json=booking_body(
        world, "2027-03-03T09:00:00Z", customer={"name": "A", "email": "a@example.com"}))
    second = client.post(f"{API}/bookings", headers=key, json=booking_body(
        world, "2027-03-03T11:00:00Z", customer={"name": "B", "email": "b@example.com"}))
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert "Idempotent-Replayed" not in second.headers


def test_keys_are_forgotten_after_a_day(client, clock) -> None:
    world = make_world(client)
    key = {"Idempotency-Key": f"key-{uuid.uuid4()}"}
    first = ok(client.post(f"{API}/bookings", json=booking_body(world, "2027-03-04T10:00:00Z"),
                           headers=key), 201)
    state = client.app.state
    clock.advance(timedelta(hours=23))
    client.portal.call(prune_once, state.db, state.clock)
    again = client.post(f"{API}/bookings", json=booking_body(world, "2027-03-04T10:00:00Z"),
                        headers=key)
    assert again.status_code == 201 and again.json()["id"] == first["id"]  # still replayed
    clock.advance(timedelta(hours=2))
    assert client.portal.call(prune_once, state.db, state.clock) >= 1
    # Forgotten: the same key is now a new request (and this time is taken).
    problem(client.post(f"{API}/bookings", json=booking_body(world, "2027-03-04T10:00:00Z"),
                        headers=key), 409)
