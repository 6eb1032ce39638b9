"""The data each benchmark needs, built through the public API of a served instance."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
from tests.support import (
    API,
    booking_body,
    make_org,
    make_provider,
    make_service,
    make_world,
    ok,
    register,
    set_hours,
)

from bench.plan import SlotPlan

SLOTS_TZ = "Europe/London"
HOURS = ("09:00", "17:00")  # 16 half-hour places a day
SLOT_DAYS = 30
EXISTING_BOOKINGS = 200


def tomorrow(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date() + timedelta(days=1)


@dataclass
class SlotsWorld:
    busy: dict  # one provider, hours every day, a 30-minute service, 200 bookings
    empty: dict  # the same without bookings
    first_day: date
    bookings: int


def slots_world(client: httpx.Client, seed: int = 7) -> SlotsWorld:
    busy = make_world(client, timezone=SLOTS_TZ, hours=HOURS, duration_minutes=30)
    empty = make_world(client, timezone=SLOTS_TZ, hours=HOURS, duration_minutes=30)
    first = tomorrow(SLOTS_TZ)
    zone = ZoneInfo(SLOTS_TZ)
    opening = time.fromisoformat(HOURS[0])
    places = [(day, half) for day in range(SLOT_DAYS) for half in range(16)]
    for day, half in random.Random(seed).sample(places, EXISTING_BOOKINGS):
        local = datetime.combine(first + timedelta(days=day), opening, zone)
        start = (local + timedelta(minutes=30 * half)).isoformat()
        ok(client.post(f"{API}/bookings", json=booking_body(busy, start)), 201)
    return SlotsWorld(busy, empty, first, EXISTING_BOOKINGS)


@dataclass
class BookingWorld:
    owner: dict
    org: dict
    service: dict
    providers: list[dict]  # the load's providers
    race_provider: dict
    plan: SlotPlan
    price_minor: int
    first_day: date


def booking_world(client: httpx.Client, providers: int = 8, days: int = 360) -> BookingWorld:
    """An organization in UTC whose providers work around the clock every day, and a
    30-minute service on a 30-minute grid bookable a year ahead: ``48 * days`` distinct
    starts per provider. One extra provider is kept free for the race."""
    owner = register(client)
    org = make_org(client, owner, timezone="UTC")
    staff = [make_provider(client, owner, org, timezone="UTC") for _ in range(providers + 1)]
    for p in staff:
        set_hours(client, owner, p, "00:00", "24:00")
    service = make_service(
        client,
        owner,
        org,
        staff,
        duration_minutes=30,
        slot_step_minutes=30,
        max_advance_days=days + 30,
    )
    first = tomorrow("UTC")
    plan = SlotPlan(
        service_id=service["id"],
        provider_ids=[p["id"] for p in staff[:providers]],
        first_start=datetime.combine(first, time(0), UTC).isoformat(),
        step_minutes=30,
        slots_per_provider=48 * days,
    )
    price_minor = int(Decimal(service["price"]) * 100)
    return BookingWorld(owner, org, service, staff[:providers], staff[-1], plan, price_minor, first)


def race_bodies(world: BookingWorld, times: int = 10) -> list[dict]:
    """``times`` distinct starts on the race provider."""
    day = datetime.combine(world.first_day + timedelta(days=3), time(8), UTC)
    return [
        {
            "service_id": world.service["id"],
            "provider_id": world.race_provider["id"],
            "start": (day + timedelta(minutes=30 * i)).isoformat(),
            "customer": {"name": "Racer", "email": "racer@example.com"},
        }
        for i in range(times)
    ]
