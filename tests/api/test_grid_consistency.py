"""Every listed start is bookable, whatever dates were asked for: a provider available
around the clock, with a step that does not divide the day, keeps one grid per local day."""

from __future__ import annotations

from tests.support import API, booking_body, make_world, slots


def test_listed_starts_are_the_same_for_any_range_and_bookable(client) -> None:
    world = make_world(client, timezone="Europe/Berlin", hours=("00:00", "24:00"),
                       duration_minutes=25, slot_step_minutes=25)
    wide = slots(client, world, "2027-03-10", "2027-03-12")
    narrow = slots(client, world, "2027-03-11")
    on_the_11th = [s["start"] for s in wide if s["start"].startswith("2027-03-11")]
    assert [s["start"] for s in narrow] == on_the_11th
    assert on_the_11th[:2] == ["2027-03-11T00:00:00+01:00", "2027-03-11T00:25:00+01:00"]
    for start in on_the_11th[::7]:
        response = client.post(f"{API}/bookings", json=booking_body(world, start))
        assert response.status_code == 201, (start, response.text)
