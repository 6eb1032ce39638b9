"""Demo data: a clinic, a salon and a coaching practice in three cities and time zones.

Idempotent: organizations are found by slug; anything already there is left as it is.
Everything goes through the same services as the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts import repository as accounts_repository
from slotkeeper.accounts.models import User
from slotkeeper.accounts.service import register
from slotkeeper.availability.schemas import WeeklyWindowIn
from slotkeeper.availability.service import calendars, rules_for, set_weekly_hours
from slotkeeper.bookings.schemas import BookingIn, CustomerIn
from slotkeeper.bookings.service import book_slot
from slotkeeper.catalog import service as catalog
from slotkeeper.catalog.models import Organization
from slotkeeper.catalog.schemas import LocationIn, OrganizationIn, ProviderIn, ServiceIn
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import generate_slots
from slotkeeper.kit.clock import Clock
from slotkeeper.kit.database import Database
from slotkeeper.kit.settings import Settings

DEMO_EMAIL = "owner@demo.slotkeeper.dev"
DEMO_PASSWORD = "demo-password"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


@dataclass
class DemoService:
    name: str
    minutes: int
    price: str
    options: list[int] = field(default_factory=list)
    buffer_after: int = 0
    step: int = 15


@dataclass
class DemoOrg:
    name: str
    slug: str
    timezone: str
    currency: str
    city: str
    address: str
    providers: list[str]
    hours: list[tuple[str, str]]
    services: list[DemoService]
    days: tuple[str, ...] = WEEKDAYS


ORGS = [
    DemoOrg(
        "Riverside Clinic",
        "riverside-clinic",
        "Europe/London",
        "GBP",
        "London",
        "12 Thames Walk",
        ["Dr Amara Okafor", "Dr Ben Hughes", "Dr Chloe Patel"],
        [("08:30", "12:30"), ("13:30", "17:30")],
        [
            DemoService("General consultation", 15, "45.00", step=15),
            DemoService("Extended consultation", 30, "80.00", buffer_after=5),
        ],
    ),
    DemoOrg(
        "Studio Nine Salon",
        "studio-nine-salon",
        "America/New_York",
        "USD",
        "New York",
        "9 Bleecker Street",
        ["Dana Rivera", "Eli Brooks"],
        [("10:00", "19:00")],
        [
            DemoService("Haircut", 45, "55.00", buffer_after=15),
            DemoService("Colour", 90, "120.00", options=[90, 120], buffer_after=15),
            DemoService("Blow-dry", 30, "35.00"),
        ],
        days=("tuesday", "wednesday", "thursday", "friday", "saturday"),
    ),
    DemoOrg(
        "Northstar Coaching",
        "northstar-coaching",
        "Europe/Berlin",
        "EUR",
        "Berlin",
        "Torstraße 1",
        ["Frida Lang"],
        [("09:00", "13:00"), ("15:00", "18:00")],
        [DemoService("Coaching session", 60, "90.00", options=[30, 60, 90], step=30)],
    ),
]


async def _owner(session: AsyncSession, now: datetime) -> User:
    user = await accounts_repository.user_by_email(session, DEMO_EMAIL)
    if user is None:
        user = await register(session, DEMO_EMAIL, DEMO_PASSWORD, "Demo Owner", now)
    return user


async def _book_first_free(
    session: AsyncSession, org_services, providers, now: datetime, secret: str, count: int
) -> int:  # type: ignore[no-untyped-def]
    booked = 0
    span = TimeRange(now + timedelta(days=1), now + timedelta(days=8))
    for i in range(count):
        service = org_services[i % len(org_services)]
        provider = providers[i % len(providers)]
        rules = rules_for(service, service.duration_minutes)
        cal = (await calendars(session, [provider], span, rules, now))[provider.id]
        free = generate_slots(cal.windows, cal.busy, rules, now, span, cal.origins)
        if not free:
            continue
        start = free[(i * 7) % len(free)].start
        await book_slot(
            session,
            BookingIn(
                service_id=service.id,
                provider_id=provider.id,
                start=start,
                customer=CustomerIn(
                    name=f"Demo Customer {i + 1}", email=f"customer{i + 1}@demo.slotkeeper.dev"
                ),
                hold=False,
            ),
            None,
            now,
            timedelta(minutes=10),
            secret,
        )
        booked += 1
    return booked


async def load_demo(settings: Settings, clock: Clock | None = None) -> str:
    now = (clock or Clock()).now().astimezone(UTC)
    db = Database(settings.database_url)
    made: list[str] = []
    try:
        async with db.write() as session:
            owner = await _owner(session, now)
            for spec in ORGS:
                found = await session.execute(
                    select(Organization).where(Organization.slug == spec.slug)
                )
                if found.scalar_one_or_none() is not None:
                    continue
                org = await catalog.create_organization(
                    session,
                    owner,
                    OrganizationIn(
                        name=spec.name,
                        slug=spec.slug,
                        timezone=spec.timezone,
                        currency=spec.currency,
                    ),
                    now,
                )
                location = await catalog.create_location(
                    session,
                    org,
                    LocationIn(
                        name=f"{spec.name} {spec.city}", city=spec.city, address=spec.address
                    ),
                )
                providers = []
                for name in spec.providers:
                    provider = await catalog.create_provider(
                        session,
                        org,
                        ProviderIn(name=name, timezone=spec.timezone, location_ids=[location.id]),
                    )
                    await set_weekly_hours(
                        session,
                        provider,
                        [
                            WeeklyWindowIn(day=day, start=start, end=end)  # type: ignore[arg-type]
                            for day in spec.days
                            for start, end in spec.hours
                        ],
                    )
                    providers.append(provider)
                services = [
                    await catalog.create_service(
                        session,
                        org,
                        ServiceIn(
                            name=s.name,
                            duration_minutes=s.minutes,
                            price=s.price,
                            provider_ids=[p.id for p in providers],
                            duration_options=s.options or None,
                            buffer_after_minutes=s.buffer_after,
                            slot_step_minutes=s.step,
                        ),
                    )
                    for s in spec.services
                ]
                booked = await _book_first_free(
                    session, services, providers, now, settings.signing_key, 6
                )
                made.append(
                    f"{spec.name} ({spec.city}): {len(providers)} providers, "
                    f"{len(services)} services, {booked} bookings"
                )
    finally:
        await db.dispose()
    if not made:
        return "demo data already present; nothing to do"
    return "\n".join(["loaded demo data:", *made, f"owner login: {DEMO_EMAIL} / {DEMO_PASSWORD}"])
