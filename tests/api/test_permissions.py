"""Who may do what: guests with their manage token, customers, providers, organization
owners, strangers and anonymous callers."""

from __future__ import annotations

import pytest

from tests.support import (
    API,
    book,
    make_location,
    make_org,
    make_provider,
    make_service,
    make_world,
    ok,
    problem,
    register,
)

DAY = "2027-03-03"
MISSING = "00000000-0000-4000-8000-000000000000"


def _history(client, booking: dict, **auth) -> list[tuple]:
    events = ok(client.get(f"{API}/bookings/{booking['id']}/history", **auth))
    return [(e["from_status"], e["to_status"], e["actor"], e["reason"]) for e in events]


def test_guest_manages_a_booking_with_the_token(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    booking = book(client, world, f"{DAY}T10:00:00Z")
    url = f"{API}/bookings/{booking['id']}"
    token = {"token": booking["manage_token"]}

    assert ok(client.get(url, params=token))["status"] == "confirmed"
    assert problem(client.get(url), 401)["type"].endswith("/unauthorized")
    assert problem(client.get(url, params={"token": "x" * 43}), 403)["type"].endswith("/forbidden")
    problem(client.get(url, headers=register(client)["headers"]), 403)
    problem(client.get(f"{url}/history"), 401)
    problem(client.get(f"{url}/history", params={"token": "wrong"}), 403)
    # Another booking's token does not open this one.
    other = book(client, world, f"{DAY}T11:00:00Z")
    problem(client.get(url, params={"token": other["manage_token"]}), 403)
    # The organization's owner can read it.
    assert ok(client.get(url, headers=world["owner"]["headers"]))["id"] == booking["id"]

    # Nobody else can cancel it.
    problem(client.post(f"{url}/cancel"), 401)
    problem(client.post(f"{url}/cancel", params={"token": "wrong"}), 403)
    problem(client.post(f"{url}/cancel", headers=register(client)["headers"]), 403)

    cancelled = ok(client.post(f"{url}/cancel", params=token, json={"reason": "ill"}))
    assert cancelled["status"] == "cancelled"
    twice = problem(client.post(f"{url}/cancel", params=token), 409)
    assert twice["type"].endswith("/invalid-transition")

    assert _history(client, booking, params=token) == [
        (None, "confirmed", "guest", None), ("confirmed", "cancelled", "guest", "ill")]
    events = ok(client.get(f"{url}/history", headers=world["owner"]["headers"]))
    assert [e["at"] for e in events] == ["2027-03-01T08:00:00Z"] * 2


def test_provider_with_an_account_manages_their_own_calendar(client) -> None:
    owner = register(client)
    org = make_org(client, owner)
    person = register(client)
    provider = make_provider(client, owner, org, email=person["email"])
    service = make_service(client, owner, org, [provider], slot_step_minutes=60)
    world = {"owner": owner, "org": org, "provider": provider, "service": service}
    # An email proves nothing (anyone may register it first): no link until a manager
    # links the account the person gave them.
    assert ok(client.get(f"{API}/me", headers=person["headers"]))["provider_ids"] == []
    problem(client.put(f"{API}/providers/{provider['id']}/account",
                       json={"user_id": person["id"]}, headers=person["headers"]), 403)
    ok(client.put(f"{API}/providers/{provider['id']}/account", json={"user_id": person["id"]},
                  headers=owner["headers"]))

    me = ok(client.get(f"{API}/me", headers=person["headers"]))
    assert me["provider_ids"] == [provider["id"]]
    assert me["organizations"] == []

    # Their own availability: yes.
    ok(client.put(f"{API}/providers/{provider['id']}/weekly-hours",
                  json=[{"day": "wednesday", "start": "09:00", "end": "12:00"}],
                  headers=person["headers"]))
    ok(client.post(f"{API}/providers/{provider['id']}/time-off",
                   json={"start": f"{DAY}T11:00:00Z", "end": f"{DAY}T12:00:00Z"},
                   headers=person["headers"]), 201)
    # The organization's catalog: no.
    problem(client.post(f"{API}/organizations/{org['id']}/services",
                        json={"name": "Mine", "duration_minutes": 30, "price": "1.00",
                              "provider_ids": [provider["id"]]},
                        headers=person["headers"]), 403)
    # Someone else's availability: no.
    colleague = make_provider(client, owner, org)
    problem(client.put(f"{API}/providers/{colleague['id']}/weekly-hours", json=[],
                       headers=person["headers"]), 403)

    booking = book(client, world, f"{DAY}T09:00:00Z")
    seen = ok(client.get(f"{API}/bookings", headers=person["headers"]))
    assert [b["id"] for b in seen] == [booking["id"]]
    cancelled = ok(client.post(f"{API}/bookings/{booking['id']}/cancel",
                               headers=person["headers"], json={"reason": "sick"}))
    assert cancelled["cancelled_by"] == "provider"
    assert _history(client, booking, headers=person["headers"])[-1] == (
        "confirmed", "cancelled", "provider", "sick")


def _stranger_requests(world: dict) -> list[tuple[str, str, object]]:
    org, provider = world["org"]["id"], world["provider"]["id"]
    return [
        ("POST", f"/organizations/{org}/locations", {"name": "Annex", "city": "Leeds"}),
        ("POST", f"/organizations/{org}/providers", {"name": "Mole", "timezone": "UTC"}),
        ("POST", f"/organizations/{org}/services",
         {"name": "Free", "duration_minutes": 30, "price": "0.00", "provider_ids": [provider]}),
        ("PUT", f"/providers/{provider}/weekly-hours",
         [{"day": "monday", "start": "00:00", "end": "24:00"}]),
        ("POST", f"/providers/{provider}/date-overrides", {"date": DAY, "windows": []}),
        ("POST", f"/providers/{provider}/time-off",
         {"start": f"{DAY}T00:00:00Z", "end": f"{DAY}T23:00:00Z"}),
        ("GET", f"/providers/{provider}/time-off", None),
    ]


def test_strangers_are_forbidden_and_nothing_changes(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    stranger = register(client)
    make_org(client, stranger)  # owning another organization does not help
    before = ok(client.get(f"{API}/services/{world['service']['id']}/slots",
                           params={"start_date": DAY, "end_date": DAY}))

    for method, path, body in _stranger_requests(world):
        response = client.request(method, API + path, json=body, headers=stranger["headers"])
        assert problem(response, 403)["type"].endswith("/forbidden"), (method, path)
        problem(client.request(method, API + path, json=body), 401)

    org = ok(client.get(f"{API}/organizations/{world['org']['id']}"))
    assert org["locations"] == []
    providers = ok(client.get(f"{API}/organizations/{world['org']['id']}/providers"))
    assert [p["id"] for p in providers] == [world["provider"]["id"]]
    services = ok(client.get(f"{API}/organizations/{world['org']['id']}/services"))
    assert [s["id"] for s in services] == [world["service"]["id"]]
    after = ok(client.get(f"{API}/services/{world['service']['id']}/slots",
                          params={"start_date": DAY, "end_date": DAY}))
    assert after == before


def test_the_owner_may_do_all_of_it(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    for method, path, body in _stranger_requests(world):
        response = client.request(method, API + path, json=body,
                                  headers=world["owner"]["headers"])
        assert response.status_code in (200, 201), (method, path, response.text)


UNKNOWN_ID_REQUESTS = [
    ("POST", "/organizations/{missing}/locations", {"name": "A", "city": "B"}),
    ("POST", "/organizations/{missing}/providers", {"name": "A", "timezone": "UTC"}),
    ("POST", "/organizations/{missing}/services",
     {"name": "A", "duration_minutes": 30, "price": "1.00", "provider_ids": ["{missing}"]}),
    ("GET", "/organizations/{missing}", None),
    ("GET", "/organizations/{missing}/providers", None),
    ("GET", "/organizations/{missing}/services", None),
    ("GET", "/providers/{missing}", None),
    ("PUT", "/providers/{missing}/weekly-hours", []),
    ("GET", "/providers/{missing}/weekly-hours", None),
    ("POST", "/providers/{missing}/date-overrides", {"date": DAY, "windows": []}),
    ("GET", "/providers/{missing}/date-overrides", None),
    ("POST", "/providers/{missing}/time-off",
     {"start": f"{DAY}T10:00:00Z", "end": f"{DAY}T11:00:00Z"}),
    ("GET", "/providers/{missing}/time-off", None),
    ("GET", "/services/{missing}", None),
    ("GET", f"/services/{{missing}}/slots?start_date={DAY}&end_date={DAY}", None),
    ("GET", "/bookings/{missing}", None),
    ("GET", "/bookings/{missing}/history", None),
    ("POST", "/bookings/{missing}/confirm", None),
    ("POST", "/bookings/{missing}/cancel", None),
]


def test_unknown_ids_are_404(client) -> None:
    user = register(client)
    for method, path, body in UNKNOWN_ID_REQUESTS:
        if isinstance(body, dict) and "provider_ids" in body:
            body = {**body, "provider_ids": [MISSING]}
        response = client.request(method, API + path.replace("{missing}", MISSING), json=body,
                                  headers=user["headers"])
        assert problem(response, 404)["detail"].endswith(f"{MISSING}."), (method, path)


@pytest.mark.parametrize("method,path", [
    ("GET", "/me"),
    ("GET", "/bookings"),
    ("POST", "/organizations"),
])
def test_no_token_is_401(client, method: str, path: str) -> None:
    body = {"name": "Org", "timezone": "UTC", "currency": "EUR"} if method == "POST" else None
    problem(client.request(method, API + path, json=body), 401)
    problem(client.request(method, API + path, json=body,
                           headers={"Authorization": "Bearer not.a.token"}), 401)


def test_me_lists_organizations_and_roles(client) -> None:
    user = register(client)
    assert ok(client.get(f"{API}/me", headers=user["headers"])) == {
        "id": user["id"], "email": user["email"], "name": "Test User",
        "organizations": [], "provider_ids": []}

    second = make_org(client, user, name="Zebra Clinic")
    first = make_org(client, user, name="Alpha Salon")
    someone_elses = make_org(client, register(client), name="Beta Coaching")
    me = ok(client.get(f"{API}/me", headers=user["headers"]))
    assert me["organizations"] == [
        {"organization_id": first["id"], "name": "Alpha Salon", "role": "owner"},
        {"organization_id": second["id"], "name": "Zebra Clinic", "role": "owner"},
    ]
    assert someone_elses["id"] not in {o["organization_id"] for o in me["organizations"]}


def test_parts_must_belong_to_the_same_organization(client) -> None:
    owner = register(client)
    mine = make_org(client, owner)
    their_owner = register(client)
    their_org = make_org(client, their_owner)
    their_location = make_location(client, their_owner, their_org)
    their_provider = make_provider(client, their_owner, their_org)

    body = problem(client.post(f"{API}/organizations/{mine['id']}/providers",
                               json={"name": "P", "timezone": "UTC",
                                     "location_ids": [their_location["id"]]},
                               headers=owner["headers"]), 422)
    assert their_location["id"] in body["detail"]
    body = problem(client.post(f"{API}/organizations/{mine['id']}/services",
                               json={"name": "S", "duration_minutes": 30, "price": "1.00",
                                     "provider_ids": [their_provider["id"]]},
                               headers=owner["headers"]), 422)
    assert their_provider["id"] in body["detail"]
