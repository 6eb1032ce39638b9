"""GET /services/{id}/slots: time zones and DST, date range, ordering, step grid, notice,
horizon, durations and group seats."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support import (
    API,
    book,
    booking_body,
    clock_times,
    grid,
    make_provider,
    make_world,
    ok,
    problem,
    set_hours,
    slots,
    starts,
)


def _day(date: str, hours: range, offset: str) -> list[str]:
    return [f"{date}T{h:02d}:00:00{offset}" for h in hours]


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_spring_forward_keeps_nine_o_clock_local(client) -> None:
    world = make_world(client, slot_step_minutes=60, max_advance_days=365)

    local = slots(client, world, "2027-03-27", "2027-03-29")  # Sat, Sun (clocks go forward), Mon
    assert starts(local) == (_day("2027-03-27", range(9, 17), "+00:00")
                             + _day("2027-03-28", range(9, 17), "+01:00")
                             + _day("2027-03-29", range(9, 17), "+01:00"))
    # In UTC the working day moves an hour earlier.
    utc = slots(client, world, "2027-03-27", "2027-03-29", timezone="UTC")
    assert starts(utc) == (_day("2027-03-27", range(9, 17), "+00:00")
                           + _day("2027-03-28", range(8, 16), "+00:00")
                           + _day("2027-03-29", range(8, 16), "+00:00"))
    assert [s["end"] for s in utc][-1] == "2027-03-29T16:00:00+00:00"


def test_fall_back_keeps_nine_o_clock_local(client) -> None:
    world = make_world(client, slot_step_minutes=60, max_advance_days=365)

    local = slots(client, world, "2027-10-30", "2027-11-01")  # Sat, Sun (clocks go back), Mon
    assert starts(local) == (_day("2027-10-30", range(9, 17), "+01:00")
                             + _day("2027-10-31", range(9, 17), "+00:00")
                             + _day("2027-11-01", range(9, 17), "+00:00"))
    utc = slots(client, world, "2027-10-30", "2027-11-01", timezone="UTC")
    assert starts(utc) == (_day("2027-10-30", range(8, 16), "+00:00")
                           + _day("2027-10-31", range(9, 17), "+00:00")
                           + _day("2027-11-01", range(9, 17), "+00:00"))

    # A booking on the far side of the change lands at 09:00 local = 09:00 UTC.
    booking = book(client, world, "2027-10-31T09:00:00+00:00")
    assert booking["start"] == "2027-10-31T09:00:00Z"
    assert "2027-10-31T09:00:00+00:00" not in starts(slots(client, world, "2027-10-31"))


def test_slots_in_another_time_zone_are_the_same_instants(client) -> None:
    world = make_world(client, slot_step_minutes=60, max_advance_days=365)

    london = slots(client, world, "2027-03-29")
    new_york = ok(client.get(f"{API}/services/{world['service']['id']}/slots",
                             params={"start_date": "2027-03-29", "end_date": "2027-03-29",
                                     "timezone": "America/New_York"}))
    assert new_york["timezone"] == "America/New_York"
    # 09:00-16:00 BST is 04:00-11:00 EDT.
    assert starts(new_york["slots"]) == _day("2027-03-29", range(4, 12), "-04:00")
    assert new_york["slots"][0]["end"] == "2027-03-29T05:00:00-04:00"
    assert [_instant(s) for s in starts(new_york["slots"])] == [_instant(s) for s in starts(london)]


def test_asked_time_zone_changes_offset_on_its_own_dst_date(client) -> None:
    # New York springs forward on 2027-03-14, two weeks before London.
    world = make_world(client, slot_step_minutes=60, max_advance_days=365)

    shown = slots(client, world, "2027-03-13", "2027-03-14", timezone="America/New_York")
    assert starts(shown) == (_day("2027-03-13", range(4, 12), "-05:00")
                             + _day("2027-03-14", range(5, 13), "-04:00"))


def test_dates_are_read_in_the_asked_time_zone(client) -> None:
    world = make_world(client, slot_step_minutes=60, max_advance_days=365)

    # 2027-03-29 in Tokyo runs from 2027-03-28 15:00 to 2027-03-29 15:00 UTC: the last
    # London slot of the 28th (16:00 BST = 15:00 UTC) and the 29th's up to 14:00 UTC.
    tokyo = slots(client, world, "2027-03-29", timezone="Asia/Tokyo")
    assert starts(tokyo) == ["2027-03-29T00:00:00+09:00",
                             *_day("2027-03-29", range(17, 24), "+09:00")]


def test_end_date_is_inclusive(client) -> None:
    world = make_world(client, slot_step_minutes=60)

    one_day = slots(client, world, "2027-03-02", "2027-03-02")
    two_days = slots(client, world, "2027-03-02", "2027-03-03")
    assert starts(one_day) == _day("2027-03-02", range(9, 17), "+00:00")
    assert starts(two_days) == (_day("2027-03-02", range(9, 17), "+00:00")
                                + _day("2027-03-03", range(9, 17), "+00:00"))


def test_range_checks(client) -> None:
    world = make_world(client)
    url = f"{API}/services/{world['service']['id']}/slots"

    body = problem(client.get(url, params={"start_date": "2027-03-03", "end_date": "2027-03-02"}),
                   422)
    assert "end_date" in body["detail"]
    problem(client.get(url, params={"start_date": "2027-03-01", "end_date": "2027-06-01"}), 422)
    # 92 days is the most one can ask for at once.
    ok(client.get(url, params={"start_date": "2027-03-01", "end_date": "2027-05-31"}))
    problem(client.get(url, params={"start_date": "2027-03-01"}), 422)


def test_ordered_by_start_then_provider(client) -> None:
    world = make_world(client, slot_step_minutes=60, hours=("09:00", "12:00"))
    owner, org = world["owner"], world["org"]
    p1 = world["provider"]
    p2 = make_provider(client, owner, org)
    set_hours(client, owner, p2, "10:00", "13:00")
    service = ok(client.post(f"{API}/organizations/{org['id']}/services",
                             json={"name": "Shared", "duration_minutes": 60, "price": "30.00",
                                   "provider_ids": [p1["id"], p2["id"]],
                                   "slot_step_minutes": 60},
                             headers=owner["headers"]), 201)
    shared = {**world, "service": service}
    low, high = sorted([p1["id"], p2["id"]])

    found = slots(client, shared, "2027-03-02", "2027-03-03")
    expected = []
    for date in ("2027-03-02", "2027-03-03"):
        expected += [(f"{date}T09:00:00+00:00", p1["id"]),
                     (f"{date}T10:00:00+00:00", low), (f"{date}T10:00:00+00:00", high),
                     (f"{date}T11:00:00+00:00", low), (f"{date}T11:00:00+00:00", high),
                     (f"{date}T12:00:00+00:00", p2["id"])]
    assert [(s["start"], s["provider_id"]) for s in found] == expected

    # One provider only.
    only = slots(client, shared, "2027-03-02", provider_id=p2["id"])
    assert [(s["start"][11:16], s["provider_id"]) for s in only] == [
        ("10:00", p2["id"]), ("11:00", p2["id"]), ("12:00", p2["id"])]
    # A provider that does not offer the service.
    outsider = make_provider(client, owner, org)
    problem(client.get(f"{API}/services/{service['id']}/slots",
                       params={"start_date": "2027-03-02", "end_date": "2027-03-02",
                               "provider_id": outsider["id"]}), 404)

    # Booking one provider leaves the other's slot at the same time.
    book(client, shared, "2027-03-02T10:00:00Z", provider_id=p1["id"])
    again = slots(client, shared, "2027-03-02")
    assert [(s["start"][11:16], s["provider_id"]) for s in again] == [
        ("09:00", p1["id"]), ("10:00", p2["id"]), ("11:00", low), ("11:00", high),
        ("12:00", p2["id"])]


def test_default_step_is_fifteen_minutes(client) -> None:
    world = make_world(client)
    assert world["service"]["slot_step_minutes"] == 15
    assert clock_times(slots(client, world, "2027-03-02")) == grid("09:00", "16:00", 15)


def test_step_grid_is_measured_from_the_window_start(client) -> None:
    world = make_world(client, slot_step_minutes=45)
    assert clock_times(slots(client, world, "2027-03-02")) == [
        "09:00", "09:45", "10:30", "11:15", "12:00", "12:45", "13:30", "14:15", "15:00", "15:45"]

    ok(client.post(f"{API}/providers/{world['provider']['id']}/date-overrides",
                   json={"date": "2027-03-03", "windows": [{"start": "09:10", "end": "12:00"}]},
                   headers=world["owner"]["headers"]), 201)
    assert clock_times(slots(client, world, "2027-03-03")) == ["09:10", "09:55", "10:40"]

    # Off the grid is not bookable; on it is.
    body = problem(client.post(f"{API}/bookings",
                               json=booking_body(world, "2027-03-02T09:15:00Z")), 422)
    assert "grid" in body["detail"]
    book(client, world, "2027-03-02T09:45:00Z")


def test_duration_minutes_query_parameter(client) -> None:
    world = make_world(client, duration_minutes=30, duration_options=[60, 30], slot_step_minutes=30)
    assert world["service"]["duration_options"] == [30, 60]
    url = f"{API}/services/{world['service']['id']}/slots"
    day = {"start_date": "2027-03-02", "end_date": "2027-03-02"}

    default = ok(client.get(url, params=day))
    assert default["duration_minutes"] == 30
    assert clock_times(default["slots"]) == grid("09:00", "16:30", 30)

    hour = ok(client.get(url, params={**day, "duration_minutes": 60}))
    assert hour["duration_minutes"] == 60
    assert clock_times(hour["slots"]) == grid("09:00", "16:00", 30)
    assert all(_instant(s["end"]) - _instant(s["start"]) == _instant(
        "2027-03-02T10:00:00Z") - _instant("2027-03-02T09:00:00Z") for s in hour["slots"])

    for bad in (45, 90, 0, -30, "sixty", 100000):
        problem(client.get(url, params={**day, "duration_minutes": bad}), 422)
    body = problem(client.get(url, params={**day, "duration_minutes": 45}), 422)
    assert "30, 60" in body["detail"]

    problem(client.post(f"{API}/bookings", json=booking_body(
        world, "2027-03-02T09:00:00Z", duration_minutes=45)), 422)
    booked = book(client, world, "2027-03-02T09:00:00Z", duration_minutes=60)
    assert (booked["duration_minutes"], booked["end"]) == (60, "2027-03-02T10:00:00Z")


def test_min_notice_and_now(client, clock) -> None:
    clock.set(datetime(2027, 3, 2, 10, 10, tzinfo=UTC))
    notice = make_world(client, slot_step_minutes=30, min_notice_minutes=120)
    plain = make_world(client, slot_step_minutes=30)

    # Nothing in the past; with two hours' notice nothing before 12:10.
    assert clock_times(slots(client, plain, "2027-03-02")) == grid("10:30", "16:00", 30)
    assert clock_times(slots(client, notice, "2027-03-02")) == grid("12:30", "16:00", 30)
    assert clock_times(slots(client, notice, "2027-03-03")) == grid("09:00", "16:00", 30)

    problem(client.post(f"{API}/bookings", json=booking_body(notice, "2027-03-02T12:00:00Z")),
            422)
    problem(client.post(f"{API}/bookings", json=booking_body(plain, "2027-03-02T10:00:00Z")), 422)
    book(client, notice, "2027-03-02T12:30:00Z")


def test_horizon(client, clock) -> None:
    clock.set(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    world = make_world(client, slot_step_minutes=60, max_advance_days=7)

    found = slots(client, world, "2027-03-07", "2027-03-09")
    # Up to exactly seven days ahead: 2027-03-08 12:00 UTC.
    assert starts(found) == (_day("2027-03-07", range(9, 17), "+00:00")
                             + _day("2027-03-08", range(9, 13), "+00:00"))

    problem(client.post(f"{API}/bookings", json=booking_body(world, "2027-03-08T13:00:00Z")), 422)
    book(client, world, "2027-03-08T12:00:00Z")


def test_group_capacity_counts_seats(client) -> None:
    world = make_world(client, capacity=3, slot_step_minutes=60, hours=("09:00", "12:00"))
    assert world["service"]["capacity"] == 3

    def seats() -> list[tuple[str, int]]:
        return [(s["start"][11:16], s["seats_left"]) for s in slots(client, world, "2027-03-02")]

    assert seats() == [("09:00", 3), ("10:00", 3), ("11:00", 3)]
    book(client, world, "2027-03-02T10:00:00Z", customer={"name": "A", "email": "a@example.com"})
    assert seats() == [("09:00", 3), ("10:00", 2), ("11:00", 3)]
    book(client, world, "2027-03-02T10:00:00Z", customer={"name": "B", "email": "b@example.com"})
    assert seats() == [("09:00", 3), ("10:00", 1), ("11:00", 3)]
    last = book(client, world, "2027-03-02T10:00:00Z",
                customer={"name": "C", "email": "c@example.com"})
    assert seats() == [("09:00", 3), ("11:00", 3)]

    full = problem(client.post(f"{API}/bookings",
                               json=booking_body(world, "2027-03-02T10:00:00Z")), 409)
    assert full["type"].endswith("/slot-taken")

    # A cancelled seat is free again.
    ok(client.post(f"{API}/bookings/{last['id']}/cancel", params={"token": last["manage_token"]},
                   json={}))
    assert seats() == [("09:00", 3), ("10:00", 1), ("11:00", 3)]


def test_unknown_service_and_time_zone(client) -> None:
    world = make_world(client)
    day = {"start_date": "2027-03-02", "end_date": "2027-03-02"}
    problem(client.get(f"{API}/services/00000000-0000-4000-8000-000000000000/slots",
                       params=day), 404)
    body = problem(client.get(f"{API}/services/{world['service']['id']}/slots",
                              params={**day, "timezone": "Mars/Olympus_Mons"}), 422)
    assert body["errors"][0]["loc"] == ["query", "timezone"]
    # Without a time zone, the organization's is used.
    default = ok(client.get(f"{API}/services/{world['service']['id']}/slots", params=day))
    assert default["timezone"] == "Europe/London"
