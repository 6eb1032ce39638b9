"""Weekly hours, date overrides, time off and buffers remove exactly the times they cover."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support import (
    API,
    book,
    clock_times,
    grid,
    make_service,
    make_world,
    ok,
    slots,
)

DAY = "2027-03-03"  # a Wednesday, GMT: local times equal UTC


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _without(times: list[str], *removed: str) -> list[str]:
    assert set(removed) <= set(times)
    return [t for t in times if t not in removed]


def test_weekly_hours_replace_all_and_read_back(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    provider, owner = world["provider"], world["owner"]
    url = f"{API}/providers/{provider['id']}/weekly-hours"

    body = [{"day": "wednesday", "start": "14:00", "end": "16:00"},
            {"day": "monday", "start": "09:00", "end": "10:00"},
            {"day": "wednesday", "start": "08:00", "end": "10:00"}]
    saved = ok(client.put(url, json=body, headers=owner["headers"]))
    expected = [{"day": "monday", "start": "09:00", "end": "10:00"},
                {"day": "wednesday", "start": "08:00", "end": "10:00"},
                {"day": "wednesday", "start": "14:00", "end": "16:00"}]
    assert saved == expected
    assert ok(client.get(url)) == expected

    # Several windows a day; the old Monday-to-Sunday 09-17 hours are gone.
    assert clock_times(slots(client, world, DAY)) == ["08:00", "09:00", "14:00", "15:00"]
    assert slots(client, world, "2027-03-02") == []  # Tuesday: no window any more
    assert clock_times(slots(client, world, "2027-03-08")) == ["09:00"]

    # An empty list clears the week.
    assert ok(client.put(url, json=[], headers=owner["headers"])) == []
    assert slots(client, world, "2027-03-01", "2027-03-14") == []


def test_window_until_midnight(client) -> None:
    world = make_world(client, slot_step_minutes=60, hours=("20:00", "24:00"))
    assert clock_times(slots(client, world, DAY)) == ["20:00", "21:00", "22:00", "23:00"]


def test_date_override_replaces_that_day_only(client) -> None:
    world = make_world(client, slot_step_minutes=30)
    provider, owner = world["provider"], world["owner"]
    url = f"{API}/providers/{provider['id']}/date-overrides"

    created = ok(client.post(url, json={"date": DAY, "windows": [
        {"start": "14:00", "end": "15:00"}, {"start": "10:00", "end": "12:00"}]},
        headers=owner["headers"]), 201)
    assert created["date"] == DAY and created["provider_id"] == provider["id"]
    assert created["windows"] == [{"start": "10:00", "end": "12:00"},
                                  {"start": "14:00", "end": "15:00"}]

    assert clock_times(slots(client, world, DAY)) == ["10:00", "10:30", "11:00", "14:00"]
    assert clock_times(slots(client, world, "2027-03-04")) == grid("09:00", "16:00", 30)

    # Posting the same date again replaces it: extra hours on that day (an evening).
    again = ok(client.post(url, json={"date": DAY, "windows": [
        {"start": "18:00", "end": "20:00"}]}, headers=owner["headers"]), 201)
    assert again["id"] == created["id"]
    assert clock_times(slots(client, world, DAY)) == ["18:00", "18:30", "19:00"]
    listed = ok(client.get(url, params={"from": DAY, "to": DAY}))
    assert [(o["date"], o["windows"]) for o in listed] == [
        (DAY, [{"start": "18:00", "end": "20:00"}])]


def test_time_off_removes_exactly_what_it_covers(client) -> None:
    world = make_world(client, slot_step_minutes=30)
    provider, owner = world["provider"], world["owner"]
    full_day = grid("09:00", "16:00", 30)

    # Written with an offset: 13:00+01:00 is 12:00 UTC.
    off = ok(client.post(f"{API}/providers/{provider['id']}/time-off",
                         json={"start": f"{DAY}T13:00:00+01:00", "end": f"{DAY}T13:30:00Z",
                               "reason": "dentist"},
                         headers=owner["headers"]), 201)
    assert (_utc(off["start"]), _utc(off["end"]), off["reason"]) == (
        datetime(2027, 3, 3, 12, 0, tzinfo=UTC), datetime(2027, 3, 3, 13, 30, tzinfo=UTC),
        "dentist")

    # 60-minute sessions overlapping 12:00-13:30 start at 11:30, 12:00, 12:30 or 13:00.
    assert clock_times(slots(client, world, DAY)) == _without(
        full_day, "11:30", "12:00", "12:30", "13:00")
    assert clock_times(slots(client, world, "2027-03-04")) == full_day

    listed = ok(client.get(f"{API}/providers/{provider['id']}/time-off",
                           headers=owner["headers"]))
    assert [(t["id"], t["start"], t["end"]) for t in listed] == [
        (off["id"], f"{DAY}T12:00:00Z", f"{DAY}T13:30:00Z")]


def test_time_off_across_midnight(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    ok(client.post(f"{API}/providers/{world['provider']['id']}/time-off",
                   json={"start": f"{DAY}T15:00:00Z", "end": "2027-03-04T10:00:00Z"},
                   headers=world["owner"]["headers"]), 201)
    found = slots(client, world, DAY, "2027-03-04")
    assert [s["start"][:16] for s in found] == (
        [f"{DAY}T{t}" for t in grid("09:00", "14:00", 60)]
        + [f"2027-03-04T{t}" for t in grid("10:00", "16:00", 60)])


def test_buffers_keep_room_around_bookings(client) -> None:
    world = make_world(client, slot_step_minutes=30, buffer_before_minutes=15,
                       buffer_after_minutes=15)
    # The first start needs 15 minutes of window before it, the last 15 minutes after.
    empty_day = grid("09:30", "15:30", 30)
    assert clock_times(slots(client, world, DAY)) == empty_day

    booking = book(client, world, f"{DAY}T12:00:00Z")
    assert (booking["start"], booking["end"]) == (f"{DAY}T12:00:00Z", f"{DAY}T13:00:00Z")
    # It keeps 11:45-13:15 busy; a candidate keeps [start-15, start+75) busy.
    assert clock_times(slots(client, world, DAY)) == _without(
        empty_day, "11:00", "11:30", "12:00", "12:30", "13:00")

    # Another service of the same provider, without buffers, respects that booking's buffers.
    other = make_service(client, world["owner"], world["org"], [world["provider"]])
    other_world = {**world, "service": other}
    assert clock_times(slots(client, other_world, DAY)) == (
        grid("09:00", "10:45", 15) + grid("13:15", "16:00", 15))
