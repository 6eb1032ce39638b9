"""Changing and removing discount codes: PATCH and DELETE
/organizations/{org_id}/discount-codes/{code_id}. Managers only; the limit never goes below
the uses taken; bookings made with a removed code keep their stored breakdown."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import API, book, make_org, make_world, ok, problem, register

DAY = "2027-03-03"


def _world(client: Any) -> dict:
    return make_world(client, timezone="UTC", price="100.00")


def _codes_url(world: dict) -> str:
    return f"{API}/organizations/{world['org']['id']}/discount-codes"


def _code(client: Any, world: dict, **body: Any) -> dict:
    body = {"code": "SPRING", "kind": "percent", "value": "10", **body}
    return ok(client.post(_codes_url(world), json=body, headers=world["owner"]["headers"]), 201)


def _patch(client: Any, world: dict, row: dict, status: int = 200, **body: Any) -> dict:
    response = client.patch(
        f"{_codes_url(world)}/{row['id']}", json=body, headers=world["owner"]["headers"]
    )
    return ok(response, status) if status < 400 else problem(response, status)


def _listed(client: Any, world: dict) -> list[dict]:
    return ok(client.get(_codes_url(world), headers=world["owner"]["headers"]))


def _quote(client: Any, world: dict, code: str) -> Any:
    return client.post(
        f"{API}/quotes", json={"service_id": world["service"]["id"], "discount_code": code}
    )


def test_a_manager_changes_validity_limit_and_services(client) -> None:
    world = _world(client)
    code = _code(client, world, max_uses=5)
    out = _patch(
        client,
        world,
        code,
        valid_from="2027-03-02T00:00:00Z",
        valid_until="2027-04-01T00:00:00Z",
        max_uses=2,
        service_ids=[world["service"]["id"]],
    )
    assert out == {
        **code,
        "valid_from": "2027-03-02T00:00:00Z",
        "valid_until": "2027-04-01T00:00:00Z",
        "max_uses": 2,
        "service_ids": [world["service"]["id"]],
    }
    assert _listed(client, world) == [out]
    # Not valid yet on the tests' "now" (1 March).
    assert "not valid yet" in problem(_quote(client, world, "SPRING"), 422)["detail"]
    # Every field may be cleared; the rest stays.
    out = _patch(client, world, code, valid_from=None, max_uses=None, service_ids=None)
    assert (out["valid_from"], out["max_uses"], out["service_ids"]) == (None, None, None)
    assert out["valid_until"] == "2027-04-01T00:00:00Z"
    assert ok(_quote(client, world, "SPRING"))["discount"] == "10.00"


def test_the_limit_may_not_go_below_the_uses_taken(client) -> None:
    world = _world(client)
    code = _code(client, world, max_uses=3)
    book(client, world, f"{DAY}T10:00:00Z", discount_code="SPRING")
    book(client, world, f"{DAY}T12:00:00Z", discount_code="SPRING")
    body = _patch(client, world, code, 422, max_uses=1)
    assert "used 2 times" in body["detail"]
    assert _listed(client, world)[0]["max_uses"] == 3
    # Exactly the uses taken: the code is used up.
    assert _patch(client, world, code, max_uses=2)["max_uses"] == 2
    problem(_quote(client, world, "SPRING"), 409)


def test_bad_changes_are_422_and_change_nothing(client) -> None:
    world = _world(client)
    code = _code(client, world, valid_until="2027-05-01T00:00:00Z", max_uses=4)
    other = make_world(client)
    for body in (
        {"max_uses": 0},
        {"max_uses": -1},
        {"max_uses": "many"},
        {"max_uses": 10_000_001},
        {"valid_from": "2027-06-01T00:00:00Z"},  # after the stored end
        {"valid_from": "2027-03-02T00:00:00Z", "valid_until": "2027-03-02T00:00:00Z"},
        {"valid_until": "tomorrow"},
        {"valid_until": "2027-03-02T00:00:00"},  # no offset
        {"service_ids": [other["service"]["id"]]},
        {"service_ids": ["nope"]},
        {"code": "OTHER"},
        {"value": "50"},
    ):
        response = client.patch(
            f"{_codes_url(world)}/{code['id']}", json=body, headers=world["owner"]["headers"]
        )
        problem(response, 422)
    assert _listed(client, world) == [code]


def test_only_managers_of_the_organization(client) -> None:
    world = _world(client)
    code = _code(client, world)
    url = f"{_codes_url(world)}/{code['id']}"
    problem(client.patch(url, json={"max_uses": 9}), 401)
    problem(client.delete(url), 401)
    stranger = register(client)
    problem(client.patch(url, json={"max_uses": 9}, headers=stranger["headers"]), 403)
    problem(client.delete(url, headers=stranger["headers"]), 403)
    # Another organization's manager may not reach the code through their own org either.
    own_org = make_org(client, stranger)
    foreign = f"{API}/organizations/{own_org['id']}/discount-codes/{code['id']}"
    problem(client.patch(foreign, json={"max_uses": 9}, headers=stranger["headers"]), 404)
    problem(client.delete(foreign, headers=stranger["headers"]), 404)
    missing = f"{_codes_url(world)}/{uuid.uuid4()}"
    problem(client.patch(missing, json={"max_uses": 9}, headers=world["owner"]["headers"]), 404)
    problem(client.delete(missing, headers=world["owner"]["headers"]), 404)
    problem(client.delete(f"{_codes_url(world)}/nope", headers=world["owner"]["headers"]), 422)
    assert _listed(client, world) == [code]


def _code_id_of(database_url: str, booking_id: str) -> Any:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg2")
    # SQLite stores UUIDs as 32 hex digits, PostgreSQL as its own type.
    key = uuid.UUID(booking_id).hex if url.get_backend_name() == "sqlite" else booking_id
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            query = text("SELECT discount_code_id FROM bookings WHERE id = :id")
            return conn.execute(query, {"id": key}).scalar_one()
    finally:
        engine.dispose()


def test_removing_a_code_keeps_the_bookings_made_with_it(client, database_url) -> None:
    world = _world(client)
    headers = world["owner"]["headers"]
    code = _code(client, world)
    booking = book(client, world, f"{DAY}T10:00:00Z", discount_code="SPRING")
    assert booking["breakdown"]["discount"] == "10.00"
    assert _code_id_of(database_url, booking["id"]) is not None
    response = client.delete(f"{_codes_url(world)}/{code['id']}", headers=headers)
    assert response.status_code == 204 and response.content == b""
    assert _listed(client, world) == []
    assert "Unknown" in problem(_quote(client, world, "SPRING"), 422)["detail"]
    after = ok(client.get(f"{API}/bookings/{booking['id']}", headers=headers))
    assert (after["price"], after["breakdown"]) == (booking["price"], booking["breakdown"])
    assert _code_id_of(database_url, booking["id"]) is None
    problem(client.delete(f"{_codes_url(world)}/{code['id']}", headers=headers), 404)
    # The code's text is free again.
    _code(client, world, value="20")
