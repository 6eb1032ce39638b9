"""POST /bookings and friends: statuses, customers, approval, cancellation, listing."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support import (
    API,
    book,
    booking_body,
    clock_times,
    grid,
    login,
    make_provider,
    make_world,
    ok,
    problem,
    register,
    slots,
)

DAY = "2027-03-03"


def _history(client, booking: dict, **auth) -> list[tuple]:
    events = ok(client.get(f"{API}/bookings/{booking['id']}/history", **auth))
    return [(e["from_status"], e["to_status"], e["actor"], e["reason"]) for e in events]


def test_confirmed_by_default(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    booking = book(client, world, f"{DAY}T10:00:00+00:00")
    assert booking["status"] == "confirmed"
    assert booking["hold_expires_at"] is None
    assert booking["manage_token"]
    assert _history(client, booking, params={"token": booking["manage_token"]}) == [
        (None, "confirmed", "guest", None)]


def test_signed_in_customer_books_with_their_account(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    customer = register(client)
    body = booking_body(world, f"{DAY}T10:00:00Z")
    del body["customer"]

    booking = ok(client.post(f"{API}/bookings", json=body, headers=customer["headers"]), 201)
    assert booking["status"] == "confirmed"
    assert booking["manage_token"] is None  # the account is the key
    assert booking["customer"] == {"name": "Test User", "email": customer["email"],
                                   "phone": None}

    assert ok(client.get(f"{API}/bookings/{booking['id']}",
                         headers=customer["headers"]))["id"] == booking["id"]
    mine = ok(client.get(f"{API}/bookings", headers=customer["headers"]))
    assert [b["id"] for b in mine] == [booking["id"]]
    assert _history(client, booking, headers=customer["headers"]) == [
        (None, "confirmed", "customer", None)]
    # Another account sees none of it.
    other = register(client)
    assert ok(client.get(f"{API}/bookings", headers=other["headers"])) == []

    # Without an account, the customer's name and email are required.
    problem(client.post(f"{API}/bookings", json=booking_body(world, f"{DAY}T11:00:00Z",
                                                             customer=None)), 422)


def test_requires_approval_gives_a_request(client) -> None:
    world = make_world(client, slot_step_minutes=60, requires_approval=True)
    owner = world["owner"]

    request = book(client, world, f"{DAY}T10:00:00Z")
    assert request["status"] == "requested"
    assert request["hold_expires_at"] is None
    # Even when a hold is asked for, the provider's approval comes first.
    held = book(client, world, f"{DAY}T12:00:00Z", hold=True)
    assert held["status"] == "requested"

    # A request blocks its time.
    assert clock_times(slots(client, world, DAY)) == [
        t for t in grid("09:00", "16:00", 60) if t not in {"10:00", "12:00"}]
    problem(client.post(f"{API}/bookings", json=booking_body(world, f"{DAY}T10:00:00Z")), 409)

    # The customer cannot accept their own request; the organization can.
    token = {"token": request["manage_token"]}
    problem(client.post(f"{API}/bookings/{request['id']}/confirm", params=token), 403)
    accepted = ok(client.post(f"{API}/bookings/{request['id']}/confirm",
                              headers=owner["headers"]))
    assert accepted["status"] == "confirmed"
    assert _history(client, request, params=token) == [
        (None, "requested", "guest", None), ("requested", "confirmed", "admin", None)]


def test_cancel_frees_the_time_and_records_who(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    owner = world["owner"]
    by_guest = book(client, world, f"{DAY}T10:00:00Z")
    by_org = book(client, world, f"{DAY}T11:00:00Z")
    assert "10:00" not in clock_times(slots(client, world, DAY))

    cancelled = ok(client.post(f"{API}/bookings/{by_guest['id']}/cancel",
                               params={"token": by_guest["manage_token"]},
                               json={"reason": "cannot make it"}))
    assert (cancelled["status"], cancelled["cancelled_by"], cancelled["cancel_reason"]) == (
        "cancelled", "customer", "cannot make it")

    cancelled = ok(client.post(f"{API}/bookings/{by_org['id']}/cancel",
                               headers=owner["headers"]))
    assert (cancelled["status"], cancelled["cancelled_by"], cancelled["cancel_reason"]) == (
        "cancelled", "provider", None)
    assert _history(client, by_org, headers=owner["headers"]) == [
        (None, "confirmed", "guest", None), ("confirmed", "cancelled", "admin", None)]

    assert clock_times(slots(client, world, DAY)) == grid("09:00", "16:00", 60)
    rebooked = book(client, world, f"{DAY}T10:00:00Z")
    assert rebooked["status"] == "confirmed"


def test_customer_cannot_cancel_once_started_but_staff_can(client, clock) -> None:
    world = make_world(client, slot_step_minutes=60)
    booking = book(client, world, f"{DAY}T10:00:00Z")
    clock.set(datetime(2027, 3, 3, 10, 15, tzinfo=UTC))

    body = problem(client.post(f"{API}/bookings/{booking['id']}/cancel",
                               params={"token": booking["manage_token"]}), 409)
    assert "started" in body["detail"]
    done = ok(client.post(f"{API}/bookings/{booking['id']}/cancel",
                          headers=login(client, world["owner"]), json={"reason": "no-show"}))
    assert (done["status"], done["cancelled_by"]) == ("cancelled", "provider")


def test_times_not_offered_are_refused(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    for start in (f"{DAY}T08:00:00Z",   # before hours
                  f"{DAY}T16:30:00Z",   # would end after 17:00
                  f"{DAY}T10:30:00Z",   # off the hourly grid
                  "2027-02-28T10:00:00Z"):  # in the past
        body = problem(client.post(f"{API}/bookings", json=booking_body(world, start)), 422)
        assert "not offered" in body["detail"], start
    # The same instant written with another offset is the same slot.
    booked = book(client, world, f"{DAY}T11:00:00+01:00")
    assert booked["start"] == f"{DAY}T10:00:00Z"


def test_provider_must_offer_the_service(client) -> None:
    world = make_world(client)
    other = make_provider(client, world["owner"], world["org"])
    body = problem(client.post(f"{API}/bookings", json=booking_body(
        world, f"{DAY}T10:00:00Z", provider_id=other["id"])), 422)
    assert "does not offer" in body["detail"]
    missing = "00000000-0000-4000-8000-000000000000"
    problem(client.post(f"{API}/bookings", json=booking_body(
        world, f"{DAY}T10:00:00Z", provider_id=missing)), 404)
    problem(client.post(f"{API}/bookings", json=booking_body(
        world, f"{DAY}T10:00:00Z", service_id=missing)), 404)


def test_list_bookings_filters(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    owner, provider = world["owner"], world["provider"]
    a = book(client, world, "2027-03-02T10:00:00Z")
    b = book(client, world, "2027-03-03T10:00:00Z", hold=True)
    c = book(client, world, "2027-03-04T10:00:00Z")
    ok(client.post(f"{API}/bookings/{c['id']}/cancel", headers=owner["headers"]))

    def ids(**params) -> list[str]:
        found = ok(client.get(f"{API}/bookings", params=params, headers=owner["headers"]))
        return [x["id"] for x in found]

    assert ids() == [a["id"], b["id"], c["id"]]
    assert ids(status="held") == [b["id"]]
    assert ids(status="cancelled") == [c["id"]]
    assert ids(provider_id=provider["id"]) == [a["id"], b["id"], c["id"]]
    assert ids(**{"from": "2027-03-03T00:00:00Z"}) == [b["id"], c["id"]]
    assert ids(to="2027-03-03T00:00:00+00:00") == [a["id"]]
    assert ids(**{"from": "2027-03-03T00:00:00+01:00", "to": "2027-03-04T10:00:00Z"}) == [b["id"]]
    assert ids(limit=1, offset=1) == [b["id"]]
    # The list is the caller's: another organization's owner sees none of these.
    stranger = register(client)
    assert ok(client.get(f"{API}/bookings", headers=stranger["headers"])) == []
