"""GET /organizations/{id}/reports: exact numbers for a small seeded world, on both
backends; managers only; the range is checked."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tests.conftest import NOW
from tests.support import (
    API,
    login,
    make_org,
    make_provider,
    make_service,
    make_world,
    ok,
    problem,
    register,
    set_hours,
)

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


def _book(client, service, provider, start, **fields):  # type: ignore[no-untyped-def]
    body = {
        "service_id": service["id"],
        "provider_id": provider["id"],
        "start": start,
        "customer": {"name": "Guest", "email": "guest@example.com"},
        **fields,
    }
    return ok(client.post(f"{API}/bookings", json=body), 201)


def seed_world(client, clock) -> dict:  # type: ignore[no-untyped-def]
    """A Paris clinic (UTC+1 in early March 2027): Ada works 09:00-17:00 every day, Ben
    10:00-12:00 on weekdays with an hour off on Monday 8 March; bookings of each status."""
    owner = register(client)
    org = make_org(client, owner, timezone="Europe/Paris", currency="EUR")
    ada = make_provider(client, owner, org, name="Ada Arden", timezone="Europe/Paris")
    ben = make_provider(client, owner, org, name="Ben Brook", timezone="Europe/Paris")
    set_hours(client, owner, ada, "09:00", "17:00")
    set_hours(client, owner, ben, "10:00", "12:00", days=WEEKDAYS)
    off = {"start": "2027-03-08T09:00:00Z", "end": "2027-03-08T10:00:00Z"}
    ok(
        client.post(f"{API}/providers/{ben['id']}/time-off", json=off, headers=owner["headers"]),
        201,
    )
    cut = make_service(
        client,
        owner,
        org,
        [ada, ben],
        name="Cut",
        duration_minutes=60,
        price="50.00",
        duration_options=[60, 90],
        duration_prices={"90": "70.00"},
    )
    group = make_service(
        client, owner, org, [ben], name="Class", duration_minutes=60, price="20.00", capacity=3
    )
    consult = make_service(
        client,
        owner,
        org,
        [ada],
        name="Consult",
        duration_minutes=30,
        price="10.00",
        requires_approval=True,
    )
    headers = owner["headers"]
    _book(client, cut, ada, "2027-03-02T09:00:00Z")  # 10:00 Paris, confirmed
    cancelled = _book(client, cut, ada, "2027-03-02T13:00:00Z")
    ok(client.post(f"{API}/bookings/{cancelled['id']}/cancel", json={}, headers=headers))
    _book(client, cut, ada, "2027-03-09T09:00:00Z", duration_minutes=90)  # 70.00
    completed = _book(client, cut, ben, "2027-03-03T10:00:00Z")  # 11:00 Paris
    _book(client, group, ben, "2027-03-05T09:00:00Z")  # two seats of one class
    _book(client, group, ben, "2027-03-05T09:00:00Z")
    _book(client, consult, ada, "2027-03-04T14:00:00Z")  # requested
    missed = _book(client, cut, ada, "2027-03-10T15:00:00Z")  # 16:00 Paris
    _book(client, cut, ada, "2027-03-20T09:00:00Z")  # after the range
    clock.set(NOW + timedelta(days=10, hours=4))
    fresh = login(client, owner)
    ok(client.post(f"{API}/bookings/{completed['id']}/complete", headers=fresh))
    ok(client.post(f"{API}/bookings/{missed['id']}/no-show", headers=fresh))
    clock.set(NOW)
    # Another organization's booking in the same days is not counted.
    other = make_world(client, timezone="Europe/Paris")
    _book(client, other["service"], other["provider"], "2027-03-02T09:00:00Z")
    return {"owner": owner, "org": org, "ada": ada, "ben": ben}


def _report(client, world, status=200, headers=None, **params):  # type: ignore[no-untyped-def]
    response = client.get(
        f"{API}/organizations/{world['org']['id']}/reports",
        params=params,
        headers=login(client, world["owner"]) if headers is None else headers,
    )
    return ok(response, status) if status < 400 else problem(response, status)


def test_exact_numbers_for_two_weeks(client, clock) -> None:  # type: ignore[no-untyped-def]
    world = seed_world(client, clock)
    report = _report(client, world, start_date="2027-03-01", end_date="2027-03-14")
    assert (report["start_date"], report["end_date"]) == ("2027-03-01", "2027-03-14")
    assert (report["timezone"], report["currency"]) == ("Europe/Paris", "EUR")
    assert report["bookings_by_status"] == {
        "held": 0,
        "requested": 1,
        "time_suggested": 0,
        "confirmed": 4,
        "completed": 1,
        "no_show": 1,
        "cancelled": 1,
        "declined": 0,
        "expired": 0,
        "payment_failed": 0,
    }
    # Ada: 14 days x 8 h; 60 + 90 + 60 (the no-show kept her time) booked.
    # Ben: 10 weekdays x 2 h less an hour off; 60 + one class (two seats, one hour).
    assert report["utilisation"] == [
        {
            "provider_id": world["ada"]["id"],
            "name": "Ada Arden",
            "booked_minutes": 210,
            "available_minutes": 6720,
            "percent": "3.1",
        },
        {
            "provider_id": world["ben"]["id"],
            "name": "Ben Brook",
            "booked_minutes": 120,
            "available_minutes": 1140,
            "percent": "10.5",
        },
    ]
    hours = {h["hour"]: h["bookings"] for h in report["busiest_hours"]}
    assert len(report["busiest_hours"]) == 24
    assert {h: n for h, n in hours.items() if n} == {10: 4, 11: 1, 16: 1}
    assert report["revenue_by_week"] == [
        {"week_start": "2027-03-01", "revenue": "140.00", "revenue_minor": 14000},
        {"week_start": "2027-03-08", "revenue": "70.00", "revenue_minor": 7000},
    ]
    assert report["revenue_total"] == "210.00"


def test_default_range_is_thirty_days_either_side(client, clock) -> None:  # type: ignore[no-untyped-def]
    world = seed_world(client, clock)
    report = _report(client, world)
    assert (report["start_date"], report["end_date"]) == ("2027-01-30", "2027-03-31")
    assert report["bookings_by_status"]["confirmed"] == 5  # the 20 March one too
    assert report["revenue_total"] == "260.00"
    assert report["revenue_by_week"][0]["week_start"] == "2027-01-25"
    assert len(report["revenue_by_week"]) == 10


def test_an_empty_range_and_a_provider_without_hours(client) -> None:  # type: ignore[no-untyped-def]
    owner = register(client)
    org = make_org(client, owner, timezone="UTC")
    make_provider(client, owner, org, name="Nobody Yet")
    world = {"owner": owner, "org": org}
    report = _report(client, world, start_date="2027-03-01", end_date="2027-03-01")
    assert set(report["bookings_by_status"].values()) == {0}
    assert report["utilisation"][0]["available_minutes"] == 0
    assert report["utilisation"][0]["percent"] is None
    assert report["revenue_by_week"] == [
        {"week_start": "2027-03-01", "revenue": "0.00", "revenue_minor": 0}
    ]


def test_managers_only_and_the_range_is_checked(client) -> None:  # type: ignore[no-untyped-def]
    world = make_world(client)
    _report(client, world, 401, headers={})
    _report(client, world, 403, headers=register(client)["headers"])
    provider_user = register(client)
    ok(
        client.put(
            f"{API}/providers/{world['provider']['id']}/account",
            json={"user_id": provider_user["id"]},
            headers=world["owner"]["headers"],
        )
    )
    _report(client, world, 403, headers=provider_user["headers"])
    missing = {"owner": world["owner"], "org": {"id": str(uuid.uuid4())}}
    _report(client, missing, 404)
    _report(client, world, 422, start_date="2027-03-02", end_date="2027-03-01")
    _report(client, world, 422, start_date="2027-01-01", end_date="2028-01-02")
    _report(client, world, 422, start_date="2027-02-30")
    _report(client, world, 422, start_date="0001-01-01")
