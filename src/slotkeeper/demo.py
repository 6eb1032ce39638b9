"""Demo data: a clinic, a salon and a coaching practice in three cities and time zones.

Idempotent: organizations are found by slug; anything already there is left as it is.
Everything goes through the same services as the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts import repository as accounts_repository
from slotkeeper.accounts.models import User
from slotkeeper.accounts.service import register
from slotkeeper.availability.schemas import WeeklyWindowIn
from slotkeeper.availability.service import calendars, rules_for, set_weekly_hours
from slotkeeper.bookings.creating import book_slot
from slotkeeper.bookings.schemas import BookingIn, CustomerIn, SeriesIn
from slotkeeper.bookings.series import book_series
from slotkeeper.bookings.visits import plan_visit
from slotkeeper.catalog import service as catalog
from slotkeeper.catalog.models import Organization, Provider, Service
from slotkeeper.catalog.schemas import (
    LocationIn,
    OrganizationIn,
    ProviderIn,
    ServiceIn,
)
from slotkeeper.catalog.visibility import Visibility
from slotkeeper.connections import service as connections
from slotkeeper.connections.schemas import ConnectionIn
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import SlotRules, generate_slots
from slotkeeper.kit.clock import Clock
from slotkeeper.kit.database import Database
from slotkeeper.kit.settings import Settings
from slotkeeper.kit.types import zone
from slotkeeper.waitlist import service as waitlist
from slotkeeper.waitlist.schemas import WaitlistJoinIn

DEMO_EMAIL = "owner@demo.slotkeeper.dev"
DEMO_PASSWORD = "demo-password"
CUSTOMER_EMAIL = "customer@demo.slotkeeper.dev"
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


async def _user(session: AsyncSession, email: str, name: str, now: datetime) -> User:
    user = await accounts_repository.user_by_email(session, email)
    if user is None:
        user = await register(session, email, DEMO_PASSWORD, name, now)
    return user


async def _first_free(
    session: AsyncSession, provider: Provider, rules: SlotRules, now: datetime, skip: int = 0
) -> datetime | None:
    span = TimeRange(now + timedelta(days=1), now + timedelta(days=15))
    cal = (await calendars(session, [provider], span, rules, now))[provider.id]
    free = generate_slots(cal.windows, cal.busy, rules, now, span, cal.origins)
    return free[min(skip, len(free) - 1)].start if free else None


def _guest(n: int) -> CustomerIn:
    return CustomerIn(name=f"Demo Guest {n}", email=f"guest{n}@demo.slotkeeper.dev")


async def _lifecycle_examples(
    session: AsyncSession,
    spec: DemoOrg,
    org: Organization,
    providers: list[Provider],
    services: list[Service],
    customer: User,
    now: datetime,
    secret: str,
) -> list[str]:
    """One of each lifecycle feature, placed in the organization it suits."""
    done: list[str] = []
    book = partial(book_slot, now=now, hold_ttl=timedelta(minutes=10), secret_key=secret)
    if spec.slug == "riverside-clinic":
        group = await catalog.create_service(
            session,
            org,
            ServiceIn(
                name="Back-care group class",
                duration_minutes=60,
                price="20.00",
                capacity=8,
                slot_step_minutes=60,
                provider_ids=[providers[-1].id],
            ),
        )
        start = await _first_free(session, providers[-1], rules_for(group, 60), now, skip=2)
        for n in range(3) if start else ():
            await book(
                session,
                BookingIn(
                    service_id=group.id,
                    provider_id=providers[-1].id,
                    start=start,
                    customer=_guest(n),
                ),
                None,
            )
        today = now.astimezone(zone(spec.timezone)).date()
        await waitlist.join(
            session,
            customer,
            WaitlistJoinIn(
                provider_id=providers[0].id,
                service_id=services[0].id,
                date_from=today + timedelta(days=1),
                date_to=today + timedelta(days=7),
            ),
            now,
        )
        if start is not None:
            done.append("a group class with 3 of 8 seats taken")
        done.append("a waitlist entry")
    elif spec.slug == "studio-nine-salon":
        haircut, colour, blow_dry = services
        extras = [colour.id, blow_dry.id]
        visit = await plan_visit(session, haircut, haircut.duration_minutes, extras)
        start = await _first_free(session, providers[0], visit.rules, now, skip=3)
        if start is not None:
            await book(
                session,
                BookingIn(
                    service_id=haircut.id,
                    provider_id=providers[0].id,
                    start=start,
                    customer=_guest(10),
                    extra_service_ids=extras,
                ),
                None,
            )
            done.append("a haircut + colour + blow-dry visit")
    elif spec.slug == "northstar-coaching":
        coach = providers[0]
        call = await catalog.create_service(
            session,
            org,
            ServiceIn(
                name="Discovery call",
                duration_minutes=30,
                price="0.00",
                requires_approval=True,
                slot_step_minutes=30,
                provider_ids=[coach.id],
            ),
        )
        start = await _first_free(session, coach, rules_for(call, 30), now, skip=1)
        if start is not None:
            await book(
                session,
                BookingIn(
                    service_id=call.id, provider_id=coach.id, start=start, customer=_guest(20)
                ),
                None,
            )
            done.append("a request awaiting approval")
        session_service = services[0]
        first = await _first_free(session, coach, rules_for(session_service, 60), now, skip=5)
        if first is not None:
            await book_series(
                session,
                SeriesIn(
                    service_id=session_service.id,
                    provider_id=coach.id,
                    start=first,
                    count=8,
                    mode="book_free",
                ),
                customer,
                now,
                secret,
                timedelta(hours=48),
            )
            done.append("a weekly series of 8 sessions")
        members = await catalog.create_provider(
            session,
            org,
            ProviderIn(name="Jonas Weber", timezone=spec.timezone, visibility=Visibility.CONNECTED),
        )
        await connections.request_connection(
            session, members.id, customer, ConnectionIn(message="Frida sent me."), now
        )
        done.append("a members-only coach with a connection request")
    return done


async def _book_first_free(
    session: AsyncSession,
    org_services: list[Service],
    providers: list[Provider],
    now: datetime,
    secret: str,
    count: int,
) -> int:
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
            owner = await _user(session, DEMO_EMAIL, "Demo Owner", now)
            customer = await _user(session, CUSTOMER_EMAIL, "Demo Customer", now)
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
                            WeeklyWindowIn(day=day, start=start, end=end)
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
                extras = await _lifecycle_examples(
                    session, spec, org, providers, services, customer, now, settings.signing_key
                )
                made.append(
                    f"{spec.name} ({spec.city}): {len(providers)} providers, "
                    f"{len(services)} services, {booked} bookings"
                    + "".join(f"; {extra}" for extra in extras)
                )
    finally:
        await db.dispose()
    logins = [
        f"owner login: {DEMO_EMAIL} / {DEMO_PASSWORD}",
        f"customer login: {CUSTOMER_EMAIL} / {DEMO_PASSWORD}",
    ]
    if not made:
        return "\n".join(["demo data already present; nothing to do", *logins])
    return "\n".join(["loaded demo data:", *made, *logins])
