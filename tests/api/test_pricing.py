"""Pricing: VAT inclusive or exclusive, platform fee, prices per duration, discount codes,
the quote route, and the breakdown a booking stores."""

from __future__ import annotations

from datetime import timedelta

from slotkeeper.jobs.sweeper import sweep_once
from tests.support import API, book, booking_body, login, make_world, ok, problem, register

DAY = "2027-03-03"


def _world(client, **fields):  # type: ignore[no-untyped-def]
    return make_world(client, timezone="UTC", price="100.00", duration_options=[60, 90],
                      duration_prices={"90": "140.00"}, **fields)


def _pricing(client, world, **body):  # type: ignore[no-untyped-def]
    return ok(client.patch(f"{API}/organizations/{world['org']['id']}/pricing", json=body,
                           headers=world["owner"]["headers"]))


def _code(client, world, status=201, **body):  # type: ignore[no-untyped-def]
    response = client.post(f"{API}/organizations/{world['org']['id']}/discount-codes",
                           json=body, headers=world["owner"]["headers"])
    return ok(response, status) if status < 400 else problem(response, status)


def _quote(client, world, **body):  # type: ignore[no-untyped-def]
    return client.post(f"{API}/quotes", json={"service_id": world["service"]["id"], **body})


def test_exclusive_vat_and_fee_on_the_discounted_price(client) -> None:
    world = _world(client)
    org = _pricing(client, world, vat_percent="20", vat_inclusive=False,
                   platform_fee_percent="2.5")
    assert (org["vat_percent"], org["vat_inclusive"], org["platform_fee_percent"]) == (
        "20.00", False, "2.50")
    _code(client, world, code="spring10", kind="percent", value="10")
    assert ok(_quote(client, world, discount_code="SPRING10")) == {
        "currency": "EUR", "base": "100.00", "discount": "10.00", "subtotal": "90.00",
        "platform_fee": "2.25", "vat": "18.00", "vat_inclusive": False, "total": "110.25"}
    booking = book(client, world, f"{DAY}T10:00:00Z", discount_code="spring10")
    assert booking["price"] == "110.25"
    assert booking["breakdown"]["discount"] == "10.00"


def test_inclusive_vat_is_part_of_the_price_and_durations_have_their_price(client) -> None:
    world = _world(client)
    _pricing(client, world, vat_percent="20")
    assert ok(_quote(client, world)) == {
        "currency": "EUR", "base": "100.00", "discount": "0.00", "subtotal": "100.00",
        "platform_fee": "0.00", "vat": "16.67", "vat_inclusive": True, "total": "100.00"}
    assert ok(_quote(client, world, duration_minutes=90))["total"] == "140.00"
    booking = book(client, world, f"{DAY}T10:00:00Z", duration_minutes=90)
    assert (booking["price"], booking["breakdown"]["vat"]) == ("140.00", "23.33")


def test_a_fixed_code_larger_than_the_price_makes_it_free_not_negative(client) -> None:
    world = _world(client)
    _code(client, world, code="GIFT", kind="fixed", value="150.00")
    assert ok(_quote(client, world, discount_code="gift"))["total"] == "0.00"


def test_codes_are_refused_with_a_reason(client, clock) -> None:
    world = _world(client)
    other = make_world(client)
    _code(client, world, code="LATER", kind="percent", value="5",
          valid_from="2027-04-01T00:00:00Z")
    _code(client, world, code="GONE", kind="percent", value="5",
          valid_until="2027-02-01T00:00:00Z")
    _code(client, world, code="ONCE", kind="percent", value="5", max_uses=1)
    _code(client, world, code="ELSEWHERE", kind="percent", value="5",
          service_ids=[world["service"]["id"]])
    assert "not valid yet" in problem(_quote(client, world, discount_code="LATER"), 422)["detail"]
    assert "expired" in problem(_quote(client, world, discount_code="GONE"), 422)["detail"]
    assert "Unknown" in problem(_quote(client, world, discount_code="NOPE"), 422)["detail"]
    # A code of another organization does not exist here.
    problem(client.post(f"{API}/quotes", json={"service_id": other["service"]["id"],
                                                "discount_code": "ONCE"}), 422)
    book(client, world, f"{DAY}T10:00:00Z", discount_code="ONCE")
    problem(_quote(client, world, discount_code="ONCE"), 409)
    body = problem(client.post(f"{API}/bookings", json={
        "service_id": world["service"]["id"], "provider_id": world["provider"]["id"],
        "start": f"{DAY}T12:00:00Z", "discount_code": "ONCE",
        "customer": {"name": "B", "email": "b@example.com"}}), 409)
    assert "maximum" in body["detail"]
    codes = ok(client.get(f"{API}/organizations/{world['org']['id']}/discount-codes",
                          headers=world["owner"]["headers"]))
    assert {c["code"]: c["uses"] for c in codes} == {
        "ELSEWHERE": 0, "GONE": 0, "LATER": 0, "ONCE": 1}
    clock.advance(timedelta(days=31))
    world["owner"]["headers"] = login(client, world["owner"])
    assert ok(_quote(client, world, discount_code="later"))["discount"] == "5.00"


def test_only_managers_set_prices_and_codes(client) -> None:
    world = _world(client)
    stranger = register(client)
    problem(client.patch(f"{API}/organizations/{world['org']['id']}/pricing",
                         json={"vat_percent": "20"}, headers=stranger["headers"]), 403)
    problem(client.post(f"{API}/organizations/{world['org']['id']}/discount-codes",
                        json={"code": "X1", "kind": "percent", "value": "5"},
                        headers=stranger["headers"]), 403)
    _code(client, world, code="DUP", kind="percent", value="5")
    _code(client, world, 409, code="dup", kind="percent", value="5")
    _code(client, world, 422, code="BAD", kind="percent", value="101")
    _code(client, world, 422, code="BAD", kind="fixed", value="1.001")
    problem(client.patch(f"{API}/organizations/{world['org']['id']}/pricing",
                         json={"vat_percent": "-1"}, headers=world["owner"]["headers"]), 422)


def _uses(client, world) -> int:  # type: ignore[no-untyped-def]
    (code,) = ok(client.get(f"{API}/organizations/{world['org']['id']}/discount-codes",
                            headers=world["owner"]["headers"]))
    return int(code["uses"])


def test_a_booking_never_confirmed_gives_its_code_use_back(client, clock) -> None:
    world = _world(client)
    _code(client, world, code="ONCE", kind="percent", value="10", max_uses=1)
    day = "2027-03-03T"
    hold = book(client, world, f"{day}10:00:00Z", hold=True, discount_code="ONCE")
    assert _uses(client, world) == 1
    problem(client.post(f"{API}/bookings", json={**booking_body(world, f"{day}11:00:00Z"),
                                                 "discount_code": "ONCE"}), 409)
    # The hold runs out unconfirmed: acting on it expires it and returns the use.
    clock.advance(timedelta(minutes=11))
    problem(client.post(f"{API}/bookings/{hold['id']}/confirm",
                        params={"token": hold["manage_token"]}), 409)
    assert _uses(client, world) == 0
    # A cancelled hold gives it back too; a cancelled confirmed booking keeps it used.
    again = book(client, world, f"{day}12:00:00Z", hold=True, discount_code="ONCE")
    ok(client.post(f"{API}/bookings/{again['id']}/cancel", params={"token": again["manage_token"]}))
    assert _uses(client, world) == 0
    kept = book(client, world, f"{day}13:00:00Z", discount_code="ONCE")
    ok(client.post(f"{API}/bookings/{kept['id']}/cancel", params={"token": kept["manage_token"]}))
    assert _uses(client, world) == 1


def test_a_declined_request_gives_its_code_use_back(client) -> None:
    world = _world(client, requires_approval=True)
    _code(client, world, code="ONCE", kind="percent", value="10", max_uses=1)
    request = book(client, world, "2027-03-03T10:00:00Z", discount_code="ONCE")
    assert _uses(client, world) == 1
    ok(client.post(f"{API}/bookings/{request['id']}/decline", headers=world["owner"]["headers"]))
    assert _uses(client, world) == 0


def test_the_sweeper_gives_back_the_code_use_of_a_hold_that_ran_out(client, clock) -> None:
    world = _world(client)
    _code(client, world, code="ONCE", kind="percent", value="10", max_uses=1)
    book(client, world, "2027-03-03T10:00:00Z", hold=True, discount_code="ONCE")
    assert _uses(client, world) == 1
    clock.advance(timedelta(minutes=11))
    state = client.app.state
    client.portal.call(sweep_once, state.db, state.clock)
    assert _uses(client, world) == 0
