"""Reschedule (atomic, until a cut-off) and cancellation refunds by the service's policy."""

from __future__ import annotations

from tests.support import API, book, login, make_world, ok, problem

DAY = "2027-03-03"  # Wednesday; the frozen clock is 2027-03-01 08:00 UTC
TEN, ELEVEN, TEN_THIRTY = f"{DAY}T10:00:00Z", f"{DAY}T11:00:00Z", f"{DAY}T10:30:00Z"


def _world(client, **fields):  # type: ignore[no-untyped-def]
    return make_world(client, timezone="UTC", price="80.00", **fields)


def _act(client, booking: dict, action: str, **body):  # type: ignore[no-untyped-def]
    return client.post(f"{API}/bookings/{booking['id']}/{action}",
                       params={"token": booking["manage_token"]}, json=body or None)


def test_a_guest_moves_a_booking_and_the_history_says_so(client) -> None:
    world = _world(client)
    booking = book(client, world, TEN)
    moved = ok(_act(client, booking, "reschedule", start=TEN_THIRTY))  # overlaps its old time
    assert (moved["status"], moved["start"], moved["end"], moved["id"]) == (
        "confirmed", "2027-03-03T10:30:00Z", "2027-03-03T11:30:00Z", booking["id"])
    events = ok(client.get(f"{API}/bookings/{booking['id']}/history",
                           params={"token": booking["manage_token"]}))
    assert events[-1]["from_status"] == events[-1]["to_status"] == "confirmed"
    assert events[-1]["reason"] == (
        "rescheduled from 2027-03-03T10:00:00+00:00 to 2027-03-03T10:30:00+00:00")
    # The old time is free, the new one taken.
    book(client, world, f"{DAY}T09:00:00Z")
    problem(client.post(f"{API}/bookings", json={
        "service_id": world["service"]["id"], "provider_id": world["provider"]["id"],
        "start": ELEVEN, "customer": {"name": "B", "email": "b@example.com"}}), 409)


def test_a_refused_move_keeps_the_old_time(client) -> None:
    world = _world(client)
    booking, other = book(client, world, TEN), book(client, world, f"{DAY}T12:00:00Z")
    assert other["status"] == "confirmed"
    problem(_act(client, booking, "reschedule", start=f"{DAY}T11:30:00Z"), 409)  # overlaps 12:00
    problem(_act(client, booking, "reschedule", start=f"{DAY}T20:00:00Z"), 422)  # after hours
    problem(_act(client, booking, "reschedule", start=TEN), 422)  # the same time
    kept = ok(client.get(f"{API}/bookings/{booking['id']}",
                         params={"token": booking["manage_token"]}))
    assert kept["start"] == "2027-03-03T10:00:00Z"


def test_customers_may_move_only_until_the_cut_off(client, clock) -> None:
    world = _world(client, reschedule_cutoff_hours=24)
    booking = book(client, world, TEN)
    clock.set(clock.now().replace(day=2, hour=10, minute=1))  # 23 h 59 min before
    body = problem(_act(client, booking, "reschedule", start=ELEVEN), 409)
    assert "24 h" in body["detail"]
    owner = login(client, world["owner"])  # staff may still move it
    moved = ok(client.post(f"{API}/bookings/{booking['id']}/reschedule", headers=owner,
                           json={"start": ELEVEN}))
    assert moved["start"] == "2027-03-03T11:00:00Z"


def test_refunds_follow_the_policy(client, clock) -> None:
    world = _world(client, free_cancellation_hours=24, late_refund_percent=50)
    early, late, by_provider = (
        book(client, world, f"{DAY}T{h}:00:00Z") for h in ("09", "11", "13"))
    quote = ok(client.get(f"{API}/bookings/{early['id']}/refund-quote",
                          params={"token": early["manage_token"]}))
    assert quote == {"refund_due": "80.00", "currency": "EUR"}
    assert ok(_act(client, early, "cancel"))["refund_due"] == "80.00"

    clock.set(clock.now().replace(day=2, hour=12))  # 23 h before 11:00: inside the window
    assert ok(_act(client, late, "cancel", reason="ill"))["refund_due"] == "40.00"

    owner = login(client, world["owner"])
    cancelled = ok(client.post(f"{API}/bookings/{by_provider['id']}/cancel", headers=owner,
                               json={"reason": "provider ill"}))
    assert (cancelled["refund_due"], cancelled["cancelled_by"]) == ("80.00", "provider")


def test_a_hold_refunds_nothing(client) -> None:
    world = _world(client)
    held = book(client, world, TEN, hold=True)
    assert ok(_act(client, held, "cancel"))["refund_due"] == "0.00"


def test_only_confirmed_bookings_move(client) -> None:
    world = _world(client)
    held = book(client, world, TEN, hold=True)
    body = problem(_act(client, held, "reschedule", start=ELEVEN), 409)
    assert "held" in body["detail"]
