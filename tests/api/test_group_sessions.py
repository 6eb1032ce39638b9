"""Group sessions (capacity > 1): seats of one occurrence, and what else blocks them.

A 10-seat class (60 minutes, on the hour) of a provider who works 09:00-17:00 London
(UTC in early March). Bookings of the same occurrence (service, start and duration) share
its seats; anything else of the provider that overlaps it blocks it, and it blocks that.
"""

from __future__ import annotations

from datetime import timedelta

from tests.support import (
    API,
    book,
    booking_body,
    clock_times,
    make_service,
    make_world,
    ok,
    problem,
    slots,
)

DAY = "2027-03-03"
TEN = f"{DAY}T10:00:00Z"
CAPACITY = 10
BLOCKING = {"held", "requested", "confirmed"}


def _class(client, **fields) -> dict:  # type: ignore[no-untyped-def]
    return make_world(client, capacity=CAPACITY, slot_step_minutes=60, **fields)


def _one_to_one(client, world: dict) -> dict:  # type: ignore[no-untyped-def]
    """A 1:1 service (60 minutes, every 15) of the class's provider, as its own world."""
    service = make_service(client, world["owner"], world["org"], [world["provider"]],
                           duration_minutes=60)
    assert service["capacity"] == 1
    return {**world, "service": service}


def _seats(client, world: dict, **params) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """``HH:MM`` -> seats left of every offered start on DAY."""
    return {s["start"][11:16]: s["seats_left"] for s in slots(client, world, DAY, **params)}


def _guest(i: int) -> dict:
    return {"name": f"Guest {i}", "email": f"guest{i}@example.com"}


def _taken(client, world: dict, start: str, **fields) -> dict:  # type: ignore[no-untyped-def]
    body = problem(client.post(f"{API}/bookings", json=booking_body(world, start, **fields)), 409)
    assert body["type"].endswith("/slot-taken"), body
    return body


def _cancel(client, booking: dict) -> dict:  # type: ignore[no-untyped-def]
    cancelled = ok(client.post(f"{API}/bookings/{booking['id']}/cancel",
                               params={"token": booking["manage_token"]}, json={}))
    assert cancelled["status"] == "cancelled"
    return cancelled


def _status(client, booking: dict) -> str:  # type: ignore[no-untyped-def]
    return ok(client.get(f"{API}/bookings/{booking['id']}",
                         params={"token": booking["manage_token"]}))["status"]


def _blocking_at(client, world: dict, start: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The provider's blocking bookings starting at ``start``, as the owner lists them."""
    listed = ok(client.get(f"{API}/bookings", params={"provider_id": world["provider"]["id"],
                                                      "limit": 500},
                           headers=world["owner"]["headers"]))
    return [b for b in listed if b["status"] in BLOCKING and b["start"] == start]


def _fill(client, world: dict, start: str, count: int,  # type: ignore[no-untyped-def]
          first: int = 0) -> list[dict]:
    return [book(client, world, start, customer=_guest(first + i)) for i in range(count)]


def test_seats_count_down_and_a_full_class_is_no_longer_offered(client) -> None:
    world = _class(client)
    assert world["service"]["capacity"] == CAPACITY
    everything = {f"{h:02d}:00": CAPACITY for h in range(9, 17)}
    assert _seats(client, world) == everything

    booked = []
    for i in range(CAPACITY):
        assert _seats(client, world)["10:00"] == CAPACITY - i
        booking = book(client, world, TEN, customer=_guest(i))
        assert (booking["status"], booking["seats"]) == ("confirmed", 1)
        booked.append(booking)
    # Every seat went to its own booking; the neighbouring classes are untouched.
    assert len({b["id"] for b in booked}) == CAPACITY
    full = {k: v for k, v in everything.items() if k != "10:00"}
    assert _seats(client, world) == full

    _taken(client, world, TEN, customer=_guest(99))
    assert _seats(client, world) == full
    assert sorted(b["id"] for b in _blocking_at(client, world, TEN)) == sorted(
        b["id"] for b in booked)


def test_a_cancellation_frees_a_seat(client) -> None:
    world = _class(client)
    booked = _fill(client, world, TEN, CAPACITY)
    assert "10:00" not in _seats(client, world)

    _cancel(client, booked[3])
    assert _seats(client, world)["10:00"] == 1
    _cancel(client, booked[7])
    assert _seats(client, world)["10:00"] == 2

    book(client, world, TEN, customer=_guest(10))
    assert _seats(client, world)["10:00"] == 1
    book(client, world, TEN, customer=_guest(11))
    assert "10:00" not in _seats(client, world)
    _taken(client, world, TEN, customer=_guest(12))
    assert len(_blocking_at(client, world, TEN)) == CAPACITY


def test_a_class_with_bookings_blocks_one_to_one_bookings_of_its_provider(client) -> None:
    world = _class(client)
    single = _one_to_one(client, world)
    all_day = [f"{h:02d}:{m:02d}" for h in range(9, 16) for m in (0, 15, 30, 45)] + ["16:00"]
    assert clock_times(slots(client, single, DAY)) == all_day

    seat = book(client, world, TEN, customer=_guest(0))
    # 10:00-11:00 is the class's: no 1:1 start whose hour overlaps it (09:15 to 10:45).
    overlapping = ["09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45"]
    assert clock_times(slots(client, single, DAY)) == [t for t in all_day
                                                       if t not in overlapping]
    for hhmm in ("09:30", "10:00", "10:45"):
        _taken(client, single, f"{DAY}T{hhmm}:00Z")
    # Touching is not overlapping.
    book(client, single, f"{DAY}T09:00:00Z")
    book(client, single, f"{DAY}T11:00:00Z")
    # The class itself still has its seats.
    assert _seats(client, world)["10:00"] == CAPACITY - 1
    second = book(client, world, TEN, customer=_guest(1))

    # Once the class has no bookings left, 10:00-11:00 (between the two 1:1 bookings) is
    # free for a 1:1 booking.
    _cancel(client, seat)
    assert "10:00" not in clock_times(slots(client, single, DAY))
    _taken(client, single, TEN)
    _cancel(client, second)
    assert "10:00" in clock_times(slots(client, single, DAY))
    book(client, single, TEN)
    assert "10:00" not in _seats(client, world)


def test_a_one_to_one_booking_blocks_the_class_it_overlaps(client) -> None:
    world = _class(client)
    single = _one_to_one(client, world)

    one = book(client, single, f"{DAY}T10:30:00Z")
    # 10:30-11:30 overlaps the 10:00 and the 11:00 classes: neither is offered.
    seats = _seats(client, world)
    assert "10:00" not in seats and "11:00" not in seats
    assert seats["09:00"] == seats["12:00"] == CAPACITY
    _taken(client, world, TEN, customer=_guest(0))
    _taken(client, world, f"{DAY}T11:00:00Z", customer=_guest(0))
    assert _blocking_at(client, world, TEN) == []

    _cancel(client, one)
    assert _seats(client, world)["10:00"] == CAPACITY
    book(client, world, TEN, customer=_guest(0))
    assert _seats(client, world)["10:00"] == CAPACITY - 1


def test_another_duration_at_the_same_start_is_another_occurrence(client) -> None:
    world = _class(client, duration_options=[60, 90])
    assert world["service"]["duration_options"] == [60, 90]
    long_day = {f"{h:02d}:00": CAPACITY for h in range(9, 16)}  # 15:00-16:30 is the last
    assert _seats(client, world, duration_minutes=90) == long_day

    book(client, world, TEN, customer=_guest(0))
    # The 60-minute class at 10:00 keeps 10:00-11:00: no 90-minute class overlaps it.
    assert _seats(client, world, duration_minutes=90) == {
        k: v for k, v in long_day.items() if k not in ("09:00", "10:00")}
    _taken(client, world, TEN, duration_minutes=90, customer=_guest(1))
    _taken(client, world, f"{DAY}T09:00:00Z", duration_minutes=90, customer=_guest(1))
    # Its own occurrence still fills seat by seat.
    book(client, world, TEN, duration_minutes=60, customer=_guest(2))
    assert _seats(client, world)["10:00"] == CAPACITY - 2
    assert [b["duration_minutes"] for b in _blocking_at(client, world, TEN)] == [
        60, 60]

    # And the other way round: a 90-minute class at 13:00 blocks 60-minute ones at 13 and 14.
    at_one = f"{DAY}T13:00:00Z"
    book(client, world, at_one, duration_minutes=90, customer=_guest(3))
    assert _seats(client, world, duration_minutes=90)["13:00"] == CAPACITY - 1
    seats = _seats(client, world)
    assert "13:00" not in seats and "14:00" not in seats
    _taken(client, world, at_one, customer=_guest(4))
    _taken(client, world, f"{DAY}T14:00:00Z", customer=_guest(4))


def test_a_held_seat_is_taken_until_the_hold_runs_out(client, clock) -> None:
    world = _class(client)
    hold = book(client, world, TEN, hold=True, customer=_guest(0))
    assert (hold["status"], hold["hold_expires_at"]) == ("held", "2027-03-01T08:10:00Z")
    assert _seats(client, world)["10:00"] == CAPACITY - 1
    _fill(client, world, TEN, CAPACITY - 1, first=1)
    assert "10:00" not in _seats(client, world)
    _taken(client, world, TEN, customer=_guest(20))

    clock.advance(timedelta(seconds=599))
    assert "10:00" not in _seats(client, world)
    _taken(client, world, TEN, customer=_guest(21))

    clock.advance(timedelta(seconds=1))  # the hold's expiry instant: its seat is free
    assert _seats(client, world)["10:00"] == 1
    late = book(client, world, TEN, customer=_guest(22))
    assert late["status"] == "confirmed"
    assert "10:00" not in _seats(client, world)
    _taken(client, world, TEN, customer=_guest(23))
    assert _status(client, hold) == "expired"
    problem(client.post(f"{API}/bookings/{hold['id']}/confirm",
                        params={"token": hold["manage_token"]}), 409)
    assert len(_blocking_at(client, world, TEN)) == CAPACITY


def test_a_run_out_one_to_one_hold_no_longer_blocks_the_class(client, clock) -> None:
    world = _class(client)
    single = _one_to_one(client, world)
    hold = book(client, single, f"{DAY}T10:30:00Z", hold=True)
    assert "10:00" not in _seats(client, world)
    _taken(client, world, TEN, customer=_guest(0))

    clock.advance(timedelta(seconds=600))
    assert _seats(client, world)["10:00"] == CAPACITY
    book(client, world, TEN, customer=_guest(0))
    assert _status(client, hold) == "expired"
    assert "10:30" not in clock_times(slots(client, single, DAY))
    _taken(client, single, f"{DAY}T10:30:00Z")
