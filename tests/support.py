"""Builders shared by the API, server and benchmark tests.

Each works with any client that has httpx's ``post/put/get`` (FastAPI's TestClient or an
``httpx.Client`` pointed at a real server). Every builder makes fresh, uniquely named
data, so tests never depend on one another's leftovers.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

API = "/api/v1"
PG_ADMIN_URL = os.environ.get("SLOTKEEPER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_ALL = os.environ.get("SLOTKEEPER_REQUIRE_ALL") == "1"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def missing(what: str) -> None:
    """Skip for a missing dependency, or fail when CI requires everything."""
    if REQUIRE_ALL:
        pytest.fail(f"{what} is required (SLOTKEEPER_REQUIRE_ALL=1)")
    pytest.skip(f"{what} is not available")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def register(client: Any, email: str | None = None, password: str = "correct-horse-1") -> dict:
    """A new user and its bearer headers: ``{"id", "email", "headers"}``."""
    email = email or f"{unique('user')}@example.com"
    user = ok(client.post(f"{API}/auth/register",
                          json={"email": email, "password": password, "name": "Test User"}), 201)
    token = ok(client.post(f"{API}/auth/token", json={"email": email, "password": password}))
    return {**user, "headers": {"Authorization": f"Bearer {token['access_token']}"}}


def make_org(client: Any, owner: dict, **fields: Any) -> dict:
    body = {"name": unique("Org"), "timezone": "Europe/London", "currency": "EUR", **fields}
    return ok(client.post(f"{API}/organizations", json=body, headers=owner["headers"]), 201)


def make_location(client: Any, owner: dict, org: dict, **fields: Any) -> dict:
    body = {"name": unique("Branch"), "city": "London", **fields}
    return ok(client.post(f"{API}/organizations/{org['id']}/locations", json=body,
                          headers=owner["headers"]), 201)


def make_provider(client: Any, owner: dict, org: dict, **fields: Any) -> dict:
    body = {"name": unique("Provider"), "timezone": org["timezone"], **fields}
    return ok(client.post(f"{API}/organizations/{org['id']}/providers", json=body,
                          headers=owner["headers"]), 201)


def make_service(client: Any, owner: dict, org: dict, providers: list[dict], **fields: Any
                 ) -> dict:
    body = {"name": unique("Service"), "duration_minutes": 60, "price": "50.00",
            "provider_ids": [p["id"] for p in providers], **fields}
    return ok(client.post(f"{API}/organizations/{org['id']}/services", json=body,
                          headers=owner["headers"]), 201)


def set_hours(client: Any, owner: dict, provider: dict, start: str = "09:00", end: str = "17:00",
              days: list[str] | None = None) -> list[dict]:
    windows = [{"day": d, "start": start, "end": end} for d in (days or WEEKDAYS)]
    return ok(client.put(f"{API}/providers/{provider['id']}/weekly-hours", json=windows,
                         headers=owner["headers"]))


def make_world(client: Any, *, timezone: str = "Europe/London", hours: tuple[str, str] =
               ("09:00", "17:00"), days: list[str] | None = None, **service_fields: Any) -> dict:
    """Owner, organization, one provider with weekly hours, one service."""
    owner = register(client)
    org = make_org(client, owner, timezone=timezone)
    provider = make_provider(client, owner, org, timezone=timezone)
    set_hours(client, owner, provider, *hours, days=days)
    service = make_service(client, owner, org, [provider], **service_fields)
    return {"owner": owner, "org": org, "provider": provider, "service": service}


def booking_body(world: dict, start: str, **fields: Any) -> dict:
    return {"service_id": world["service"]["id"], "provider_id": world["provider"]["id"],
            "start": start, "customer": {"name": "Guest", "email": "guest@example.com"}, **fields}


def slots(client: Any, world: dict, start_date: str, end_date: str | None = None,
          timezone: str | None = None, **params: Any) -> list[dict]:
    query = {"start_date": start_date, "end_date": end_date or start_date,
             "timezone": timezone or world["org"]["timezone"], **params}
    return ok(client.get(f"{API}/services/{world['service']['id']}/slots", params=query))["slots"]


# --- API test helpers (appended for tests/api) ---------------------------------------------

PROBLEM_JSON = "application/problem+json"


def problem(response: Any, status: int) -> dict:
    """Assert an RFC 9457 problem answer with ``status``; returns its body."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].split(";")[0] == PROBLEM_JSON, response.headers
    body = response.json()
    assert body["status"] == status, body
    for field in ("type", "title", "detail"):
        assert isinstance(body[field], str) and body[field], (field, body)
    if status == 422:
        assert isinstance(body["errors"], list) and body["errors"], body
    return body


def book(client: Any, world: dict, start: str, headers: dict | None = None, **fields: Any
         ) -> dict:
    """Book ``start`` (expects 201) and return the booking."""
    return ok(client.post(f"{API}/bookings", json=booking_body(world, start, **fields),
                          headers=headers), 201)


def starts(slot_list: list[dict]) -> list[str]:
    return [s["start"] for s in slot_list]


def clock_times(slot_list: list[dict]) -> list[str]:
    """``HH:MM`` of each start, in the time zone the slots were asked in."""
    return [s["start"][11:16] for s in slot_list]


def grid(first: str, last: str, step_minutes: int) -> list[str]:
    """``HH:MM`` from ``first`` to ``last`` inclusive, every ``step_minutes``."""
    def minutes(text: str) -> int:
        hours, mins = text.split(":")
        return int(hours) * 60 + int(mins)
    return [f"{m // 60:02d}:{m % 60:02d}"
            for m in range(minutes(first), minutes(last) + 1, step_minutes)]


def login(client: Any, user: dict, password: str = "correct-horse-1") -> dict:
    """Fresh bearer headers for ``user`` (tokens expire when a test moves the clock)."""
    token = ok(client.post(f"{API}/auth/token",
                           json={"email": user["email"], "password": password}))
    return {"Authorization": f"Bearer {token['access_token']}"}
