"""Bad input on every route: a 4xx application/problem+json answer, never a 5xx.

Each case is one request against a small world (owner, organization, provider, service and
a guest booking) made once per backend: the session's databases outlive single tests, and
these requests change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import API, book, booking_body, make_world, ok, problem

DAY = "2027-03-03"
MISSING = "00000000-0000-4000-8000-000000000000"
_WORLDS: dict[str, dict] = {}


@pytest.fixture
def w(client, backend: str) -> dict:
    if backend not in _WORLDS:
        world = make_world(client, slot_step_minutes=60)
        booking = book(client, world, f"{DAY}T10:00:00Z")
        _WORLDS[backend] = {**world, "booking": booking}
    return _WORLDS[backend]


Request = tuple[str, str, dict[str, Any]]
Case = Callable[[dict], Request]


def _auth(w: dict, **kwargs: Any) -> dict[str, Any]:
    return {"headers": w["owner"]["headers"], **kwargs}


def _org(w: dict, part: str = "") -> str:
    return f"/organizations/{w['org']['id']}{part}"


def _prov(w: dict, part: str) -> str:
    return f"/providers/{w['provider']['id']}{part}"


def _service_body(w: dict, **fields: Any) -> dict:
    return {"name": "S", "duration_minutes": 30, "price": "10.00",
            "provider_ids": [w["provider"]["id"]], **fields}


def _slots(w: dict, **params: Any) -> Request:
    query = {"start_date": DAY, "end_date": DAY, **params}
    return ("GET", f"/services/{w['service']['id']}/slots", {"params": query})


def _booking(w: dict, part: str = "", **kwargs: Any) -> Request:
    token = {"token": w["booking"]["manage_token"]}
    return ("POST" if part else "GET", f"/bookings/{w['booking']['id']}{part}",
            {"params": token, **kwargs})


def _post_booking(w: dict, **fields: Any) -> Request:
    return ("POST", "/bookings", {"json": {**booking_body(w, f"{DAY}T11:00:00Z"), **fields}})


JSON = {"content-type": "application/json"}

CASES_422: dict[str, Case] = {
    # --- auth
    "register: malformed JSON": lambda w: ("POST", "/auth/register",
                                           {"content": b'{"email": ', "headers": JSON}),
    "register: body is a list": lambda w: ("POST", "/auth/register", {"json": [1, 2]}),
    "register: wrong type": lambda w: ("POST", "/auth/register", {"json": {
        "email": "a@example.com", "password": 12345678, "name": "A"}}),
    "register: NUL in name": lambda w: ("POST", "/auth/register", {"json": {
        "email": "nul@example.com", "password": "long-enough", "name": "a\x00b"}}),
    "token: missing password": lambda w: ("POST", "/auth/token", {"json": {"email": "a@b.c"}}),
    "token: NUL in email": lambda w: ("POST", "/auth/token", {"json": {
        "email": "a\x00@example.com", "password": "whatever1"}}),
    # --- organizations
    "org: unknown time zone": lambda w: ("POST", "/organizations", _auth(w, json={
        "name": "O", "timezone": "Europe/Atlantis", "currency": "EUR"})),
    "org: time zone path trick": lambda w: ("POST", "/organizations", _auth(w, json={
        "name": "O", "timezone": "../../etc/passwd", "currency": "EUR"})),
    "org: unknown currency": lambda w: ("POST", "/organizations", _auth(w, json={
        "name": "O", "timezone": "UTC", "currency": "EURO"})),
    "org: lower-case currency": lambda w: ("POST", "/organizations", _auth(w, json={
        "name": "O", "timezone": "UTC", "currency": "eur"})),
    "org: bad slug": lambda w: ("POST", "/organizations", _auth(w, json={
        "name": "O", "timezone": "UTC", "currency": "EUR", "slug": "Not A Slug"})),
    "org: empty name": lambda w: ("POST", "/organizations", _auth(w, json={
        "name": "", "timezone": "UTC", "currency": "EUR"})),
    "org: name too long": lambda w: ("POST", "/organizations", _auth(w, json={
        "name": "n" * 201, "timezone": "UTC", "currency": "EUR"})),
    "org: NUL in name": lambda w: ("POST", "/organizations", _auth(w, json={
        "name": "a\x00b", "timezone": "UTC", "currency": "EUR"})),
    "org: malformed id": lambda w: ("GET", "/organizations/not-a-uuid", {}),
    "org: malformed id (providers)": lambda w: ("GET", "/organizations/x/providers", {}),
    "org: malformed id (services)": lambda w: ("GET", "/organizations/x/services", {}),
    "search: limit 0": lambda w: ("GET", "/organizations", {"params": {"limit": 0}}),
    "search: limit not a number": lambda w: ("GET", "/organizations", {"params": {"limit": "x"}}),
    "search: negative offset": lambda w: ("GET", "/organizations", {"params": {"offset": -1}}),
    "search: q too long": lambda w: ("GET", "/organizations", {"params": {"q": "q" * 201}}),
    "search: NUL in q": lambda w: ("GET", "/organizations", {"params": {"q": "a\x00"}}),
    "search: NUL in city": lambda w: ("GET", "/organizations", {"params": {"city": "\x00"}}),
    "location: malformed org id": lambda w: ("POST", "/organizations/123/locations",
                                             _auth(w, json={"name": "L", "city": "C"})),
    "location: unknown time zone": lambda w: ("POST", _org(w, "/locations"), _auth(w, json={
        "name": "L", "city": "C", "timezone": "Nowhere/Town"})),
    "location: city missing": lambda w: ("POST", _org(w, "/locations"),
                                         _auth(w, json={"name": "L"})),
    "provider: malformed id": lambda w: ("GET", "/providers/%20", {}),
    "provider: unknown time zone": lambda w: ("POST", _org(w, "/providers"), _auth(w, json={
        "name": "P", "timezone": "GMT+25"})),
    "provider: bad email": lambda w: ("POST", _org(w, "/providers"), _auth(w, json={
        "name": "P", "timezone": "UTC", "email": "no-at-sign"})),
    "provider: malformed location id": lambda w: ("POST", _org(w, "/providers"), _auth(w, json={
        "name": "P", "timezone": "UTC", "location_ids": ["nope"]})),
    "provider: unknown location id": lambda w: ("POST", _org(w, "/providers"), _auth(w, json={
        "name": "P", "timezone": "UTC", "location_ids": [MISSING]})),
    "service: malformed id": lambda w: ("GET", "/services/1234", {}),
    "service: too many decimals": lambda w: ("POST", _org(w, "/services"),
                                             _auth(w, json=_service_body(w, price="45.001"))),
    "service: price as a number": lambda w: ("POST", _org(w, "/services"),
                                             _auth(w, json=_service_body(w, price=45.0))),
    "service: negative price": lambda w: ("POST", _org(w, "/services"),
                                          _auth(w, json=_service_body(w, price="-1.00"))),
    "service: price in exponent form": lambda w: ("POST", _org(w, "/services"),
                                                  _auth(w, json=_service_body(w, price="1e3"))),
    "service: price too large": lambda w: ("POST", _org(w, "/services"),
                                           _auth(w, json=_service_body(w, price="99999999.00"))),
    "service: duration not a number": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, duration_minutes="sixty"))),
    "service: zero duration": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, duration_minutes=0))),
    "service: zero capacity": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, capacity=0))),
    "service: negative buffer": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, buffer_before_minutes=-5))),
    "service: zero step": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, slot_step_minutes=0))),
    "service: no providers": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, provider_ids=[]))),
    "service: provider twice": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, provider_ids=[w["provider"]["id"]] * 2))),
    "service: malformed provider id": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, provider_ids=["p1"]))),
    "service: unknown provider id": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, provider_ids=[MISSING]))),
    "service: approval not a bool": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, requires_approval="maybe"))),
    "service: unknown field": lambda w: ("POST", _org(w, "/services"), _auth(
        w, json=_service_body(w, colour="red"))),
    # --- availability
    "hours: not a list": lambda w: ("PUT", _prov(w, "/weekly-hours"), _auth(
        w, json={"day": "monday", "start": "09:00", "end": "17:00"})),
    "hours: unknown day": lambda w: ("PUT", _prov(w, "/weekly-hours"), _auth(
        w, json=[{"day": "funday", "start": "09:00", "end": "17:00"}])),
    "hours: bad clock time": lambda w: ("PUT", _prov(w, "/weekly-hours"), _auth(
        w, json=[{"day": "monday", "start": "9:00", "end": "17:00"}])),
    "hours: hour 25": lambda w: ("PUT", _prov(w, "/weekly-hours"), _auth(
        w, json=[{"day": "monday", "start": "09:00", "end": "25:00"}])),
    "hours: end before start": lambda w: ("PUT", _prov(w, "/weekly-hours"), _auth(
        w, json=[{"day": "monday", "start": "17:00", "end": "09:00"}])),
    "hours: malformed provider id": lambda w: ("PUT", "/providers/xyz/weekly-hours", _auth(
        w, json=[])),
    "hours: malformed provider id (read)": lambda w: ("GET", "/providers/-1/weekly-hours", {}),
    "override: bad from date": lambda w: ("GET", _prov(w, "/date-overrides"), {
        "params": {"from": "yesterday"}}),
    "override: malformed provider id": lambda w: ("POST", "/providers/x/date-overrides", _auth(
        w, json={"date": DAY, "windows": []})),
    "override: impossible date": lambda w: ("POST", _prov(w, "/date-overrides"), _auth(
        w, json={"date": "2027-02-30", "windows": []})),
    "override: year 1": lambda w: ("POST", _prov(w, "/date-overrides"), _auth(
        w, json={"date": "0001-01-01", "windows": []})),
    "override: window end before start": lambda w: ("POST", _prov(w, "/date-overrides"), _auth(
        w, json={"date": DAY, "windows": [{"start": "12:00", "end": "11:00"}]})),
    "override: windows missing": lambda w: ("POST", _prov(w, "/date-overrides"), _auth(
        w, json={"date": DAY})),
    "time off: naive datetimes": lambda w: ("POST", _prov(w, "/time-off"), _auth(
        w, json={"start": f"{DAY}T10:00:00", "end": f"{DAY}T11:00:00"})),
    "time off: end before start": lambda w: ("POST", _prov(w, "/time-off"), _auth(
        w, json={"start": f"{DAY}T11:00:00Z", "end": f"{DAY}T10:00:00Z"})),
    "time off: longer than a year": lambda w: ("POST", _prov(w, "/time-off"), _auth(
        w, json={"start": "2027-01-01T00:00:00Z", "end": "2028-06-01T00:00:00Z"})),
    "time off: year 1": lambda w: ("POST", _prov(w, "/time-off"), _auth(
        w, json={"start": "0001-01-01T00:00:00+01:00", "end": "0001-01-02T00:00:00Z"})),
    "time off: year 9999": lambda w: ("POST", _prov(w, "/time-off"), _auth(
        w, json={"start": "9999-12-31T00:00:00-01:00", "end": "9999-12-31T23:00:00-01:00"})),
    "time off: NUL in reason": lambda w: ("POST", _prov(w, "/time-off"), _auth(
        w, json={"start": f"{DAY}T10:00:00Z", "end": f"{DAY}T11:00:00Z", "reason": "\x00"})),
    "time off: malformed provider id (read)": lambda w: ("GET", "/providers/x/time-off",
                                                         _auth(w)),
    "slots: bad date": lambda w: _slots(w, start_date="2027-13-01"),
    "slots: end before start": lambda w: _slots(w, end_date="2027-03-02"),
    "slots: too many days": lambda w: _slots(w, end_date="2028-03-03"),
    "slots: unknown time zone": lambda w: _slots(w, timezone="Moon/Base"),
    "slots: empty time zone": lambda w: _slots(w, timezone=""),
    "slots: malformed provider id": lambda w: _slots(w, provider_id="12"),
    "slots: duration not offered": lambda w: _slots(w, duration_minutes=45),
    "slots: year 9999": lambda w: _slots(w, start_date="9999-12-31", end_date="9999-12-31"),
    "slots: year 1": lambda w: _slots(w, start_date="0001-01-01", end_date="0001-01-01"),
    "slots: malformed service id": lambda w: ("GET", "/services/not-a-uuid/slots",
                                              {"params": {"start_date": DAY, "end_date": DAY}}),
    # --- bookings
    "booking: naive start": lambda w: _post_booking(w, start=f"{DAY}T11:00:00"),
    "booking: date only": lambda w: _post_booking(w, start=DAY),
    "booking: year 9999": lambda w: _post_booking(w, start="9999-12-31T23:00:00Z"),
    "booking: year 1": lambda w: _post_booking(w, start="0001-01-01T00:00:00+14:00"),
    "booking: malformed service id": lambda w: _post_booking(w, service_id="svc"),
    "booking: hold not a bool": lambda w: _post_booking(w, hold="perhaps"),
    "booking: duration not a number": lambda w: _post_booking(w, duration_minutes="long"),
    "booking: duration not offered": lambda w: _post_booking(w, duration_minutes=45),
    "booking: bad customer email": lambda w: _post_booking(w, customer={"name": "A",
                                                                        "email": "a@"}),
    "booking: NUL in notes": lambda w: _post_booking(w, notes="\x00"),
    "booking: unknown field": lambda w: _post_booking(w, coupon="FREE"),
    "booking: anonymous without customer": lambda w: _post_booking(w, customer=None),
    "booking: malformed JSON": lambda w: ("POST", "/bookings", {"content": b"{not json",
                                                               "headers": JSON}),
    "booking: empty body": lambda w: ("POST", "/bookings", {"content": b"", "headers": JSON}),
    "booking: long Idempotency-Key": lambda w: ("POST", "/bookings", {
        "json": booking_body(w, f"{DAY}T11:00:00Z"), "headers": {"Idempotency-Key": "k" * 300}}),
    "bookings list: unknown status": lambda w: ("GET", "/bookings", _auth(
        w, params={"status": "lost"})),
    "bookings list: naive from": lambda w: ("GET", "/bookings", _auth(
        w, params={"from": f"{DAY}T00:00:00"})),
    "bookings list: year 1": lambda w: ("GET", "/bookings", _auth(
        w, params={"from": "0001-01-01T00:00:00+14:00"})),
    "bookings list: limit 0": lambda w: ("GET", "/bookings", _auth(w, params={"limit": 0})),
    "bookings list: malformed provider id": lambda w: ("GET", "/bookings", _auth(
        w, params={"provider_id": "p"})),
    "booking: malformed id": lambda w: ("GET", "/bookings/123", {}),
    "history: malformed id": lambda w: ("GET", "/bookings/not-an-id/history", {}),
    "confirm: malformed id": lambda w: ("POST", "/bookings/123/confirm", {}),
    "cancel: reason not text": lambda w: _booking(w, "/cancel", json={"reason": 5}),
    "cancel: unknown field": lambda w: _booking(w, "/cancel", json={"refund": True}),
    "cancel: body is a list": lambda w: _booking(w, "/cancel", json=[]),
}

CASES_OTHER: dict[str, tuple[Case, int]] = {
    "unknown route": (lambda w: ("GET", "/nothing-here", {}), 404),
    "unknown route outside the API": (lambda w: ("GET", "/api/v2/organizations", {}), 404),
    "unknown nested route": (lambda w: ("GET", _org(w, "/secrets"), {}), 404),
    "wrong method on a collection": (lambda w: ("DELETE", "/organizations", {}), 405),
    "wrong method on an item": (lambda w: ("PUT", f"/bookings/{w['booking']['id']}", {}), 405),
    "GET on the token route": (lambda w: ("GET", "/auth/token", {}), 405),
    "PATCH weekly hours": (lambda w: ("PATCH", _prov(w, "/weekly-hours"), {}), 405),
    "body not UTF-8": (lambda w: ("POST", "/bookings", {"content": b"\xff\xfe\xfd",
                                                        "headers": JSON}), 400),
    "unknown booking": (lambda w: ("GET", f"/bookings/{MISSING}", {}), 404),
    "garbage bearer token": (lambda w: ("GET", "/me", {
        "headers": {"Authorization": "Bearer \x01\x02"}}), 401),
    "booking a taken time": (lambda w: ("POST", "/bookings", {
        "json": booking_body(w, f"{DAY}T10:00:00Z")}), 409),
}


def _send(client, request: Request):  # type: ignore[no-untyped-def]
    method, path, kwargs = request
    return client.request(method, API + path, **kwargs)


def _failures(client, w: dict, cases: dict[str, tuple[Case, int]]) -> list[str]:
    """Send every case; describe each answer that is not the expected problem."""
    failures = []
    for name, (build, status) in cases.items():
        response = _send(client, build(w))
        try:
            body = problem(response, status)
            if status == 422:
                assert body["type"] == "https://slotkeeper.dev/problems/validation", body
                assert body["title"] == "Invalid input", body
                for error in body["errors"]:
                    assert set(error) == {"loc", "msg", "type"}, error
        except (AssertionError, KeyError, ValueError) as exc:
            failures.append(f"{name}: {exc!r}"[:400])
    return failures


def _group(name: str) -> str:
    return name.split(":")[0].replace(" ", "-")


GROUPS = sorted({_group(name) for name in CASES_422})


# One test per route family (its cases share one app), reported case by case on failure.
@pytest.mark.parametrize("group", GROUPS)
def test_invalid_input_is_422(client, w: dict, group: str) -> None:
    cases = {name: (build, 422) for name, build in CASES_422.items() if _group(name) == group}
    failures = _failures(client, w, cases)
    assert not failures, "\n".join(failures)


def test_other_client_errors(client, w: dict) -> None:
    failures = _failures(client, w, CASES_OTHER)
    assert not failures, "\n".join(failures)


def test_nothing_was_changed_by_the_bad_requests(client, w: dict) -> None:
    """Runs after the cases above (file order): the world is as it was made."""
    booking = ok(client.get(f"{API}/bookings/{w['booking']['id']}",
                            params={"token": w["booking"]["manage_token"]}))
    assert booking["status"] == "confirmed"
    listed = ok(client.get(f"{API}/bookings", headers=w["owner"]["headers"]))
    assert [b["id"] for b in listed] == [w["booking"]["id"]]
    services = ok(client.get(f"{API}/organizations/{w['org']['id']}/services"))
    assert [s["id"] for s in services] == [w["service"]["id"]]
    hours = ok(client.get(f"{API}/providers/{w['provider']['id']}/weekly-hours"))
    assert len(hours) == 7
