from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import Membership
from slotkeeper.bookings.models import Booking, Series
from slotkeeper.catalog.models import (
    Location,
    Organization,
    Provider,
    ProviderLocation,
    Service,
    ServiceProvider,
)
from slotkeeper.connections.models import Connection, ConnectionStatus


async def slug_taken(session: AsyncSession, slug: str) -> bool:
    result = await session.execute(select(Organization.id).where(Organization.slug == slug))
    return result.first() is not None


async def search_organizations(
    session: AsyncSession, q: str | None, city: str | None, limit: int, offset: int
) -> list[Organization]:
    query = select(Organization)
    if q or city:
        query = query.outerjoin(Location, Location.organization_id == Organization.id)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            or_(
                func.lower(Organization.name).like(pattern), func.lower(Location.name).like(pattern)
            )
        )
    if city:
        query = query.where(func.lower(Location.city) == city.lower())
    query = (
        query.distinct().order_by(Organization.name, Organization.id).limit(limit).offset(offset)
    )
    return list((await session.execute(query)).scalars())


async def locations_of(session: AsyncSession, org_ids: Sequence[uuid.UUID]) -> list[Location]:
    if not org_ids:
        return []
    result = await session.execute(
        select(Location).where(Location.organization_id.in_(org_ids)).order_by(Location.name)
    )
    return list(result.scalars())


async def location_ids_in(
    session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    result = await session.execute(
        select(Location.id).where(Location.organization_id == org_id, Location.id.in_(ids))
    )
    return set(result.scalars())


async def provider_ids_in(
    session: AsyncSession, org_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    result = await session.execute(
        select(Provider.id).where(Provider.organization_id == org_id, Provider.id.in_(ids))
    )
    return set(result.scalars())


async def providers_of_org(session: AsyncSession, org_id: uuid.UUID) -> list[Provider]:
    result = await session.execute(
        select(Provider).where(Provider.organization_id == org_id).order_by(Provider.name)
    )
    return list(result.scalars())


async def services_of_org(session: AsyncSession, org_id: uuid.UUID) -> list[Service]:
    result = await session.execute(
        select(Service).where(Service.organization_id == org_id).order_by(Service.name)
    )
    return list(result.scalars())


async def location_ids_of_providers(
    session: AsyncSession, provider_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    out: dict[uuid.UUID, list[uuid.UUID]] = {pid: [] for pid in provider_ids}
    if provider_ids:
        result = await session.execute(
            select(ProviderLocation.provider_id, ProviderLocation.location_id).where(
                ProviderLocation.provider_id.in_(provider_ids)
            )
        )
        for pid, lid in result.all():
            out[pid].append(lid)
    return out


async def provider_ids_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    out: dict[uuid.UUID, list[uuid.UUID]] = {sid: [] for sid in service_ids}
    if service_ids:
        result = await session.execute(
            select(ServiceProvider.service_id, ServiceProvider.provider_id).where(
                ServiceProvider.service_id.in_(service_ids)
            )
        )
        for sid, pid in result.all():
            out[sid].append(pid)
    return out


async def providers_offering(session: AsyncSession, service_id: uuid.UUID) -> list[Provider]:
    result = await session.execute(
        select(Provider)
        .join(ServiceProvider, ServiceProvider.provider_id == Provider.id)
        .where(ServiceProvider.service_id == service_id)
        .order_by(Provider.id)
    )
    return list(result.scalars())


async def service_with_provider(
    session: AsyncSession, service_id: uuid.UUID, provider_id: uuid.UUID, lock: bool
) -> tuple[Service, Provider, Organization] | None:
    """The service, a provider who offers it and their organization, in one query.

    With ``lock`` on PostgreSQL the provider row is locked until the transaction ends, so
    bookings of one provider are checked and inserted one at a time (SQLite's write
    transactions are serial already).
    """
    query = (
        select(Service, Provider, Organization)
        .join(ServiceProvider, ServiceProvider.service_id == Service.id)
        .join(Provider, Provider.id == ServiceProvider.provider_id)
        .join(Organization, Organization.id == Service.organization_id)
        .where(Service.id == service_id, Provider.id == provider_id)
    )
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Provider)
    row = (await session.execute(query)).first()
    return (row[0], row[1], row[2]) if row is not None else None


async def standing_with_providers(
    session: AsyncSession,
    provider_ids: Sequence[uuid.UUID],
    user_id: uuid.UUID,
    manager_roles: Collection[str],
) -> dict[uuid.UUID, tuple[bool, bool]]:
    """For each provider: (the user manages its organization, the user's connection to it
    was accepted). One query for any number of providers."""
    manages = (
        select(Membership.user_id)
        .where(
            Membership.organization_id == Provider.organization_id,
            Membership.user_id == user_id,
            Membership.role.in_(manager_roles),
        )
        .exists()
    )
    connected = (
        select(Connection.id)
        .where(
            Connection.provider_id == Provider.id,
            Connection.customer_user_id == user_id,
            Connection.status == ConnectionStatus.ACCEPTED,
        )
        .exists()
    )
    result = await session.execute(
        select(Provider.id, manages, connected).where(Provider.id.in_(provider_ids))
    )
    return {pid: (bool(m), bool(c)) for pid, m, c in result.all()}


async def replace_service_providers(
    session: AsyncSession, service: Service, provider_ids: Sequence[uuid.UUID]
) -> None:
    """Who offers ``service`` from now on (its bookings keep their providers)."""
    await session.execute(delete(ServiceProvider).where(ServiceProvider.service_id == service.id))
    session.add_all(
        ServiceProvider(
            organization_id=service.organization_id, service_id=service.id, provider_id=pid
        )
        for pid in provider_ids
    )
    await session.flush()


async def replace_provider_locations(
    session: AsyncSession, provider: Provider, location_ids: Sequence[uuid.UUID]
) -> None:
    """Where ``provider`` works from now on."""
    await session.execute(
        delete(ProviderLocation).where(ProviderLocation.provider_id == provider.id)
    )
    session.add_all(
        ProviderLocation(
            organization_id=provider.organization_id, provider_id=provider.id, location_id=lid
        )
        for lid in location_ids
    )
    await session.flush()


async def lock_provider(session: AsyncSession, provider_id: uuid.UUID) -> None:
    """On PostgreSQL, wait for bookings of this provider being made now (they lock its row
    too, see ``service_with_provider``); SQLite's write transactions are serial already."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            select(Provider.id).where(Provider.id == provider_id).with_for_update()
        )


async def provider_has_bookings(session: AsyncSession, provider_id: uuid.UUID) -> bool:
    """Whether any booking or recurring series, in any status, names this provider."""
    for column in (Booking.provider_id, Series.provider_id):
        found = await session.execute(select(column).where(column == provider_id).limit(1))
        if found.first() is not None:
            return True
    return False
