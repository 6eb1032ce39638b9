"""Changing and removing locations and providers: PATCH/DELETE /locations/{id}, PATCH and
DELETE /providers/{id}. Managers of the organization only; fields checked like creation;
a provider with bookings is never removed (their history would go with them)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support import (
    API,
    book,
    make_location,
    make_org,
    make_provider,
    make_world,
    ok,
    problem,
    register,
)

START = "2027-03-03T10:00:00Z"  # a Wednesday after the tests' "now"


def _location_world(client: Any) -> dict:
    owner = register(client)
    org = make_org(client, owner, timezone="Europe/Paris")
    location = make_location(client, owner, org, name="Rive Gauche", city="Paris")
    provider = make_provider(client, owner, org, location_ids=[location["id"]])
    return {"owner": owner, "org": org, "location": location, "provider": provider}


def _org_locations(client: Any, world: dict) -> list[dict]:
    return ok(client.get(f"{API}/organizations/{world['org']['id']}"))["locations"]


def _provider(client: Any, world: dict, provider: dict | None = None) -> dict:
    pid = (provider or world["provider"])["id"]
    return ok(client.get(f"{API}/providers/{pid}", headers=world["owner"]["headers"]))


# --- locations -------------------------------------------------------------------------


def test_a_manager_changes_a_location_and_the_rest_stays(client) -> None:
    world = _location_world(client)
    url = f"{API}/locations/{world['location']['id']}"
    out = ok(
        client.patch(
            url,
            json={"name": "  Marais  ", "address": "3 rue des Archives"},
            headers=world["owner"]["headers"],
        )
    )
    assert out == {
        **world["location"],
        "name": "Marais",
        "address": "3 rue des Archives",
    }
    assert _org_locations(client, world) == [out]
    out = ok(
        client.patch(
            url,
            json={"address": None, "city": "Lyon", "timezone": "Europe/Berlin"},
            headers=world["owner"]["headers"],
        )
    )
    assert (out["address"], out["city"], out["timezone"]) == (None, "Lyon", "Europe/Berlin")
    found = ok(client.get(f"{API}/organizations", params={"city": "Lyon"}))
    assert world["org"]["id"] in [o["id"] for o in found]


def test_bad_location_changes_are_422_and_change_nothing(client) -> None:
    world = _location_world(client)
    url = f"{API}/locations/{world['location']['id']}"
    for body in (
        {"name": None},
        {"name": ""},
        {"city": None},
        {"city": "x" * 201},
        {"address": "x" * 501},
        {"timezone": "Mars/Olympus"},
        {"timezone": None},
        {"name": "a\x00b"},
        {"organization_id": str(uuid.uuid4())},
        {"name": 7},
    ):
        problem(client.patch(url, json=body, headers=world["owner"]["headers"]), 422)
    problem(client.patch(url, content=b"{", headers=world["owner"]["headers"]), 422)
    assert _org_locations(client, world) == [world["location"]]


def test_only_managers_change_or_remove_a_location(client) -> None:
    world = _location_world(client)
    url = f"{API}/locations/{world['location']['id']}"
    problem(client.patch(url, json={"name": "Mine"}), 401)
    problem(client.delete(url), 401)
    stranger = register(client)
    problem(client.patch(url, json={"name": "Mine"}, headers=stranger["headers"]), 403)
    problem(client.delete(url, headers=stranger["headers"]), 403)
    for missing in (f"{API}/locations/{uuid.uuid4()}",):
        problem(client.patch(missing, json={"name": "x"}, headers=world["owner"]["headers"]), 404)
        problem(client.delete(missing, headers=world["owner"]["headers"]), 404)
    problem(client.delete(f"{API}/locations/nope", headers=world["owner"]["headers"]), 422)
    assert _org_locations(client, world) == [world["location"]]


def test_removing_a_location_unlinks_its_providers(client) -> None:
    world = _location_world(client)
    url = f"{API}/locations/{world['location']['id']}"
    response = client.delete(url, headers=world["owner"]["headers"])
    assert response.status_code == 204 and response.content == b""
    assert _org_locations(client, world) == []
    assert _provider(client, world)["location_ids"] == []
    problem(client.delete(url, headers=world["owner"]["headers"]), 404)


# --- providers -------------------------------------------------------------------------


def test_a_manager_changes_a_provider(client) -> None:
    world = _location_world(client)
    second = make_location(client, world["owner"], world["org"], city="Lyon")
    url = f"{API}/providers/{world['provider']['id']}"
    out = ok(
        client.patch(
            url,
            json={
                "name": " Camille Roux ",
                "email": "Camille@Example.com",
                "location_ids": [second["id"], second["id"]],
                "visibility": "connected",
            },
            headers=world["owner"]["headers"],
        )
    )
    assert (out["name"], out["email"], out["visibility"]) == (
        "Camille Roux",
        "camille@example.com",
        "connected",
    )
    assert out["location_ids"] == [second["id"]]
    assert out["timezone"] == "Europe/Paris"
    out = ok(
        client.patch(
            url, json={"email": None, "location_ids": []}, headers=world["owner"]["headers"]
        )
    )
    assert (out["email"], out["location_ids"], out["name"]) == (None, [], "Camille Roux")
    assert _provider(client, world) == {**out, "email": None}


def test_bad_provider_changes_are_422_and_change_nothing(client) -> None:
    world = _location_world(client)
    url = f"{API}/providers/{world['provider']['id']}"
    before = _provider(client, world)
    other_owner = register(client)
    foreign = make_location(client, other_owner, make_org(client, other_owner))
    for body in (
        {"name": None},
        {"name": ""},
        {"timezone": "Nowhere/Town"},
        {"timezone": None},
        {"email": "not-an-email"},
        {"location_ids": None},
        {"location_ids": ["nope"]},
        {"location_ids": [foreign["id"]]},
        {"location_ids": [str(uuid.uuid4())]},
        {"visibility": "secret"},
        {"visibility": None},
        {"user_id": str(uuid.uuid4())},
    ):
        body_out = problem(client.patch(url, json=body, headers=world["owner"]["headers"]), 422)
        assert body_out["detail"]
    assert _provider(client, world) == before


def test_only_managers_change_or_remove_a_provider(client) -> None:
    world = _location_world(client)
    url = f"{API}/providers/{world['provider']['id']}"
    problem(client.patch(url, json={"name": "Mine"}), 401)
    problem(client.delete(url), 401)
    stranger = register(client)
    problem(client.patch(url, json={"name": "Mine"}, headers=stranger["headers"]), 403)
    problem(client.delete(url, headers=stranger["headers"]), 403)
    missing = f"{API}/providers/{uuid.uuid4()}"
    problem(client.patch(missing, json={"name": "x"}, headers=world["owner"]["headers"]), 404)
    problem(client.delete(missing, headers=world["owner"]["headers"]), 404)
    # A private provider is hidden from strangers: 404 as if unknown.
    private = make_provider(client, world["owner"], world["org"], visibility="private")
    hidden = f"{API}/providers/{private['id']}"
    problem(client.delete(hidden, headers=stranger["headers"]), 404)
    assert _provider(client, world)["name"] == world["provider"]["name"]
    assert _provider(client, world, private)["name"] == private["name"]


def test_a_provider_never_booked_is_removed_one_with_bookings_is_refused(client) -> None:
    world = make_world(client, timezone="UTC")
    headers = world["owner"]["headers"]
    booked = f"{API}/providers/{world['provider']['id']}"
    booking = book(client, world, START)
    # Even a cancelled booking is history.
    ok(
        client.post(
            f"{API}/bookings/{booking['id']}/cancel",
            json={"reason": "changed plans"},
            headers=headers,
        )
    )
    body = problem(client.delete(booked, headers=headers), 409)
    assert "has bookings" in body["detail"]
    assert ok(client.get(f"{API}/bookings/{booking['id']}", headers=headers))["status"] == (
        "cancelled"
    )
    assert ok(client.get(booked, headers=headers))["id"] == world["provider"]["id"]

    fresh = make_provider(client, world["owner"], world["org"])
    response = client.delete(f"{API}/providers/{fresh['id']}", headers=headers)
    assert response.status_code == 204
    problem(client.get(f"{API}/providers/{fresh['id']}", headers=headers), 404)
    listed = ok(client.get(f"{API}/organizations/{world['org']['id']}/providers"))
    assert [p["id"] for p in listed] == [world["provider"]["id"]]


def test_a_new_time_zone_does_not_move_existing_bookings(client) -> None:
    world = make_world(client, timezone="Europe/London")
    headers = world["owner"]["headers"]
    booking = book(client, world, START)
    out = ok(
        client.patch(
            f"{API}/providers/{world['provider']['id']}",
            json={"timezone": "America/New_York"},
            headers=headers,
        )
    )
    assert out["timezone"] == "America/New_York"
    after = ok(client.get(f"{API}/bookings/{booking['id']}", headers=headers))
    assert (after["start"], after["end"]) == (booking["start"], booking["end"])
    assert after["start"].startswith("2027-03-03T10:00:00")
