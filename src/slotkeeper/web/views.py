"""What the pages show, loaded through the catalog and booking use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.bookings.expiry import ran_out
from slotkeeper.bookings.history import STAFF
from slotkeeper.bookings.lifecycle import actor_for, load, refund_quote
from slotkeeper.bookings.models import Booking
from slotkeeper.bookings.visits import items_of, visit_of
from slotkeeper.catalog import repository as catalog
from slotkeeper.catalog.models import Location, Organization, Provider, Service
from slotkeeper.catalog.service import get_organization, get_service
from slotkeeper.catalog.visibility import visible
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.policies import reschedule_allowed
from slotkeeper.web.choice import lengths_of


@dataclass(frozen=True)
class ProviderCard:
    provider: Provider
    services: list[Service]
    locations: list[Location]


@dataclass(frozen=True)
class OrganizationView:
    org: Organization
    locations: list[Location]
    providers: list[ProviderCard]
    # The lengths (minutes, price) of each service that comes in several.
    lengths: dict[uuid.UUID, list[tuple[int, int]]] = field(default_factory=dict)


async def organization_view(
    session: AsyncSession, org_id: uuid.UUID, user: User | None = None
) -> OrganizationView:
    """The organization with the providers the visitor may see and the services each
    offers."""
    org = await get_organization(session, org_id)
    locations = await catalog.locations_of(session, [org.id])
    providers = await visible(session, await catalog.providers_of_org(session, org.id), user)
    services = await catalog.services_of_org(session, org.id)
    offered_by = await catalog.provider_ids_of_services(session, [s.id for s in services])
    located = await catalog.location_ids_of_providers(session, [p.id for p in providers])
    cards = [
        ProviderCard(
            p,
            [s for s in services if p.id in offered_by[s.id]],
            [loc for loc in locations if loc.id in located[p.id]],
        )
        for p in providers
    ]
    lengths = {s.id: found for s in services if (found := lengths_of(s))}
    return OrganizationView(org, locations, [c for c in cards if c.services], lengths)


@dataclass(frozen=True)
class Line:
    name: str
    start: datetime
    end: datetime
    minutes: int
    price_minor: int


@dataclass
class BookingView:
    booking: Booking
    org: Organization
    provider: Provider
    lines: list[Line]
    locations: list[Location]
    token: str
    tz: str
    refund_minor: int = 0
    can_cancel: bool = False
    can_move: bool = False
    move_cutoff_hours: int = 0
    service_ids: list[uuid.UUID] = field(default_factory=list)
    suggested: list[datetime] = field(default_factory=list)

    @property
    def status(self) -> BookingStatus:
        return BookingStatus(self.booking.status)

    @property
    def title(self) -> str:
        return f"{' + '.join(line.name for line in self.lines)} with {self.provider.name}"


CANCELLABLE = {
    BookingStatus.HELD,
    BookingStatus.REQUESTED,
    BookingStatus.TIME_SUGGESTED,
    BookingStatus.CONFIRMED,
}


async def _lines(session: AsyncSession, booking: Booking, first: Service) -> list[Line]:
    items = (await items_of(session, [booking.id])).get(booking.id)
    if not items:
        return [
            Line(
                first.name,
                booking.start_at,
                booking.end_at,
                booking.duration_minutes,
                booking.base_minor,
            )
        ]
    lines = []
    for item in items:
        svc = await get_service(session, item.service_id)
        lines.append(
            Line(svc.name, item.start_at, item.end_at, item.duration_minutes, item.price_minor)
        )
    return lines


async def guest_booking(
    session: AsyncSession,
    booking_id: uuid.UUID,
    token: str,
    tz: str | None,
    now: datetime,
    user: User | None = None,
) -> BookingView:
    """The booking its manage token (or the signed-in account) opens, else 401/403/404
    from the booking use cases, with what the guest or customer may do next."""
    booking = await load(session, booking_id)
    actor = await actor_for(session, booking, user, token or None)
    org = await get_organization(session, booking.organization_id)
    provider = await session.get(Provider, booking.provider_id)
    first = await get_service(session, booking.service_id)
    assert provider is not None  # a foreign key
    lines = await _lines(session, booking, first)
    status = BookingStatus(booking.status)
    started = booking.start_at <= now
    cutoff = timedelta(hours=first.reschedule_cutoff_hours)
    view = BookingView(
        booking=booking,
        org=org,
        provider=provider,
        lines=lines,
        locations=await _provider_locations(session, provider),
        token=token,
        tz=tz or org.timezone,
        refund_minor=await refund_quote(session, booking, actor, now),
        can_cancel=status in CANCELLABLE and not started and not ran_out(booking, now),
        can_move=status is BookingStatus.CONFIRMED
        and reschedule_allowed(now, booking.start_at, cutoff),
        move_cutoff_hours=first.reschedule_cutoff_hours,
        service_ids=[s.id for s in (await visit_of(session, booking, first)).services],
        suggested=[datetime.fromisoformat(t) for t in booking.suggested_starts or []]
        if status is BookingStatus.TIME_SUGGESTED and actor not in STAFF
        else [],
    )
    return view


async def _provider_locations(session: AsyncSession, provider: Provider) -> list[Location]:
    located = await catalog.location_ids_of_providers(session, [provider.id])
    every = await catalog.locations_of(session, [provider.organization_id])
    return [loc for loc in every if loc.id in located[provider.id]]
