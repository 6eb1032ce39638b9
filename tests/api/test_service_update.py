"""PATCH /services/{id}: managers change a service; the fields sent are checked with the
rest like a new service; bookings made before keep their times and prices."""

from __future__ import annotations

import uuid

from tests.support import (
    API,
    book,
    make_org,
    make_provider,
    make_world,
    ok,
    problem,
    register,
)

DAY = "2027-03-03"  # a Wednesday after the tests' "now"


def _patch(client, world, status=200, headers=None, **body):  # type: ignore[no-untyped-def]
    response = client.patch(
        f"{API}/services/{world['service']['id']}",
        json=body,
        headers=world["owner"]["headers"] if headers is None else headers,
    )
    return ok(response, status) if status < 400 else problem(response, status)


def test_a_manager_changes_some_fields_and_the_rest_stay(client) -> None:
    world = make_world(client, timezone="UTC", price="50.00", capacity=1)
    out = _patch(
        client,
        world,
        name="Long massage",
        price="65.50",
        buffer_after_minutes=10,
        requires_approval=True,
        free_cancellation_hours=48,
        late_refund_percent=50,
        reschedule_cutoff_hours=6,
    )
    assert (out["name"], out["price"], out["buffer_after_minutes"]) == ("Long massage", "65.50", 10)
    assert (out["requires_approval"], out["free_cancellation_hours"]) == (True, 48)
    assert (out["late_refund_percent"], out["reschedule_cutoff_hours"]) == (50, 6)
    assert (out["duration_minutes"], out["capacity"], out["slot_step_minutes"]) == (60, 1, 15)
    assert out["provider_ids"] == [world["provider"]["id"]]
    assert ok(client.get(f"{API}/services/{world['service']['id']}")) == out
    quote = ok(client.post(f"{API}/quotes", json={"service_id": world["service"]["id"]}))
    assert quote["total"] == "65.50"


def test_durations_and_their_prices(client) -> None:
    world = make_world(
        client,
        timezone="UTC",
        price="100.00",
        duration_options=[60, 90],
        duration_prices={"90": "140.00"},
    )
    # A new default duration: the old default is no longer implied; 90 keeps its price.
    out = _patch(client, world, duration_minutes=30, duration_options=[30, 90])
    assert (out["duration_minutes"], out["duration_options"]) == (30, [30, 90])
    assert out["duration_prices"] == {"90": "140.00"}
    # Dropping 90 drops its price too.
    out = _patch(client, world, duration_options=None)
    assert (out["duration_options"], out["duration_prices"]) == ([30], None)
    out = _patch(client, world, duration_options=[30, 45], duration_prices={"45": "70.00"})
    assert out["duration_prices"] == {"45": "70.00"}
    quote = ok(
        client.post(
            f"{API}/quotes", json={"service_id": world["service"]["id"], "duration_minutes": 45}
        )
    )
    assert quote["total"] == "70.00"
    body = _patch(client, world, 422, duration_prices={"60": "1.00"})
    assert "duration_prices" in body["detail"]


def test_providers_are_replaced_with_providers_of_the_same_organization(client) -> None:
    world = make_world(client, timezone="UTC")
    second = make_provider(client, world["owner"], world["org"])
    out = _patch(client, world, provider_ids=[second["id"]])
    assert out["provider_ids"] == [second["id"]]
    listed = ok(client.get(f"{API}/organizations/{world['org']['id']}/services"))
    assert listed[0]["provider_ids"] == [second["id"]]
    # The first provider no longer offers it.
    query = {
        "start_date": DAY,
        "end_date": DAY,
        "timezone": "UTC",
        "provider_id": world["provider"]["id"],
    }
    problem(client.get(f"{API}/services/{world['service']['id']}/slots", params=query), 404)

    other_owner = register(client)
    other_org = make_org(client, other_owner)
    stranger = make_provider(client, other_owner, other_org)
    body = _patch(client, world, 422, provider_ids=[stranger["id"]])
    assert stranger["id"] in body["detail"]
    _patch(client, world, 422, provider_ids=[second["id"], second["id"]])
    _patch(client, world, 422, provider_ids=[])
    assert ok(client.get(f"{API}/services/{world['service']['id']}"))["provider_ids"] == [
        second["id"]
    ]


def test_bad_values_are_422_and_change_nothing(client) -> None:
    world = make_world(client, timezone="UTC", price="50.00")
    for body in (
        {"name": None},
        {"name": ""},
        {"price": "-1"},
        {"price": "12.345"},  # EUR has two decimals
        {"price": "99999999999"},
        {"capacity": 0},
        {"duration_minutes": 3},
        {"slot_step_minutes": None},
        {"late_refund_percent": 101},
        {"unknown": 1},
    ):
        _patch(client, world, 422, **body)
    assert ok(client.get(f"{API}/services/{world['service']['id']}"))["price"] == "50.00"


def test_only_managers_of_its_organization(client) -> None:
    world = make_world(client, timezone="UTC")
    _patch(client, world, 401, headers={}, name="x")
    stranger = register(client)
    _patch(client, world, 403, headers=stranger["headers"], name="x")
    other = make_world(client)
    _patch(client, world, 403, headers=other["owner"]["headers"], name="x")
    response = client.patch(
        f"{API}/services/{uuid.uuid4()}", json={"name": "x"}, headers=world["owner"]["headers"]
    )
    problem(response, 404)
    problem(client.patch(f"{API}/services/nope", json={}, headers=world["owner"]["headers"]), 422)


def test_bookings_keep_their_times_and_prices(client) -> None:
    world = make_world(client, timezone="UTC", price="50.00", duration_options=[60, 90])
    before = book(client, world, f"{DAY}T10:00:00Z", duration_minutes=90)
    second = make_provider(client, world["owner"], world["org"], timezone="UTC")
    _patch(
        client,
        world,
        price="80.00",
        duration_minutes=30,
        duration_options=None,
        buffer_before_minutes=30,
        provider_ids=[second["id"]],
    )
    after = ok(client.get(f"{API}/bookings/{before['id']}", headers=world["owner"]["headers"]))
    for key in ("start", "end", "price", "status", "provider_id"):
        assert after[key] == before[key], key
    assert after["price"] == "50.00"
    assert after["end"].startswith(f"{DAY}T11:30")
