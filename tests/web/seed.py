"""Organizations for the browser tests, made through the API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import (
    API,
    make_location,
    make_org,
    make_provider,
    make_service,
    ok,
    register,
    set_hours,
    unique,
)

SALON_DAYS = ["tuesday", "wednesday", "thursday", "friday", "saturday"]


def make_salon(api: httpx.Client, showcase: bool = False, **haircut: Any) -> dict[str, Any]:
    """A salon in New York: two stylists working Tuesday to Saturday 10:00-18:00; a
    haircut, a colour, a group class and a consultation that needs approval, offered by
    the first stylist. Its names are unique (a search finds only it), or for the one
    ``showcase`` salon of a session (its screenshots go into the README) plain ones."""

    def name(text: str) -> str:
        return text if showcase else unique(text)

    owner = register(api)
    city = "New York" if showcase else unique("New York")
    org = make_org(
        api, owner, name=name("Studio Nine Salon"), timezone="America/New_York", currency="USD"
    )
    location = make_location(
        api, owner, org, name="Studio Nine Soho", city=city, address="9 Bleecker Street"
    )
    stylist = make_provider(
        api, owner, org, name=name("Dana Rivera"), location_ids=[location["id"]]
    )
    other = make_provider(api, owner, org, name=name("Eli Brooks"), location_ids=[location["id"]])
    for person in (stylist, other):
        set_hours(api, owner, person, "10:00", "18:00", days=SALON_DAYS)
    services = {
        "haircut": make_service(
            api,
            owner,
            org,
            [stylist, other],
            name="Haircut",
            duration_minutes=45,
            price="55.00",
            buffer_after_minutes=15,
            **haircut,
        ),
        "colour": make_service(
            api, owner, org, [stylist], name="Colour", duration_minutes=90, price="120.00"
        ),
        "class": make_service(
            api,
            owner,
            org,
            [stylist],
            name="Styling class",
            duration_minutes=60,
            price="30.00",
            capacity=4,
            slot_step_minutes=60,
        ),
        "consultation": make_service(
            api,
            owner,
            org,
            [stylist],
            name="Consultation",
            duration_minutes=30,
            price="20.00",
            requires_approval=True,
        ),
    }
    return {
        "owner": owner,
        "org": org,
        "city": city,
        "stylist": stylist,
        "other": other,
        **services,
    }


def free_slots(
    api: httpx.Client,
    service: dict,
    provider: dict,
    days: int = 14,
    tz: str = "America/New_York",
    ahead: int = 0,
    **params: Any,
) -> list[dict]:
    """The API's free slots over the next ``days`` days (the pages must agree with it),
    from ``ahead`` days after today: a test that moves or cancels a booking books at least
    two days ahead, outside every cut-off whatever the time of day it runs."""
    import datetime as dt

    today = dt.date.today() + dt.timedelta(days=ahead)
    query = {
        "start_date": str(today),
        "end_date": str(today + dt.timedelta(days=days)),
        "timezone": tz,
        "provider_id": provider["id"],
        **params,
    }
    return ok(api.get(f"{API}/services/{service['id']}/slots", params=query))["slots"]


def book_guest(
    api: httpx.Client, service: dict, provider: dict, start: str, name: str = "Grace Hopper"
) -> dict:
    body = {
        "service_id": service["id"],
        "provider_id": provider["id"],
        "start": start,
        "customer": {"name": name, "email": "grace@example.com"},
    }
    return ok(api.post(f"{API}/bookings", json=body), 201)


def times_path(world: dict, *services: str, tz: str = "Europe/Paris") -> str:
    ids = "&".join(f"service_id={world[s]['id']}" for s in services)
    return f"/o/{world['org']['id']}/times?provider_id={world['stylist']['id']}&{ids}&tz={tz}"


PASSWORD = "correct-horse-1"


def provider_account(api: httpx.Client, world: dict, provider: str = "stylist") -> dict:
    """A new account linked to ``world[provider]`` (it acts as that provider)."""
    user = register(api)
    body = {"user_id": user["id"]}
    path = f"{API}/providers/{world[provider]['id']}/account"
    ok(api.put(path, json=body, headers=world["owner"]["headers"]))
    return user


def move_into_past(database_url: str, booking_id: str, hours: int = 2) -> None:
    """Make a booking start ``hours`` ago (the server's clock cannot be moved, and no
    booking can be made in the past): its times are rewritten in the SQLite file."""
    import datetime as dt
    import sqlite3

    path = database_url.removeprefix("sqlite:///")
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0) - dt.timedelta(hours=hours)
    with sqlite3.connect(path) as db:
        (minutes,) = db.execute(
            "SELECT duration_minutes FROM bookings WHERE id = ?", (booking_id.replace("-", ""),)
        ).fetchone()
        end = start + dt.timedelta(minutes=minutes)
        stamp = "%Y-%m-%d %H:%M:%S.%f"
        db.execute(
            "UPDATE bookings SET start_at = ?, end_at = ?, block_start = ?, block_end = ? "
            "WHERE id = ?",
            (
                start.strftime(stamp),
                end.strftime(stamp),
                start.strftime(stamp),
                end.strftime(stamp),
                booking_id.replace("-", ""),
            ),
        )
