from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.deps import CurrentUser, OptionalUser
from slotkeeper.accounts.models import User
from slotkeeper.catalog import repository, service
from slotkeeper.catalog.models import Location, Organization, Provider, Service
from slotkeeper.catalog.schemas import (
    LocationIn,
    LocationOut,
    LocationPatch,
    OrganizationIn,
    OrganizationOut,
    ProviderAccountIn,
    ProviderIn,
    ProviderOut,
    ProviderPatch,
    ServiceIn,
    ServiceOut,
    ServicePatch,
)
from slotkeeper.catalog.visibility import visible
from slotkeeper.domain.money import format_minor
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.types import NoNul
from slotkeeper.pricing.schemas import percent_text

router = APIRouter(tags=["catalog"])


def location_out(location: Location) -> LocationOut:
    return LocationOut.model_validate(location, from_attributes=True)


def organization_out(org: Organization, locations: list[Location]) -> OrganizationOut:
    return OrganizationOut(
        id=org.id,
        name=org.name,
        slug=org.slug,
        timezone=org.timezone,
        currency=org.currency,
        vat_percent=percent_text(org.vat_basis_points),
        vat_inclusive=org.vat_inclusive,
        platform_fee_percent=percent_text(org.platform_fee_basis_points),
        locations=[location_out(loc) for loc in locations if loc.organization_id == org.id],
    )


def provider_out(
    provider: Provider, location_ids: list[uuid.UUID], public: bool = False
) -> ProviderOut:
    """``public``: for anyone, so without the provider's email (personal data)."""
    return ProviderOut(
        id=provider.id,
        organization_id=provider.organization_id,
        name=provider.name,
        timezone=provider.timezone,
        email=None if public else provider.email,
        location_ids=location_ids,
        visibility=provider.visibility,
    )


def service_out(svc: Service, provider_ids: list[uuid.UUID]) -> ServiceOut:
    return ServiceOut(
        id=svc.id,
        organization_id=svc.organization_id,
        name=svc.name,
        duration_minutes=svc.duration_minutes,
        duration_options=svc.duration_options,
        price=format_minor(svc.price_minor, svc.currency),
        duration_prices={k: format_minor(v, svc.currency) for k, v in svc.duration_prices.items()}
        if svc.duration_prices
        else None,
        currency=svc.currency,
        provider_ids=provider_ids,
        capacity=svc.capacity,
        buffer_before_minutes=svc.buffer_before_minutes,
        buffer_after_minutes=svc.buffer_after_minutes,
        min_notice_minutes=svc.min_notice_minutes,
        max_advance_days=svc.max_advance_days,
        slot_step_minutes=svc.slot_step_minutes,
        requires_approval=svc.requires_approval,
        free_cancellation_hours=svc.free_cancellation_hours,
        late_refund_percent=svc.late_refund_percent,
        reschedule_cutoff_hours=svc.reschedule_cutoff_hours,
    )


@router.post(
    "/organizations",
    status_code=201,
    response_model=OrganizationOut,
    operation_id="createOrganization",
)
async def create_organization(
    body: OrganizationIn, user: CurrentUser, db: DB, clock: ClockDep
) -> OrganizationOut:
    async with db.write() as session:
        org = await service.create_organization(session, user, body, clock.now())
    return organization_out(org, [])


@router.get(
    "/organizations", response_model=list[OrganizationOut], operation_id="searchOrganizations"
)
async def search_organizations(
    db: DB,
    q: Annotated[str | None, Query(max_length=200), NoNul] = None,
    city: Annotated[str | None, Query(max_length=200), NoNul] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[OrganizationOut]:
    async with db.read() as session:
        orgs = await repository.search_organizations(session, q, city, limit, offset)
        locations = await repository.locations_of(session, [o.id for o in orgs])
    return [organization_out(o, locations) for o in orgs]


@router.get(
    "/organizations/{org_id}", response_model=OrganizationOut, operation_id="getOrganization"
)
async def get_organization(org_id: uuid.UUID, db: DB) -> OrganizationOut:
    async with db.read() as session:
        org = await service.get_organization(session, org_id)
        locations = await repository.locations_of(session, [org.id])
    return organization_out(org, locations)


@router.post(
    "/organizations/{org_id}/locations",
    status_code=201,
    response_model=LocationOut,
    operation_id="createLocation",
)
async def create_location(
    org_id: uuid.UUID, body: LocationIn, user: CurrentUser, db: DB
) -> LocationOut:
    async with db.write() as session:
        org = await service.managed_organization(session, org_id, user)
        location = await service.create_location(session, org, body)
    return location_out(location)


@router.patch("/locations/{location_id}", response_model=LocationOut, operation_id="updateLocation")
async def update_location(
    location_id: uuid.UUID, body: LocationPatch, user: CurrentUser, db: DB
) -> LocationOut:
    """Change a location (managers of its organization only): the fields sent, checked
    with the rest like a new location."""
    async with db.write() as session:
        location = await service.location_for_manager(session, location_id, user)
        await service.update_location(session, location, body)
    return location_out(location)


@router.delete(
    "/locations/{location_id}",
    status_code=204,
    response_class=Response,
    operation_id="deleteLocation",
)
async def delete_location(location_id: uuid.UUID, user: CurrentUser, db: DB) -> Response:
    """Remove a location; its providers stay, no longer linked to it."""
    async with db.write() as session:
        location = await service.location_for_manager(session, location_id, user)
        await service.delete_location(session, location)
    return Response(status_code=204)


@router.post(
    "/organizations/{org_id}/providers",
    status_code=201,
    response_model=ProviderOut,
    operation_id="createProvider",
)
async def create_provider(
    org_id: uuid.UUID, body: ProviderIn, user: CurrentUser, db: DB
) -> ProviderOut:
    async with db.write() as session:
        org = await service.managed_organization(session, org_id, user)
        provider = await service.create_provider(session, org, body)
    return provider_out(provider, list(dict.fromkeys(body.location_ids)))


@router.get(
    "/organizations/{org_id}/providers",
    response_model=list[ProviderOut],
    operation_id="listProviders",
)
async def list_providers(org_id: uuid.UUID, user: OptionalUser, db: DB) -> list[ProviderOut]:
    """The organization's providers the caller may see."""
    async with db.read() as session:
        org = await service.get_organization(session, org_id)
        providers = await repository.providers_of_org(session, org.id)
        providers = await visible(session, providers, user)
        locations = await repository.location_ids_of_providers(session, [p.id for p in providers])
    return [provider_out(p, locations[p.id], public=True) for p in providers]


@router.post(
    "/organizations/{org_id}/services",
    status_code=201,
    response_model=ServiceOut,
    operation_id="createService",
)
async def create_service(
    org_id: uuid.UUID, body: ServiceIn, user: CurrentUser, db: DB
) -> ServiceOut:
    async with db.write() as session:
        org = await service.managed_organization(session, org_id, user)
        svc = await service.create_service(session, org, body)
    return service_out(svc, body.provider_ids)


@router.get(
    "/organizations/{org_id}/services", response_model=list[ServiceOut], operation_id="listServices"
)
async def list_services(org_id: uuid.UUID, db: DB, user: OptionalUser) -> list[ServiceOut]:
    async with db.read() as session:
        org = await service.get_organization(session, org_id)
        services = await repository.services_of_org(session, org.id)
        providers = await repository.provider_ids_of_services(session, [s.id for s in services])
        seen = await _visible_ids(session, org.id, user)
    return [service_out(s, [p for p in providers[s.id] if p in seen]) for s in services]


@router.put(
    "/providers/{provider_id}/account",
    response_model=ProviderOut,
    operation_id="linkProviderAccount",
)
async def link_provider_account(
    provider_id: uuid.UUID, body: ProviderAccountIn, user: CurrentUser, db: DB
) -> ProviderOut:
    """Link the account that acts as this provider (its own calendar and bookings)."""
    async with db.write() as session:
        provider = await service.provider_for_manager(session, provider_id, user)
        await service.link_account(session, provider, body.user_id)
        locations = await repository.location_ids_of_providers(session, [provider.id])
    return provider_out(provider, locations[provider.id])


@router.patch("/providers/{provider_id}", response_model=ProviderOut, operation_id="updateProvider")
async def update_provider(
    provider_id: uuid.UUID, body: ProviderPatch, user: CurrentUser, db: DB
) -> ProviderOut:
    """Change a provider (name, time zone, email, locations, visibility: public, connected
    or private); managers only. The fields sent are checked with the rest like a new
    provider. Bookings keep their times (stored in UTC) when the time zone changes."""
    async with db.write() as session:
        provider = await service.provider_for_manager(session, provider_id, user)
        location_ids = await service.update_provider(session, provider, body)
    return provider_out(provider, location_ids)


@router.delete(
    "/providers/{provider_id}",
    status_code=204,
    response_class=Response,
    operation_id="deleteProvider",
    responses={409: {"description": "The provider has bookings"}},
)
async def delete_provider(provider_id: uuid.UUID, user: CurrentUser, db: DB) -> Response:
    """Remove a provider who has never been booked; one with any booking is refused (409)
    so that no booking's history is lost: make them private instead."""
    async with db.write() as session:
        provider = await service.provider_for_manager(session, provider_id, user)
        await service.delete_provider(session, provider)
    return Response(status_code=204)


@router.get("/providers/{provider_id}", response_model=ProviderOut, operation_id="getProvider")
async def get_provider(provider_id: uuid.UUID, user: OptionalUser, db: DB) -> ProviderOut:
    async with db.read() as session:
        provider = await service.visible_provider(session, provider_id, user)
        locations = await repository.location_ids_of_providers(session, [provider.id])
    return provider_out(provider, locations[provider.id], public=True)


@router.get("/services/{service_id}", response_model=ServiceOut, operation_id="getService")
async def get_service(service_id: uuid.UUID, db: DB, user: OptionalUser) -> ServiceOut:
    async with db.read() as session:
        svc = await service.get_service(session, service_id)
        providers = await repository.provider_ids_of_services(session, [svc.id])
        seen = await _visible_ids(session, svc.organization_id, user)
    return service_out(svc, [p for p in providers[svc.id] if p in seen])


async def _visible_ids(
    session: AsyncSession, org_id: uuid.UUID, user: User | None
) -> set[uuid.UUID]:
    """The organization's providers ``user`` may see (hidden ones are left out of lists)."""
    providers = await repository.providers_of_org(session, org_id)
    return {p.id for p in await visible(session, providers, user)}


@router.patch("/services/{service_id}", response_model=ServiceOut, operation_id="updateService")
async def update_service(
    service_id: uuid.UUID, body: ServicePatch, user: CurrentUser, db: DB
) -> ServiceOut:
    """Change a service (managers of its organization only): the fields sent, checked with
    the rest like a new service. Existing bookings keep their times and prices."""
    async with db.write() as session:
        svc = await service.get_service(session, service_id)
        org = await service.managed_organization(session, svc.organization_id, user)
        provider_ids = await service.update_service(session, org, svc, body)
    return service_out(svc, provider_ids)
