"""Seed 004's "Testing Scenarios" (test cases 1-5), through the API.

The frozen clock stands at Monday 2027-03-01 08:00 UTC; Europe/London is on GMT (+00:00)
until 2027-03-28, so local times below equal UTC times.
"""

from __future__ import annotations

from tests.support import (
    API,
    book,
    booking_body,
    clock_times,
    grid,
    make_org,
    make_provider,
    make_service,
    make_world,
    ok,
    problem,
    register,
    slots,
    starts,
)

TOMORROW = "2027-03-02"


def test_case_1_complete_booking_flow(client) -> None:
    # A mentor's 1:1 session of 60 minutes, bookable on the hour.
    world = make_world(client, duration_minutes=60, price="45.00", slot_step_minutes=60)

    # Tomorrow's time slots appear.
    offered = slots(client, world, TOMORROW)
    assert clock_times(offered) == grid("09:00", "16:00", 60)
    assert offered[5] == {
        "provider_id": world["provider"]["id"],
        "start": "2027-03-02T14:00:00+00:00",
        "end": "2027-03-02T15:00:00+00:00",
        "seats_left": 1,
    }

    # Pick one, fill in the details, submit.
    booking = book(
        client, world, offered[5]["start"],
        customer={"name": "Ada Lovelace", "email": "Ada@Example.com", "phone": "+44 20 7946 0000"},
        notes="Need help with React",
    )
    token = booking.pop("manage_token")
    assert isinstance(token, str) and len(token) >= 32
    assert booking == {
        "id": booking["id"],
        "organization_id": world["org"]["id"],
        "service_id": world["service"]["id"],
        "provider_id": world["provider"]["id"],
        "status": "confirmed",
        "start": "2027-03-02T14:00:00Z",
        "end": "2027-03-02T15:00:00Z",
        "duration_minutes": 60,
        "items": [{"service_id": world["service"]["id"], "start": "2027-03-02T14:00:00Z",
                   "end": "2027-03-02T15:00:00Z", "duration_minutes": 60, "price": "45.00"}],
        "hold_expires_at": None,
        "respond_by": None,
        "suggested_starts": [],
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com",
                     "phone": "+44 20 7946 0000"},
        "notes": "Need help with React",
        "price": "45.00",
        "currency": "EUR",
        "breakdown": {"currency": "EUR", "base": "45.00", "discount": "0.00",
                      "subtotal": "45.00", "platform_fee": "0.00", "vat": "0.00",
                      "vat_inclusive": True, "total": "45.00"},
        "seats": 1,
        "cancelled_by": None,
        "refund_due": None,
        "cancel_reason": None,
        "series_id": None,
        "series_index": None,
        "created_at": "2027-03-01T08:00:00Z",
    }

    # The "success page" reads the booking back with the private link: same details.
    shown = ok(client.get(f"{API}/bookings/{booking['id']}", params={"token": token}))
    assert shown == {**booking, "manage_token": None}

    # And the booked time is no longer offered; the rest still is.
    after = slots(client, world, TOMORROW)
    assert clock_times(after) == [t for t in grid("09:00", "16:00", 60) if t != "14:00"]


def test_case_2_no_availability_means_no_slots(client) -> None:
    owner = register(client)
    org = make_org(client, owner)
    provider = make_provider(client, owner, org)  # never set up any hours
    service = make_service(client, owner, org, [provider])
    world = {"owner": owner, "org": org, "provider": provider, "service": service}

    assert slots(client, world, TOMORROW) == []
    assert slots(client, world, "2027-03-01", "2027-03-31") == []
    body = problem(client.post(f"{API}/bookings",
                               json=booking_body(world, "2027-03-02T10:00:00+00:00")), 422)
    assert "not offered" in body["detail"]


def test_case_2_hours_on_other_days_only(client) -> None:
    world = make_world(client, days=["monday"], slot_step_minutes=60)

    assert slots(client, world, "2027-03-02", "2027-03-07") == []  # Tuesday to Sunday
    assert clock_times(slots(client, world, "2027-03-08")) == grid("09:00", "16:00", 60)


def test_case_3_blocked_date_by_closing_the_day(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    provider, owner = world["provider"], world["owner"]

    ok(client.post(f"{API}/providers/{provider['id']}/date-overrides",
                   json={"date": TOMORROW, "windows": []}, headers=owner["headers"]), 201)

    assert slots(client, world, TOMORROW) == []
    # Only that date is blocked: the days around it keep their hours.
    around = slots(client, world, "2027-03-01", "2027-03-03")
    assert {s["start"][:10] for s in around} == {"2027-03-01", "2027-03-03"}
    assert clock_times(slots(client, world, "2027-03-03")) == grid("09:00", "16:00", 60)
    problem(client.post(f"{API}/bookings", json=booking_body(world, "2027-03-02T10:00:00Z")), 422)


def test_case_3_blocked_date_by_time_off(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    provider, owner = world["provider"], world["owner"]

    ok(client.post(f"{API}/providers/{provider['id']}/time-off",
                   json={"start": "2027-03-02T00:00:00+00:00", "end": "2027-03-03T00:00:00+00:00",
                         "reason": "conference"},
                   headers=owner["headers"]), 201)

    assert slots(client, world, TOMORROW) == []
    assert clock_times(slots(client, world, "2027-03-03")) == grid("09:00", "16:00", 60)
    body = problem(client.post(f"{API}/bookings",
                               json=booking_body(world, "2027-03-02T10:00:00Z")), 409)
    assert body["type"].endswith("/slot-taken")


def test_case_4_double_booking_prevention(client) -> None:
    world = make_world(client, duration_minutes=60, slot_step_minutes=30)
    day = "2027-03-03"
    assert clock_times(slots(client, world, day)) == grid("09:00", "16:00", 30)

    first = book(client, world, f"{day}T14:00:00+00:00")
    assert (first["start"], first["end"]) == ("2027-03-03T14:00:00Z", "2027-03-03T15:00:00Z")

    # 14:30 for 60 minutes conflicts with 14:00-15:00.
    conflict = problem(client.post(f"{API}/bookings",
                                   json=booking_body(world, f"{day}T14:30:00+00:00")), 409)
    assert conflict["type"] == "https://slotkeeper.dev/problems/slot-taken"
    # ... and so does the very same time.
    problem(client.post(f"{API}/bookings", json=booking_body(world, f"{day}T14:00:00Z")), 409)

    after = clock_times(slots(client, world, day))
    assert after == [t for t in grid("09:00", "16:00", 30) if t not in {"13:30", "14:00", "14:30"}]
    assert "13:00" in after and "15:00" in after
    # The neighbours are really bookable.
    book(client, world, f"{day}T13:00:00Z")
    book(client, world, f"{day}T15:00:00Z")

    listed = ok(client.get(f"{API}/bookings", headers=world["owner"]["headers"]))
    assert [b["start"] for b in listed] == [
        "2027-03-03T13:00:00Z", "2027-03-03T14:00:00Z", "2027-03-03T15:00:00Z"]


def test_case_5_longer_durations_offer_fewer_starts(client) -> None:
    world = make_world(client, duration_minutes=30, duration_options=[30, 60, 90],
                       slot_step_minutes=30)
    day = "2027-03-03"

    thirty = slots(client, world, day)
    ninety = slots(client, world, day, duration_minutes=90)
    assert clock_times(thirty) == grid("09:00", "16:30", 30)   # 16 starts
    assert clock_times(ninety) == grid("09:00", "15:30", 30)   # 14 starts
    assert len(ninety) < len(thirty)
    assert ninety[0]["end"] == f"{day}T10:30:00+00:00"

    # Book a 30-minute session at 12:00: one 30-minute start goes, three 90-minute ones go.
    short = book(client, world, f"{day}T12:00:00Z")
    assert short["duration_minutes"] == 30 and short["end"] == f"{day}T12:30:00Z"
    assert clock_times(slots(client, world, day)) == [
        t for t in grid("09:00", "16:30", 30) if t != "12:00"]
    assert clock_times(slots(client, world, day, duration_minutes=90)) == [
        t for t in grid("09:00", "15:30", 30) if t not in {"11:00", "11:30", "12:00"}]

    # Book a 90-minute session at 09:00: it needs 09:00-10:30 free.
    long = book(client, world, f"{day}T09:00:00Z", duration_minutes=90)
    assert long["duration_minutes"] == 90 and long["end"] == f"{day}T10:30:00Z"
    assert starts(slots(client, world, day, duration_minutes=90)) == [
        f"{day}T{t}:00+00:00" for t in ["10:30", "12:30", "13:00", "13:30", "14:00", "14:30",
                                        "15:00", "15:30"]]
    assert clock_times(slots(client, world, day)) == [
        t for t in grid("09:00", "16:30", 30) if t not in {"09:00", "09:30", "10:00", "12:00"}]
