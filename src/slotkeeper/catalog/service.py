"""Organizations and their parts: locations, providers, services."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
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
    LocationPatch,
    OrganizationIn,
    ProviderIn,
    ProviderPatch,
    ServiceIn,
    ServicePatch,
)
from slotkeeper.catalog.visibility import require_visible
from slotkeeper.domain.money import format_minor, to_minor
from slotkeeper.kit.problems import Conflict, Invalid, NotFound

T = TypeVar("T", bound=BaseModel)

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


async def get_location(session: AsyncSession, location_id: uuid.UUID) -> Location:
    location = await session.get(Location, location_id)
    if location is None:
        raise NotFound(f"No location {location_id}.")
    return location


async def location_for_manager(
    session: AsyncSession, location_id: uuid.UUID, user: User | None
) -> Location:
    """The location, if ``user`` manages its organization (else 401/403/404)."""
    location = await get_location(session, location_id)
    await require_manager(session, user, location.organization_id)
    return location


def _checked(schema: type[T], merged: dict[str, Any]) -> T:
    """``merged`` (stored fields with a patch's on top) checked as a new one would be."""
    try:
        return schema.model_validate(merged)
    except ValidationError as exc:
        errors = [
            {"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        first = str(exc.errors()[0]["msg"])
        raise Invalid(first.removeprefix("Value error, "), errors=errors) from exc


async def update_location(
    session: AsyncSession, location: Location, patch: LocationPatch
) -> Location:
    """Change ``location`` as ``patch`` says, checked like a new location."""
    merged = {
        "name": location.name,
        "city": location.city,
        "address": location.address,
        "timezone": location.timezone,
        **patch.model_dump(exclude_unset=True),
    }
    data = _checked(LocationIn, merged)
    location.name = data.name.strip()
    location.city = data.city.strip()
    location.address = data.address or None
    location.timezone = data.timezone or location.timezone
    await session.flush()
    return location


async def delete_location(session: AsyncSession, location: Location) -> None:
    """Remove ``location``; its providers stay, no longer linked to it (the link rows go
    with it by their foreign key)."""
    await session.delete(location)
    await session.flush()


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


async def _check_providers(
    session: AsyncSession, org: Organization, provider_ids: list[uuid.UUID]
) -> None:
    found = await repository.provider_ids_in(session, org.id, provider_ids)
    missing = [str(i) for i in provider_ids if i not in found]
    if missing:
        raise Invalid(f"Unknown provider ids for this organization: {', '.join(missing)}")


def _minor(text: str, currency: str, field: str) -> int:
    try:
        minor = to_minor(text, currency)
    except ValueError as exc:
        raise Invalid(f"{field}: {exc}") from exc
    if minor > MAX_PRICE_MINOR:
        raise Invalid(f"{field}: {text} {currency} is too large.")
    return minor


def _prices(org: Organization, data: ServiceIn) -> tuple[int, dict[str, int] | None]:
    """The price and the prices per duration, in the organization's minor units."""
    price_minor = _minor(data.price, org.currency, "price")
    duration_prices = {
        str(minutes): _minor(text, org.currency, "duration_prices")
        for minutes, text in (data.duration_prices or {}).items()
    }
    return price_minor, duration_prices or None


def _apply(service: Service, org: Organization, data: ServiceIn) -> None:
    service.price_minor, service.duration_prices = _prices(org, data)
    service.name = data.name.strip()
    service.duration_minutes = data.duration_minutes
    service.duration_options = data.duration_options or [data.duration_minutes]
    service.capacity = data.capacity
    service.buffer_before_minutes = data.buffer_before_minutes
    service.buffer_after_minutes = data.buffer_after_minutes
    service.min_notice_minutes = data.min_notice_minutes
    service.max_advance_days = data.max_advance_days
    service.slot_step_minutes = data.slot_step_minutes
    service.requires_approval = data.requires_approval
    service.free_cancellation_hours = data.free_cancellation_hours
    service.late_refund_percent = data.late_refund_percent
    service.reschedule_cutoff_hours = data.reschedule_cutoff_hours


async def create_service(session: AsyncSession, org: Organization, data: ServiceIn) -> Service:
    await _check_providers(session, org, data.provider_ids)
    service = Service(organization_id=org.id, currency=org.currency)
    _apply(service, org, data)
    session.add(service)
    await session.flush()
    session.add_all(
        ServiceProvider(organization_id=org.id, service_id=service.id, provider_id=pid)
        for pid in data.provider_ids
    )
    await session.flush()
    return service


def service_as_input(service: Service, provider_ids: list[uuid.UUID]) -> dict[str, Any]:
    """The stored service as ``ServiceIn`` fields (prices as decimal strings)."""
    return {
        "name": service.name,
        "duration_minutes": service.duration_minutes,
        "price": format_minor(service.price_minor, service.currency),
        "provider_ids": provider_ids,
        "duration_options": list(service.duration_options),
        "capacity": service.capacity,
        "buffer_before_minutes": service.buffer_before_minutes,
        "buffer_after_minutes": service.buffer_after_minutes,
        "min_notice_minutes": service.min_notice_minutes,
        "max_advance_days": service.max_advance_days,
        "slot_step_minutes": service.slot_step_minutes,
        "requires_approval": service.requires_approval,
        "duration_prices": {
            int(k): format_minor(v, service.currency) for k, v in service.duration_prices.items()
        }
        if service.duration_prices
        else None,
        "free_cancellation_hours": service.free_cancellation_hours,
        "late_refund_percent": service.late_refund_percent,
        "reschedule_cutoff_hours": service.reschedule_cutoff_hours,
    }


async def update_service(
    session: AsyncSession, org: Organization, service: Service, patch: ServicePatch
) -> list[uuid.UUID]:
    """Change ``service`` as ``patch`` says, checked like a new service; returns the ids of
    the providers offering it now. Bookings keep the times and prices they were made with
    (they store their own); only later bookings and quotes see the change."""
    current = (await repository.provider_ids_of_services(session, [service.id]))[service.id]
    merged = service_as_input(service, current)
    sent = patch.model_dump(exclude_unset=True)
    if "duration_options" in sent or "duration_minutes" in sent:
        if "duration_options" not in sent:
            # The old default duration is no longer implied by a new one.
            merged["duration_options"] = [
                d for d in merged["duration_options"] if d != service.duration_minutes
            ]
        listed = (
            sent["duration_options"] if "duration_options" in sent else merged["duration_options"]
        )
        options = {*(listed or []), sent.get("duration_minutes", merged["duration_minutes"])}
        if "duration_prices" not in sent and merged["duration_prices"]:
            # Prices of durations no longer offered go with them.
            kept = {k: v for k, v in merged["duration_prices"].items() if k in options}
            merged["duration_prices"] = kept or None
    merged.update(sent)
    data = _checked(ServiceIn, merged)
    await _check_providers(session, org, data.provider_ids)
    _apply(service, org, data)
    if set(data.provider_ids) != set(current):
        await repository.replace_service_providers(session, service, data.provider_ids)
    await session.flush()
    return data.provider_ids


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


async def update_provider(
    session: AsyncSession, provider: Provider, patch: ProviderPatch
) -> list[uuid.UUID]:
    """Change ``provider`` as ``patch`` says, checked like a new provider; returns the ids
    of its locations now. Its bookings keep their times: they are stored in UTC, so a new
    time zone only changes how later weekly hours and pages read."""
    current = (await repository.location_ids_of_providers(session, [provider.id]))[provider.id]
    merged: dict[str, Any] = {
        "name": provider.name,
        "timezone": provider.timezone,
        "email": provider.email,
        "location_ids": current,
        "visibility": provider.visibility,
        **patch.model_dump(exclude_unset=True),
    }
    data = _checked(ProviderIn, merged)
    wanted = list(dict.fromkeys(data.location_ids))
    found = await repository.location_ids_in(session, provider.organization_id, wanted)
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise Invalid(f"Unknown location ids for this organization: {', '.join(missing)}")
    provider.name = data.name.strip()
    provider.timezone = data.timezone
    provider.email = data.email.lower() if data.email else None
    provider.visibility = data.visibility.value
    if set(wanted) != set(current):
        await repository.replace_provider_locations(session, provider, wanted)
    await session.flush()
    return wanted


async def delete_provider(session: AsyncSession, provider: Provider) -> None:
    """Remove a provider who was never booked (their hours, time off, waitlist entries,
    connections and service links go with them). One with any booking, even a cancelled
    one, is refused: removing it would remove the bookings' history with it."""
    await repository.lock_provider(session, provider.id)
    if await repository.provider_has_bookings(session, provider.id):
        raise Conflict(
            f"{provider.name} has bookings, so they cannot be removed: their bookings would "
            "be lost. Make them private instead to stop new bookings."
        )
    await session.delete(provider)
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
