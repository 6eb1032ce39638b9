"""Provider visibility (public, connected, private) and customer connections: hidden
providers look unknown (404) on every route that would show them."""

from __future__ import annotations

from typing import Any

from tests.support import (
    API,
    book,
    booking_body,
    make_org,
    make_provider,
    make_service,
    make_world,
    ok,
    problem,
    register,
    set_hours,
)

DAY = "2027-03-03"
MISSING = "00000000-0000-4000-8000-000000000000"


def _two_provider_world(client: Any, visibility: str) -> dict:
    """One service offered by a public provider and one with ``visibility``."""
    world = make_world(client, slot_step_minutes=60)
    owner, org = world["owner"], world["org"]
    hidden = make_provider(client, owner, org, visibility=visibility)
    set_hours(client, owner, hidden)
    service = make_service(client, owner, org, [world["provider"], hidden], slot_step_minutes=60)
    return {**world, "service": service, "public": world["provider"], "provider": hidden}


def _headers(user: dict | None) -> dict:
    return user["headers"] if user else {}


def _get_provider(client: Any, world: dict, user: dict | None) -> Any:
    return client.get(f"{API}/providers/{world['provider']['id']}", headers=_headers(user))


def _listed(client: Any, world: dict, user: dict | None) -> set[str]:
    listed = ok(
        client.get(f"{API}/organizations/{world['org']['id']}/providers", headers=_headers(user))
    )
    return {p["id"] for p in listed}


def _slot_providers(client: Any, world: dict, user: dict | None) -> set[str]:
    query = {"start_date": DAY, "end_date": DAY, "timezone": "Europe/London"}
    found = ok(
        client.get(
            f"{API}/services/{world['service']['id']}/slots", params=query, headers=_headers(user)
        )
    )
    return {s["provider_id"] for s in found["slots"]}


def _slots_of_provider(client: Any, world: dict, user: dict | None) -> Any:
    query = {"start_date": DAY, "end_date": DAY, "provider_id": world["provider"]["id"]}
    return client.get(
        f"{API}/services/{world['service']['id']}/slots", params=query, headers=_headers(user)
    )


def _book(client: Any, world: dict, user: dict | None, hour: int) -> Any:
    body = booking_body(world, f"{DAY}T{hour:02d}:00:00Z")
    return client.post(f"{API}/bookings", json=body, headers=_headers(user))


def assert_hidden(client: Any, world: dict, user: dict | None) -> None:
    """``user`` (None: anonymous) sees no trace of the world's provider."""
    pid = world["provider"]["id"]
    unknown = problem(client.get(f"{API}/providers/{MISSING}", headers=_headers(user)), 404)
    hidden = problem(_get_provider(client, world, user), 404)
    assert hidden["detail"] == unknown["detail"].replace(MISSING, pid)
    assert pid not in _listed(client, world, user)
    assert _slot_providers(client, world, user) == {world["public"]["id"]}
    detail = problem(_slots_of_provider(client, world, user), 404)["detail"]
    assert detail == f"Provider {pid} does not offer this service."
    assert problem(_book(client, world, user, 9), 404)["detail"] == f"No provider {pid}."


def assert_seen(client: Any, world: dict, user: dict | None) -> None:
    pid = world["provider"]["id"]
    assert ok(_get_provider(client, world, user))["id"] == pid
    assert pid in _listed(client, world, user)
    assert _slot_providers(client, world, user) == {world["public"]["id"], pid}
    assert {s["provider_id"] for s in ok(_slots_of_provider(client, world, user))["slots"]} == {pid}


def _set_visibility(client: Any, world: dict, value: str, user: dict | None = None) -> Any:
    return client.patch(
        f"{API}/providers/{world['provider']['id']}",
        json={"visibility": value},
        headers=_headers(user or world["owner"]),
    )


def _request(client: Any, world: dict, customer: dict, **body: Any) -> Any:
    return client.post(
        f"{API}/providers/{world['provider']['id']}/connections",
        json=body or None,
        headers=customer["headers"],
    )


def _answer(client: Any, connection: dict, verb: str, user: dict) -> Any:
    return client.post(f"{API}/connections/{connection['id']}/{verb}", headers=user["headers"])


def _link_account(client: Any, world: dict) -> dict:
    person = register(client)
    ok(
        client.put(
            f"{API}/providers/{world['provider']['id']}/account",
            json={"user_id": person["id"]},
            headers=world["owner"]["headers"],
        )
    )
    return person


def test_public_provider_is_seen_by_everyone(client) -> None:
    world = _two_provider_world(client, "public")
    assert world["provider"]["visibility"] == "public"
    for user in (None, register(client), world["owner"]):
        assert_seen(client, world, user)
    assert book(client, world, f"{DAY}T09:00:00Z")["status"] == "confirmed"


def test_visibility_is_set_when_creating_a_provider(client) -> None:
    owner = register(client)
    org = make_org(client, owner)
    provider = make_provider(client, owner, org, visibility="connected")
    assert provider["visibility"] == "connected"
    url = f"{API}/organizations/{org['id']}/providers"
    bad = problem(
        client.post(
            url,
            json={"name": "X", "timezone": "UTC", "visibility": "secret"},
            headers=owner["headers"],
        ),
        422,
    )
    assert bad["errors"][0]["loc"] == ["body", "visibility"]
    problem(
        client.post(
            url, json={"name": "X", "timezone": "UTC", "visibility": None}, headers=owner["headers"]
        ),
        422,
    )


def test_connected_provider_is_seen_after_an_accepted_connection(client) -> None:
    world = _two_provider_world(client, "connected")
    customer, stranger, owner = register(client), register(client), world["owner"]
    for user in (None, customer, stranger):
        assert_hidden(client, world, user)
    assert_seen(client, world, owner)

    asked = ok(_request(client, world, customer, message="We met on Tuesday."), 201)
    assert {k: v for k, v in asked.items() if k not in ("id", "customer_name")} == {
        "provider_id": world["provider"]["id"],
        "organization_id": world["org"]["id"],
        "customer_user_id": customer["id"],
        "customer_email": customer["email"],
        "status": "requested",
        "message": "We met on Tuesday.",
        "created_at": "2027-03-01T08:00:00Z",
        "decided_at": None,
    }
    assert_hidden(client, world, customer)  # asking is not enough

    accepted = ok(_answer(client, asked, "accept", owner))
    assert (accepted["status"], accepted["decided_at"]) == ("accepted", "2027-03-01T08:00:00Z")
    assert_seen(client, world, customer)
    assert _book(client, world, customer, 10).status_code == 201
    for user in (None, stranger):
        assert_hidden(client, world, user)


def test_declined_or_deleted_connection_hides_the_provider_again(client) -> None:
    world = _two_provider_world(client, "connected")
    customer, owner = register(client), world["owner"]
    asked = ok(_request(client, world, customer), 201)
    assert asked["message"] is None

    ok(_answer(client, asked, "accept", owner))
    assert_seen(client, world, customer)
    # Declining an accepted connection revokes it.
    assert ok(_answer(client, asked, "decline", owner))["status"] == "declined"
    assert_hidden(client, world, customer)

    # A declined customer may ask again: the same connection is re-opened.
    again = ok(_request(client, world, customer, message="Please?"), 201)
    assert (again["id"], again["status"], again["decided_at"]) == (asked["id"], "requested", None)
    ok(_answer(client, again, "accept", owner))
    assert_seen(client, world, customer)

    withdrawn = client.delete(f"{API}/connections/{asked['id']}", headers=customer["headers"])
    assert withdrawn.status_code == 204
    assert_hidden(client, world, customer)
    assert ok(client.get(f"{API}/me/connections", headers=customer["headers"])) == []
    # The provider may remove one too.
    asked = ok(_request(client, world, customer), 201)
    ok(_answer(client, asked, "accept", owner))
    response = client.delete(f"{API}/connections/{asked['id']}", headers=owner["headers"])
    assert response.status_code == 204 and response.content == b""
    assert_hidden(client, world, customer)


def test_private_provider_only_for_its_account_and_managers(client) -> None:
    world = _two_provider_world(client, "private")
    person = _link_account(client, world)
    customer, other_owner = register(client), register(client)
    make_org(client, other_owner)  # a manager, of another organization
    for user in (None, customer, other_owner):
        assert_hidden(client, world, user)
    for user in (person, world["owner"]):
        assert_seen(client, world, user)

    # No connection makes a private provider visible; it takes no requests.
    problem(_request(client, world, customer), 404)
    ok(_set_visibility(client, world, "connected"))
    asked = ok(_request(client, world, customer), 201)
    ok(_answer(client, asked, "accept", world["owner"]))
    assert_seen(client, world, customer)
    ok(_set_visibility(client, world, "private"))
    assert_hidden(client, world, customer)
    ok(_set_visibility(client, world, "public"))
    assert_seen(client, world, None)


def test_provider_account_answers_requests(client) -> None:
    world = _two_provider_world(client, "connected")
    person = _link_account(client, world)
    first, second = register(client), register(client)
    one = ok(_request(client, world, first), 201)
    two = ok(_request(client, world, second), 201)

    url = f"{API}/providers/{world['provider']['id']}/connections"
    listed = ok(client.get(url, headers=person["headers"]))
    assert {c["id"] for c in listed} == {one["id"], two["id"]}
    assert {c["customer_email"] for c in listed} == {first["email"], second["email"]}
    ok(_answer(client, one, "accept", person))
    ok(_answer(client, two, "decline", person))

    def ids(**params: str) -> list[str]:
        return [c["id"] for c in ok(client.get(url, params=params, headers=person["headers"]))]

    assert ids(status="accepted") == [one["id"]]
    assert ids(status="declined") == [two["id"]]
    assert ids(status="requested") == []
    assert len(ids(limit="1")) == 1
    assert [c["id"] for c in ok(client.get(url, headers=world["owner"]["headers"]))] == ids()
    mine = ok(client.get(f"{API}/me/connections", headers=first["headers"]))
    assert [(c["id"], c["status"]) for c in mine] == [(one["id"], "accepted")]
    mine = ok(
        client.get(
            f"{API}/me/connections", params={"status": "requested"}, headers=first["headers"]
        )
    )
    assert mine == []


def test_customer_cannot_answer_and_transitions_are_checked(client) -> None:
    world = _two_provider_world(client, "connected")
    customer, stranger, owner = register(client), register(client), world["owner"]
    asked = ok(_request(client, world, customer), 201)

    for verb in ("accept", "decline"):
        assert problem(_answer(client, asked, verb, customer), 403)["type"].endswith("/forbidden")
        problem(_answer(client, asked, verb, stranger), 404)  # strangers do not know of it
    twice = problem(_request(client, world, customer), 409)
    assert "requested" in twice["detail"]

    ok(_answer(client, asked, "accept", owner))
    assert problem(_answer(client, asked, "accept", owner), 409)["type"].endswith(
        "/invalid-transition"
    )
    problem(_request(client, world, customer), 409)
    ok(_answer(client, asked, "decline", owner))
    for verb in ("accept", "decline"):
        assert problem(_answer(client, asked, verb, owner), 409)["detail"].startswith(
            "A connection that is declined cannot become"
        )

    problem(client.delete(f"{API}/connections/{asked['id']}", headers=stranger["headers"]), 404)
    withdrawn = client.delete(f"{API}/connections/{asked['id']}", headers=customer["headers"])
    assert withdrawn.status_code == 204
    problem(client.delete(f"{API}/connections/{asked['id']}", headers=customer["headers"]), 404)
    problem(_answer(client, asked, "accept", owner), 404)


def test_who_may_list_a_providers_connections(client) -> None:
    world = _two_provider_world(client, "connected")
    customer = register(client)
    url = f"{API}/providers/{world['provider']['id']}/connections"
    problem(client.get(url), 401)
    problem(client.get(url, headers=customer["headers"]), 404)  # cannot see the provider
    asked = ok(_request(client, world, customer), 201)
    ok(_answer(client, asked, "accept", world["owner"]))
    problem(client.get(url, headers=customer["headers"]), 403)  # sees it, does not run it
    public_url = f"{API}/providers/{world['public']['id']}/connections"
    problem(client.get(public_url, headers=customer["headers"]), 403)
    assert ok(client.get(public_url, headers=world["owner"]["headers"])) == []


def test_only_managers_change_visibility(client) -> None:
    world = _two_provider_world(client, "public")
    person = _link_account(client, world)
    stranger = register(client)
    problem(
        client.patch(f"{API}/providers/{world['provider']['id']}", json={"visibility": "private"}),
        401,
    )
    problem(_set_visibility(client, world, "private", person), 403)
    problem(_set_visibility(client, world, "private", stranger), 403)
    assert ok(_set_visibility(client, world, "private"))["visibility"] == "private"
    # Now hidden from the stranger: unknown rather than forbidden.
    problem(_set_visibility(client, world, "public", stranger), 404)
    problem(
        client.put(
            f"{API}/providers/{world['provider']['id']}/account",
            json={"user_id": stranger["id"]},
            headers=stranger["headers"],
        ),
        404,
    )
    # The provider's own account sees itself, but only managers change it.
    assert ok(_get_provider(client, world, person))["visibility"] == "private"
    problem(_set_visibility(client, world, "public", person), 403)
    # An empty change changes nothing.
    unchanged = ok(
        client.patch(
            f"{API}/providers/{world['provider']['id']}", json={}, headers=world["owner"]["headers"]
        )
    )
    assert unchanged["visibility"] == "private"


def test_bad_input_is_a_problem_never_a_500(client) -> None:
    world = _two_provider_world(client, "connected")
    owner, customer = world["owner"], register(client)
    pid = world["provider"]["id"]

    problem(_set_visibility(client, world, "secret"), 422)
    problem(_set_visibility(client, world, 1), 422)  # type: ignore[arg-type]
    problem(
        client.patch(f"{API}/providers/{pid}", json={"name": ""}, headers=owner["headers"]), 422
    )
    problem(client.patch(f"{API}/providers/{pid}", content=b"{", headers=owner["headers"]), 422)
    problem(
        client.patch(
            f"{API}/providers/{MISSING}", json={"visibility": "public"}, headers=owner["headers"]
        ),
        404,
    )
    problem(
        client.patch(
            f"{API}/providers/not-a-uuid", json={"visibility": "public"}, headers=owner["headers"]
        ),
        422,
    )
    problem(client.get(f"{API}/providers/not-a-uuid"), 422)

    problem(client.post(f"{API}/providers/{pid}/connections"), 401)
    problem(client.post(f"{API}/providers/{MISSING}/connections", headers=customer["headers"]), 404)
    problem(client.post(f"{API}/providers/nope/connections", headers=customer["headers"]), 422)
    problem(_request(client, world, customer, message="x" * 501), 422)
    problem(_request(client, world, customer, message="nul\x00"), 422)
    problem(_request(client, world, customer, extra=1), 422)
    problem(
        client.post(f"{API}/providers/{pid}/connections", json=[], headers=customer["headers"]), 422
    )
    person = _link_account(client, world)
    problem(_request(client, world, person), 422)  # the provider's own account

    url = f"{API}/providers/{pid}/connections"
    problem(client.get(url, params={"status": "maybe"}, headers=owner["headers"]), 422)
    problem(client.get(url, params={"limit": 0}, headers=owner["headers"]), 422)
    problem(client.get(f"{API}/providers/{MISSING}/connections", headers=owner["headers"]), 404)
    problem(client.get(f"{API}/me/connections"), 401)
    problem(
        client.get(f"{API}/me/connections", params={"status": "x"}, headers=customer["headers"]),
        422,
    )
    for verb in ("accept", "decline"):
        problem(client.post(f"{API}/connections/{MISSING}/{verb}", headers=owner["headers"]), 404)
        problem(client.post(f"{API}/connections/bad/{verb}", headers=owner["headers"]), 422)
        problem(client.post(f"{API}/connections/{MISSING}/{verb}"), 401)
    problem(client.delete(f"{API}/connections/{MISSING}", headers=owner["headers"]), 404)
    problem(client.delete(f"{API}/connections/bad", headers=owner["headers"]), 422)


def test_connections_stay_in_their_organization(client) -> None:
    world = _two_provider_world(client, "connected")
    other = make_world(client)  # another organization and its owner
    customer = register(client)
    asked = ok(_request(client, world, customer), 201)
    assert asked["organization_id"] == world["org"]["id"]

    # The other organization's owner manages nothing here.
    problem(_answer(client, asked, "accept", other["owner"]), 404)
    problem(
        client.get(
            f"{API}/providers/{world['provider']['id']}/connections",
            headers=other["owner"]["headers"],
        ),
        404,
    )
    problem(_set_visibility(client, world, "public", other["owner"]), 404)
    # Nor is another customer's connection anyone else's.
    assert ok(client.get(f"{API}/me/connections", headers=other["owner"]["headers"])) == []
    mine = ok(client.get(f"{API}/me/connections", headers=customer["headers"]))
    assert [c["id"] for c in mine] == [asked["id"]]


def test_service_listings_leave_hidden_providers_out(client: Any) -> None:
    world = _two_provider_world(client, "private")
    public, hidden = world["public"]["id"], world["provider"]["id"]
    listed = ok(client.get(f"{API}/organizations/{world['org']['id']}/services"))
    assert {tuple(s["provider_ids"]) for s in listed if s["id"] == world["service"]["id"]} == {
        (public,)}
    assert ok(client.get(f"{API}/services/{world['service']['id']}"))["provider_ids"] == [public]
    shown = ok(client.get(f"{API}/services/{world['service']['id']}",
                          headers=world["owner"]["headers"]))
    assert sorted(shown["provider_ids"]) == sorted([public, hidden])
