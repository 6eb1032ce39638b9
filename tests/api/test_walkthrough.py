"""The README's walk-through, as a test: register, set up, find a slot, book it."""

from __future__ import annotations

from tests.support import API, booking_body, make_world, ok, slots


def test_guest_books_a_free_slot_and_it_disappears(client) -> None:
    world = make_world(client, slot_step_minutes=30)
    before = slots(client, world, "2027-03-29")
    assert before[0]["start"] == "2027-03-29T09:00:00+01:00"

    booking = ok(client.post(f"{API}/bookings", json=booking_body(world, before[0]["start"])), 201)

    assert booking["status"] == "confirmed"
    assert booking["manage_token"]
    after = [s["start"] for s in slots(client, world, "2027-03-29")]
    assert before[0]["start"] not in after
    assert len(after) == len(before) - 2  # 09:00 and 09:30 overlap the new 09:00-10:00
