"""Organization admin: changing and removing locations, providers and discount codes.

Each form is checked by the API's own schema and saved by the use case behind the matching
``PATCH`` or ``DELETE`` route (``catalog.service``, ``pricing.service``), for a manager of
the organization, in one transaction. Removing asks first on a page of its own that says
what goes with it; a refused removal (a provider with bookings) says why.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from slotkeeper.catalog import repository as catalog
from slotkeeper.catalog import service as catalog_service
from slotkeeper.catalog.models import Location, Organization, Provider
from slotkeeper.catalog.schemas import LocationIn, LocationPatch, ProviderIn, ProviderPatch
from slotkeeper.domain.availability import local_to_utc
from slotkeeper.kit.deps import DB
from slotkeeper.kit.problems import Conflict, Invalid, NotFound
from slotkeeper.kit.types import zone
from slotkeeper.pricing import service as pricing_service
from slotkeeper.pricing.models import DiscountCode
from slotkeeper.pricing.schemas import DiscountCodePatch
from slotkeeper.web.admin import (
    CODE_MESSAGES,
    LOCATION_MESSAGES,
    PROVIDER_MESSAGES,
    Errors,
    done,
    managed,
    page,
    problem_errors,
    validate,
    whole,
)
from slotkeeper.web.forms import as_date, many, one, read_form
from slotkeeper.web.pages import PageRoute
from slotkeeper.web.session import CSRF_FIELD, require_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# Who may see and book a provider, as the form's select offers it, with its explanation.
VISIBILITY_CHOICES = (
    ("public", "Public", "Anyone may find and book them on the booking page."),
    (
        "connected",
        "Connected customers only",
        "Only customers whose connection request they accepted see and book them.",
    ),
    ("private", "Private", "Hidden from customers: only the organization's staff see them."),
)


def _status(errors: Errors) -> int:
    return 422 if errors else 200


# --- locations -------------------------------------------------------------------------


async def _location_of(db: DB, org: Organization, location_id: uuid.UUID) -> Location:
    async with db.read() as session:
        location = await catalog_service.get_location(session, location_id)
    if location.organization_id != org.id:
        raise NotFound(f"No location {location_id} in {org.name}.")
    return location


def _location_page(
    request: Request, org: Organization, location: Location, typed: dict[str, Any], errors: Errors
) -> Response:
    context = {"location": location, "typed": typed, "errors": errors}
    return page(request, org, "location_form", context, _status(errors))


@router.get("/admin/{org_id}/locations/{location_id}")
async def edit_location(
    request: Request, db: DB, org_id: uuid.UUID, location_id: uuid.UUID
) -> Response:
    _, org = await managed(request, db, org_id)
    location = await _location_of(db, org, location_id)
    typed = {
        "name": location.name,
        "city": location.city,
        "address": location.address or "",
        "timezone": location.timezone,
    }
    return _location_page(request, org, location, typed, {})


@router.post("/admin/{org_id}/locations/{location_id}")
async def save_location(
    request: Request, db: DB, org_id: uuid.UUID, location_id: uuid.UUID
) -> Response:
    """The change ``PATCH /locations/{id}`` makes, with every field of the form sent."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    location = await _location_of(db, org, location_id)
    typed = {name: one(form, name) for name in ("name", "city", "address", "timezone")}
    raw = {**typed, "address": typed["address"] or None}
    data, errors = validate(LocationIn, raw, LOCATION_MESSAGES)
    if errors:
        return _location_page(request, org, location, typed, errors)
    async with db.write() as session:
        await catalog_service.managed_organization(session, org.id, user)
        stored = await catalog_service.get_location(session, location.id)
        sent = data.model_dump()
        if sent["timezone"] is None:
            del sent["timezone"]  # the form always sends one; kept as stored otherwise
        patch = LocationPatch.model_validate(sent)
        await catalog_service.update_location(session, stored, patch)
    return done(org, "locations", "saved")


@router.get("/admin/{org_id}/locations/{location_id}/remove")
async def confirm_location_removal(
    request: Request, db: DB, org_id: uuid.UUID, location_id: uuid.UUID
) -> Response:
    _, org = await managed(request, db, org_id)
    location = await _location_of(db, org, location_id)
    return _remove_page(request, org, "location", location.name, f"locations/{location.id}")


@router.post("/admin/{org_id}/locations/{location_id}/remove")
async def remove_location(
    request: Request, db: DB, org_id: uuid.UUID, location_id: uuid.UUID
) -> Response:
    """The removal ``DELETE /locations/{id}`` makes."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    location = await _location_of(db, org, location_id)
    async with db.write() as session:
        await catalog_service.managed_organization(session, org.id, user)
        stored = await catalog_service.get_location(session, location.id)
        await catalog_service.delete_location(session, stored)
    return done(org, "locations", "removed")


# --- providers -------------------------------------------------------------------------


async def _provider_of(db: DB, org: Organization, provider_id: uuid.UUID) -> Provider:
    async with db.read() as session:
        provider = await catalog_service.get_provider(session, provider_id)
    if provider.organization_id != org.id:
        raise NotFound(f"No provider {provider_id} in {org.name}.")
    return provider


async def _provider_page(
    request: Request,
    db: DB,
    org: Organization,
    provider: Provider,
    typed: dict[str, Any],
    errors: Errors,
) -> Response:
    async with db.read() as session:
        locations = await catalog.locations_of(session, [org.id])
    context = {
        "provider": provider,
        "locations": locations,
        "typed": typed,
        "errors": errors,
        "visibilities": VISIBILITY_CHOICES,
    }
    return page(request, org, "provider_form", context, _status(errors))


@router.get("/admin/{org_id}/providers/{provider_id}")
async def edit_provider(
    request: Request, db: DB, org_id: uuid.UUID, provider_id: uuid.UUID
) -> Response:
    _, org = await managed(request, db, org_id)
    provider = await _provider_of(db, org, provider_id)
    async with db.read() as session:
        located = await catalog.location_ids_of_providers(session, [provider.id])
    typed = {
        "name": provider.name,
        "timezone": provider.timezone,
        "email": provider.email or "",
        "visibility": provider.visibility,
        "location_ids": [str(i) for i in located[provider.id]],
    }
    return await _provider_page(request, db, org, provider, typed, {})


@router.post("/admin/{org_id}/providers/{provider_id}")
async def save_provider(
    request: Request, db: DB, org_id: uuid.UUID, provider_id: uuid.UUID
) -> Response:
    """The change ``PATCH /providers/{id}`` makes, with every field of the form sent."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    provider = await _provider_of(db, org, provider_id)
    typed: dict[str, Any] = {n: one(form, n) for n in ("name", "timezone", "email", "visibility")}
    typed["location_ids"] = many(form, "location_ids", limit=100)
    data, errors = validate(
        ProviderIn, {**typed, "email": typed["email"] or None}, PROVIDER_MESSAGES
    )
    if not errors:
        try:
            async with db.write() as session:
                await catalog_service.managed_organization(session, org.id, user)
                stored = await catalog_service.get_provider(session, provider.id)
                patch = ProviderPatch.model_validate(data.model_dump())
                await catalog_service.update_provider(session, stored, patch)
        except Invalid as exc:
            errors = problem_errors(exc, {"location": "location_ids"})
        else:
            return done(org, "providers", "saved")
    return await _provider_page(request, db, org, provider, typed, errors)


HAS_BOOKINGS = (
    "{name} has bookings, so they cannot be removed: the bookings would be lost with them. "
    "To stop new bookings, make them private instead."
)


@router.get("/admin/{org_id}/providers/{provider_id}/remove")
async def confirm_provider_removal(
    request: Request, db: DB, org_id: uuid.UUID, provider_id: uuid.UUID
) -> Response:
    _, org = await managed(request, db, org_id)
    provider = await _provider_of(db, org, provider_id)
    async with db.read() as session:
        booked = await catalog.provider_has_bookings(session, provider.id)
    refusal = HAS_BOOKINGS.format(name=provider.name) if booked else None
    return _remove_page(
        request, org, "provider", provider.name, f"providers/{provider.id}", refusal
    )


@router.post("/admin/{org_id}/providers/{provider_id}/remove")
async def remove_provider(
    request: Request, db: DB, org_id: uuid.UUID, provider_id: uuid.UUID
) -> Response:
    """The removal ``DELETE /providers/{id}`` makes, refused if they have bookings."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    provider = await _provider_of(db, org, provider_id)
    try:
        async with db.write() as session:
            await catalog_service.managed_organization(session, org.id, user)
            stored = await catalog_service.get_provider(session, provider.id)
            await catalog_service.delete_provider(session, stored)
    except Conflict:
        refusal = HAS_BOOKINGS.format(name=provider.name)
        where = f"providers/{provider.id}"
        return _remove_page(request, org, "provider", provider.name, where, refusal, 409)
    return done(org, "providers", "removed")


# --- discount codes --------------------------------------------------------------------


async def _code_of(db: DB, org: Organization, code_id: uuid.UUID) -> DiscountCode:
    async with db.read() as session:
        return await pricing_service.code_of_org(session, org, code_id)


def _day(moment: datetime | None, tz: str, last: bool) -> str:
    """A stored bound as the form's day: the last day is saved as the start of the next."""
    if moment is None:
        return ""
    local = moment.astimezone(zone(tz))
    if last and local.time() == time(0):
        local -= timedelta(days=1)
    return local.date().isoformat()


def read_code_change(
    form: FormData, tz: str
) -> tuple[DiscountCodePatch | None, dict[str, Any], Errors]:
    """The change the form describes (every field sent: empty ones clear theirs)."""
    names = ("valid_from", "valid_until", "max_uses")
    typed: dict[str, Any] = {name: one(form, name) for name in names}
    typed["service_ids"] = many(form, "service_ids", limit=500)
    errors: Errors = {}
    raw: dict[str, Any] = {
        "valid_from": None,
        "valid_until": None,
        "max_uses": None,
        "service_ids": typed["service_ids"] or None,
    }
    for name, extra in (("valid_from", 0), ("valid_until", 1)):
        if typed[name]:
            day = as_date(typed[name])
            if day is None:
                errors[name] = "Pick a date, or leave it empty."
            else:
                raw[name] = local_to_utc(day + timedelta(days=extra), time(0), zone(tz))
    if typed["max_uses"]:
        if whole(typed["max_uses"], 9):
            raw["max_uses"] = int(typed["max_uses"])
        else:
            errors["max_uses"] = CODE_MESSAGES["max_uses"]
    data, more = validate(DiscountCodePatch, raw, CODE_MESSAGES)
    errors = {**more, **errors}
    return (None if errors else data), typed, errors


async def _code_page(
    request: Request,
    db: DB,
    org: Organization,
    row: DiscountCode,
    typed: dict[str, Any],
    errors: Errors,
) -> Response:
    async with db.read() as session:
        services = await catalog.services_of_org(session, org.id)
    out = pricing_service.code_out(row, org.currency)
    value = f"{out.value} %" if out.kind == "percent" else f"{out.value} {org.currency}"
    context = {
        "code": row,
        "value": value,
        "services": services,
        "typed": typed,
        "errors": errors,
    }
    return page(request, org, "code_form", context, _status(errors))


@router.get("/admin/{org_id}/discount-codes/{code_id}")
async def edit_code(request: Request, db: DB, org_id: uuid.UUID, code_id: uuid.UUID) -> Response:
    _, org = await managed(request, db, org_id)
    row = await _code_of(db, org, code_id)
    typed = {
        "valid_from": _day(row.valid_from, org.timezone, last=False),
        "valid_until": _day(row.valid_until, org.timezone, last=True),
        "max_uses": str(row.max_uses) if row.max_uses is not None else "",
        "service_ids": list(row.service_ids or []),
    }
    return await _code_page(request, db, org, row, typed, {})


@router.post("/admin/{org_id}/discount-codes/{code_id}")
async def save_code(request: Request, db: DB, org_id: uuid.UUID, code_id: uuid.UUID) -> Response:
    """The change ``PATCH /organizations/{id}/discount-codes/{code_id}`` makes."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    row = await _code_of(db, org, code_id)
    data, typed, errors = read_code_change(form, org.timezone)
    if data is not None:
        try:
            async with db.write() as session:
                owned = await catalog_service.managed_organization(session, org.id, user)
                await pricing_service.update_code(session, owned, row.id, data)
        except Invalid as exc:
            fields = {n: n for n in ("max_uses", "valid_until", "service_ids")}
            errors = {k: v[:1].upper() + v[1:] for k, v in problem_errors(exc, fields).items()}
        else:
            return done(org, "discount-codes", "saved")
        row = await _code_of(db, org, code_id)  # the uses as they are now
    return await _code_page(request, db, org, row, typed, errors)


@router.get("/admin/{org_id}/discount-codes/{code_id}/remove")
async def confirm_code_removal(
    request: Request, db: DB, org_id: uuid.UUID, code_id: uuid.UUID
) -> Response:
    _, org = await managed(request, db, org_id)
    row = await _code_of(db, org, code_id)
    return _remove_page(request, org, "code", row.code, f"discount-codes/{row.id}")


@router.post("/admin/{org_id}/discount-codes/{code_id}/remove")
async def remove_code(request: Request, db: DB, org_id: uuid.UUID, code_id: uuid.UUID) -> Response:
    """The removal ``DELETE /organizations/{id}/discount-codes/{code_id}`` makes."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    row = await _code_of(db, org, code_id)
    async with db.write() as session:
        owned = await catalog_service.managed_organization(session, org.id, user)
        await pricing_service.delete_code(session, owned, row.id)
    return done(org, "discount-codes", "removed")


# --- the confirmation page -------------------------------------------------------------

TABS = {"location": "locations", "provider": "providers", "code": "discount-codes"}


def _remove_page(
    request: Request,
    org: Organization,
    kind: str,
    name: str,
    where: str,
    refusal: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "kind": kind,
        "name": name,
        "where": where,
        "tab": TABS[kind],
        "refusal": refusal,
    }
    return page(request, org, "remove", context, status)
