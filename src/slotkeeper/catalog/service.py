"""Organizations and their parts: locations, providers, services."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts import repository as accounts_repository
from slotkeeper.accounts.models import Role, User
from slotkeeper.accounts.service import add_member, require_manager
from slotkeeper.catalog import repository
from slotkeeper.catalog.models import (
    Location,
    Organization,
    Provider,
    ProviderLocation,
    Service,
    ServiceProvider,
)
from slotkeeper.catalog.schemas import (
    LocationIn,
    OrganizationIn,
    ProviderIn,
    ProviderPatch,
    ServiceIn,
)
from slotkeeper.catalog.visibility import require_visible
from slotkeeper.domain.money import to_minor
from slotkeeper.kit.problems import Conflict, Invalid, NotFound

# A price above ten million major units (of a 2-decimal currency) is a typing mistake.
MAX_PRICE_MINOR = 10**9


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]
    return slug if len(slug) >= 2 else f"org-{slug}".strip("-")


async def create_organization(
    session: AsyncSession, owner: User, data: OrganizationIn, now: datetime
) -> Organization:
    slug = data.slug or slugify(data.name)
    if await repository.slug_taken(session, slug):
        if data.slug:
            raise Conflict(f"The slug {slug!r} is taken; choose another.")
        slug = f"{slug}-{secrets.token_hex(3)}"
    org = Organization(
        name=data.name.strip(),
        slug=slug,
        timezone=data.timezone,
        currency=data.currency,
        vat_basis_points=0,
        vat_inclusive=True,
        platform_fee_basis_points=0,
        created_at=now,
    )
    session.add(org)
    await session.flush()
    await add_member(session, org.id, owner.id, Role.OWNER)
    return org


async def get_organization(session: AsyncSession, org_id: uuid.UUID) -> Organization:
    org = await session.get(Organization, org_id)
    if org is None:
        raise NotFound(f"No organization {org_id}.")
    return org


async def managed_organization(
    session: AsyncSession, org_id: uuid.UUID, user: User | None
) -> Organization:
    """The organization, if the caller is one of its owners or admins (else 401/403/404)."""
    org = await get_organization(session, org_id)
    await require_manager(session, user, org.id)
    return org


async def create_location(session: AsyncSession, org: Organization, data: LocationIn) -> Location:
    location = Location(
        organization_id=org.id,
        name=data.name.strip(),
        city=data.city.strip(),
        address=data.address,
        timezone=data.timezone or org.timezone,
    )
    session.add(location)
    await session.flush()
    return location


async def create_provider(session: AsyncSession, org: Organization, data: ProviderIn) -> Provider:
    wanted = list(dict.fromkeys(data.location_ids))
    found = await repository.location_ids_in(session, org.id, wanted)
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise Invalid(f"Unknown location ids for this organization: {', '.join(missing)}")
    # No account is linked from the email: nobody has proven they own it (see link_account).
    provider = Provider(
        organization_id=org.id,
        name=data.name.strip(),
        timezone=data.timezone,
        email=data.email.lower() if data.email else None,
        user_id=None,
        visibility=data.visibility.value,
    )
    session.add(provider)
    await session.flush()
    session.add_all(
        ProviderLocation(organization_id=org.id, provider_id=provider.id, location_id=lid)
        for lid in wanted
    )
    await session.flush()
    return provider


async def create_service(session: AsyncSession, org: Organization, data: ServiceIn) -> Service:
    found = await repository.provider_ids_in(session, org.id, data.provider_ids)
    missing = [str(i) for i in data.provider_ids if i not in found]
    if missing:
        raise Invalid(f"Unknown provider ids for this organization: {', '.join(missing)}")
    try:
        price_minor = to_minor(data.price, org.currency)
    except ValueError as exc:
        raise Invalid(f"price: {exc}") from exc
    if price_minor > MAX_PRICE_MINOR:
        raise Invalid(f"price: {data.price} {org.currency} is too large.")
    duration_prices = {}
    for minutes, text in (data.duration_prices or {}).items():
        try:
            duration_prices[str(minutes)] = to_minor(text, org.currency)
        except ValueError as exc:
            raise Invalid(f"duration_prices: {exc}") from exc
        if duration_prices[str(minutes)] > MAX_PRICE_MINOR:
            raise Invalid(f"duration_prices: {text} {org.currency} is too large.")
    service = Service(
        organization_id=org.id,
        duration_prices=duration_prices or None,
        name=data.name.strip(),
        duration_minutes=data.duration_minutes,
        duration_options=data.duration_options or [data.duration_minutes],
        price_minor=price_minor,
        currency=org.currency,
        capacity=data.capacity,
        buffer_before_minutes=data.buffer_before_minutes,
        buffer_after_minutes=data.buffer_after_minutes,
        min_notice_minutes=data.min_notice_minutes,
        max_advance_days=data.max_advance_days,
        slot_step_minutes=data.slot_step_minutes,
        requires_approval=data.requires_approval,
        free_cancellation_hours=data.free_cancellation_hours,
        late_refund_percent=data.late_refund_percent,
        reschedule_cutoff_hours=data.reschedule_cutoff_hours,
    )
    session.add(service)
    await session.flush()
    session.add_all(
        ServiceProvider(organization_id=org.id, service_id=service.id, provider_id=pid)
        for pid in data.provider_ids
    )
    await session.flush()
    return service


async def get_provider(session: AsyncSession, provider_id: uuid.UUID) -> Provider:
    provider = await session.get(Provider, provider_id)
    if provider is None:
        raise NotFound(f"No provider {provider_id}.")
    return provider


async def visible_provider(
    session: AsyncSession, provider_id: uuid.UUID, user: User | None
) -> Provider:
    """The provider, if ``user`` may see it; hidden ones are 404 like unknown ones."""
    provider = await get_provider(session, provider_id)
    await require_visible(session, provider, user)
    return provider


async def provider_for_manager(
    session: AsyncSession, provider_id: uuid.UUID, user: User | None
) -> Provider:
    """The provider, if ``user`` manages its organization (404 first if it is hidden)."""
    provider = await visible_provider(session, provider_id, user)
    await require_manager(session, user, provider.organization_id)
    return provider


async def update_provider(session: AsyncSession, provider: Provider, data: ProviderPatch) -> None:
    if data.visibility is not None:
        provider.visibility = data.visibility.value
    await session.flush()


async def get_service(session: AsyncSession, service_id: uuid.UUID) -> Service:
    service = await session.get(Service, service_id)
    if service is None:
        raise NotFound(f"No service {service_id}.")
    return service


async def link_account(session: AsyncSession, provider: Provider, user_id: uuid.UUID) -> Provider:
    """Let an account act as this provider. The organization's manager vouches for it (the
    person gives them their account id); an email alone proves nothing."""
    user = await accounts_repository.user_by_id(session, user_id)
    if user is None:
        raise Invalid(f"No account {user_id}.")
    provider.user_id = user.id
    await session.flush()
    return provider
