"""Recurring series: weekly sessions at the same local time, booked all at once.

A mentor in London works 09:00-17:00 on weekdays; weekly 60-minute sessions on Wednesdays
at 10:00 London time, across the switch to summer time on 28 March 2027.
"""

from __future__ import annotations

from tests.support import (
    API,
    book,
    booking_body,
    login,
    make_world,
    ok,
    problem,
    register,
    slots,
    starts,
)

FIRST = "2027-03-03T10:00:00Z"  # a Wednesday, 10:00 London (GMT)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


def _mentor(client, **fields) -> dict:  # type: ignore[no-untyped-def]
    return make_world(client, days=WEEKDAYS, slot_step_minutes=60, **fields)


def _series(client, world: dict, headers: dict | None = None, **fields) -> dict:  # type: ignore[no-untyped-def]
    body = {**booking_body(world, FIRST), "count": 6, **fields}
    return client.post(f"{API}/series", json=body, headers=headers)


def test_weekly_series_keeps_the_local_time_across_summer_time(client) -> None:
    world = _mentor(client)
    series = ok(_series(client, world), 201)
    assert series["every_weeks"] == 1 and series["count"] == 6
    assert series["local_time"] == "10:00" and series["timezone"] == "Europe/London"
    assert series["clashes"] == []
    occurrences = series["occurrences"]
    assert [o["start"] for o in occurrences] == [
        "2027-03-03T10:00:00Z", "2027-03-10T10:00:00Z", "2027-03-17T10:00:00Z",
        "2027-03-24T10:00:00Z", "2027-03-31T09:00:00Z", "2027-04-07T09:00:00Z"]
    assert [o["series_index"] for o in occurrences] == list(range(6))
    assert {o["series_id"] for o in occurrences} == {series["id"]}
    assert {o["status"] for o in occurrences} == {"confirmed"}
    # Every occurrence is taken on the calendar.
    assert "2027-03-31T10:00:00+01:00" not in starts(
        slots(client, world, "2027-03-31", timezone="Europe/London"))
    # One manage token for a guest's series works on the series and every occurrence.
    token = series["manage_token"]
    shown = ok(client.get(f"{API}/series/{series['id']}", params={"token": token}))
    assert [o["id"] for o in shown["occurrences"]] == [o["id"] for o in occurrences]
    assert shown["manage_token"] is None
    ok(client.get(f"{API}/bookings/{occurrences[4]['id']}", params={"token": token}))
    problem(client.get(f"{API}/series/{series['id']}"), 401)
    problem(client.get(f"{API}/series/{series['id']}", params={"token": "x" * 40}), 403)


def test_every_other_week_until_a_date(client) -> None:
    world = _mentor(client)
    series = ok(_series(client, world, count=None, until="2027-04-14", every_weeks=2), 201)
    assert [o["start"][:10] for o in series["occurrences"]] == [
        "2027-03-03", "2027-03-17", "2027-03-31", "2027-04-14"]
    assert series["until"] == "2027-04-14" and series["count"] is None


def test_all_or_nothing_books_nothing_when_one_occurrence_is_taken(client) -> None:
    world = _mentor(client)
    book(client, world, "2027-03-17T10:00:00Z")
    refused = problem(_series(client, world), 409)
    assert refused["clashes"] == ["2027-03-17T10:00:00+00:00"]
    assert "2027-03-10T10:00:00+00:00" in starts(slots(client, world, "2027-03-10"))
    # Book what is free: every occurrence but the taken one, and the clash reported.
    series = ok(_series(client, world, mode="book_free"), 201)
    assert len(series["occurrences"]) == 5
    assert series["clashes"] == ["2027-03-17T10:00:00Z"]
    assert [o["series_index"] for o in series["occurrences"]] == [0, 1, 3, 4, 5]


def test_an_occurrence_outside_the_hours_is_a_clash(client) -> None:
    world = _mentor(client)
    ok(client.post(f"{API}/providers/{world['provider']['id']}/date-overrides",
                   headers=world["owner"]["headers"], json={"date": "2027-03-24", "windows": []}),
       201)
    series = ok(_series(client, world, mode="book_free"), 201)
    assert series["clashes"] == ["2027-03-24T10:00:00Z"]
    # Nothing free at all is refused in both modes.
    problem(_series(client, world, mode="book_free", start="2027-03-06T10:00:00Z",
                    count=2), 409)  # Saturdays: the mentor does not work


def test_cancel_one_occurrence_or_this_and_following(client) -> None:
    world = _mentor(client)
    customer = register(client)
    headers = login(client, customer)
    series = ok(_series(client, world, headers=headers, customer=None), 201)
    assert series["manage_token"] is None
    ids = [o["id"] for o in series["occurrences"]]
    one = ok(client.post(f"{API}/bookings/{ids[1]}/cancel", headers=headers,
                         json={"reason": "away that week"}))
    assert one["status"] == "cancelled"
    rest = ok(client.post(f"{API}/bookings/{ids[3]}/cancel", headers=headers,
                          json={"reason": "course finished", "scope": "this_and_following"}))
    assert rest["status"] == "cancelled"
    shown = ok(client.get(f"{API}/series/{series['id']}", headers=headers))
    assert [o["status"] for o in shown["occurrences"]] == [
        "confirmed", "cancelled", "confirmed", "cancelled", "cancelled", "cancelled"]
    history = ok(client.get(f"{API}/bookings/{ids[4]}/history", headers=headers))
    assert [(e["from_status"], e["to_status"], e["actor"], e["reason"]) for e in history] == [
        (None, "confirmed", "customer", "occurrence 5 of 6 of a weekly series"),
        ("confirmed", "cancelled", "customer", "course finished")]
    # The freed times are offered again.
    assert "2027-03-31T10:00:00+01:00" in starts(slots(client, world, "2027-03-31"))
    # A booking outside any series has no "following".
    single = book(client, world, "2027-03-04T10:00:00Z")
    problem(client.post(f"{API}/bookings/{single['id']}/cancel",
                        params={"token": single["manage_token"]},
                        json={"scope": "this_and_following"}), 422)


def test_series_of_an_approval_service_is_a_run_of_requests(client) -> None:
    world = _mentor(client, requires_approval=True)
    series = ok(_series(client, world, count=3), 201)
    assert {o["status"] for o in series["occurrences"]} == {"requested"}
    first, second, third = (o["id"] for o in series["occurrences"])
    owner, token = world["owner"]["headers"], {"token": series["manage_token"]}
    ok(client.post(f"{API}/bookings/{first}/confirm", headers=owner))
    ok(client.post(f"{API}/bookings/{third}/suggest-times", headers=owner,
                   json={"starts": ["2027-03-17T14:00:00Z"]}))
    # This and following ends whatever is still on: a request, offered times.
    ok(client.post(f"{API}/bookings/{second}/cancel", params=token,
                   json={"scope": "this_and_following"}))
    shown = ok(client.get(f"{API}/series/{series['id']}", params=token))
    assert [o["status"] for o in shown["occurrences"]] == ["confirmed", "cancelled", "cancelled"]
    # Cancelling what is already cancelled is refused, whatever the scope.
    problem(client.post(f"{API}/bookings/{second}/cancel", params=token,
                        json={"scope": "this_and_following"}), 409)


def test_series_refusals(client) -> None:
    world = _mentor(client)
    other = register(client)
    cases = [
        ({"count": None}, 422),  # neither count nor until
        ({"until": "2027-04-01"}, 422),  # both
        ({"count": 105}, 422),
        ({"count": 0}, 422),
        ({"every_weeks": 0}, 422),
        ({"mode": "some"}, 422),
        ({"count": None, "until": "2027-03-01"}, 422),  # until before the first date
        ({"count": None, "until": "2031-01-01"}, 422),  # more than 104 occurrences
        ({"start": "2027-03-03T10:00:00"}, 422),  # no zone
        ({"service_id": "00000000-0000-0000-0000-000000000000"}, 404),
        ({"customer": None}, 422),  # a guest must say who they are
    ]
    for fields, status in cases:
        problem(_series(client, world, **fields), status)
    series = ok(_series(client, world), 201)
    problem(client.get(f"{API}/series/{series['id']}", headers=login(client, other)), 403)
    problem(client.get(f"{API}/series/00000000-0000-0000-0000-000000000000",
                       headers=login(client, other)), 404)
    owner = ok(client.get(f"{API}/series/{series['id']}", headers=world["owner"]["headers"]))
    assert len(owner["occurrences"]) == 6


def test_occurrences_beyond_the_booking_horizon_are_clashes(client) -> None:
    world = _mentor(client)  # bookable 90 days ahead
    series = ok(_series(client, world, count=104, every_weeks=52, mode="book_free"), 201)
    assert [o["start"] for o in series["occurrences"]] == [FIRST]
    assert len(series["clashes"]) == 103
    problem(_series(client, world, count=104, every_weeks=52, start="2027-03-10T10:00:00Z"), 409)
