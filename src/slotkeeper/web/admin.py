"""Organization admin: the organizations an account runs, their locations, providers,
discount codes and pricing settings (services are in ``web.admin_services``, reports in
``web.reports``).

Who may open a page is decided as in the API: ``catalog.service.managed_organization``
(an owner or admin of the organization, or a superadmin; anyone else gets a readable 403).
A superadmin's ``/admin`` lists every organization; a page a superadmin opens for an
organization they are no member of says so. Each form is checked by the API's own schema
and saved by the same use case, in one transaction; messages go next to the fields they
are about.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from slotkeeper.accounts import repository as accounts
from slotkeeper.accounts.models import User
from slotkeeper.accounts.service import MANAGER_ROLES
from slotkeeper.catalog import repository as catalog
from slotkeeper.catalog import service as catalog_service
from slotkeeper.catalog.models import Organization
from slotkeeper.catalog.schemas import LocationIn, ProviderIn
from slotkeeper.catalog.visibility import Visibility
from slotkeeper.domain.availability import local_to_utc
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.problems import Conflict, Forbidden, Invalid
from slotkeeper.kit.types import zone
from slotkeeper.pricing import repository as pricing_repository
from slotkeeper.pricing import service as pricing_service
from slotkeeper.pricing.schemas import DiscountCodeIn, PricingSettingsIn, basis_points
from slotkeeper.pricing.schemas import percent_text as percent_of
from slotkeeper.web import session as page_session
from slotkeeper.web.accounts import require_user
from slotkeeper.web.forms import as_date, has_nul, many, one, read_form
from slotkeeper.web.pages import PageRoute, render
from slotkeeper.web.session import CSRF_FIELD, require_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Errors = dict[str, str]
CHECK = "Please check this value."
# A superadmin's list of every organization: how many a page shows, and the longest search.
ORGS_PER_PAGE = 50
MAX_SEARCH = 200


def validate(
    schema: type[BaseModel], data: Mapping[str, Any], messages: Mapping[str, str]
) -> tuple[Any, Errors]:
    """``schema`` checks ``data``; its complaints become messages by field (the first
    part of each error's location), worded by ``messages`` where it has one."""
    try:
        return schema.model_validate(data), {}
    except ValidationError as exc:
        errors: Errors = {}
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "form"
            text = str(err["msg"]).removeprefix("Value error, ")
            errors.setdefault(field, messages.get(field, text[:1].upper() + text[1:] + "."))
        return None, errors


def whole(text: str, digits: int) -> bool:
    """A whole number of at most ``digits`` ASCII digits (``int`` takes other scripts')."""
    return re.fullmatch(f"[0-9]{{1,{digits}}}", text) is not None


def problem_errors(exc: Invalid | Conflict, fields: Mapping[str, str]) -> Errors:
    """A use case's refusal next to its field: its detail starts with the API's field
    name (``"price: ..."``) or names it (``fields`` maps API names to form names)."""
    for api_name, form_name in fields.items():
        if exc.detail.startswith(f"{api_name}:"):
            return {form_name: exc.detail.removeprefix(f"{api_name}:").strip()}
    for api_name, form_name in fields.items():
        if api_name.replace("_", " ") in exc.detail.lower():
            return {form_name: exc.detail}
    return {"form": exc.detail}


async def managed(request: Request, db: DB, org_id: uuid.UUID) -> tuple[User, Organization]:
    """The signed-in account and the organization it runs (else sign-in, 403 or 404).

    Also notes on the request whether the account gets in only as a superadmin (no owner
    or admin of the organization), which the page then says above its tabs."""
    user = await require_user(request, db)
    async with db.read() as session:
        org = await catalog_service.managed_organization(session, org_id, user)
        if user.is_superadmin:
            role = await accounts.role_in(session, user.id, org.id)
            request.state.superadmin_visit = role not in MANAGER_ROLES
    return user, org


def superadmin_visit(request: Request) -> bool:
    """Whether ``managed`` let this request's account in only because it is a superadmin."""
    return bool(getattr(request.state, "superadmin_visit", False))


async def organizations_run_by(session: AsyncSession, user: User) -> list[Organization]:
    found = []
    for membership, _ in await accounts.memberships(session, user.id):
        if membership.role in MANAGER_ROLES:
            org = await session.get(Organization, membership.organization_id)
            if org is not None:
                found.append(org)
    return found


def page(
    request: Request,
    org: Organization,
    name: str,
    context: dict[str, Any],
    status: int = 200,
) -> Response:
    values = {
        "org": org,
        "done": one(request.query_params, "done"),
        "superadmin_visit": superadmin_visit(request),
        **context,
    }
    return render(request, f"admin/{name}.html", values, status)


def done(org: Organization, where: str, what: str) -> Response:
    return RedirectResponse(f"/admin/{org.id}/{where}?done={what}", status_code=303)


@router.get("/admin")
async def admin_home(request: Request, db: DB) -> Response:
    user = await require_user(request, db)
    if user.is_superadmin:
        return await _every_organization(request, db, user)
    async with db.read() as session:
        orgs = await organizations_run_by(session, user)
    if not orgs:
        raise Forbidden(
            "The admin pages are for owners and admins of an organization; this account "
            "runs none. Your own bookings are under My bookings."
        )
    page_session.update(request, staff=True)
    if len(orgs) == 1:
        return RedirectResponse(f"/admin/{orgs[0].id}", status_code=303)
    context = {"orgs": orgs, "everyone": False, "q": "", "errors": {}, "at": 1, "more": False}
    return render(request, "admin/index.html", context)


async def _every_organization(request: Request, db: DB, user: User) -> Response:
    """A superadmin's chooser: every organization by name, a page at a time, searchable by
    the organization's or a location's name (the public search's query)."""
    q, number = one(request.query_params, "q"), one(request.query_params, "page")
    errors: Errors = {}
    if len(q) > MAX_SEARCH:
        errors["q"] = f"Use at most {MAX_SEARCH} characters."
    elif has_nul(q):
        errors["q"] = "Remove the invisible control characters."
    at = int(number) if whole(number, 4) and int(number) > 0 else 1
    found: list[Organization] = []
    async with db.read() as session:
        if not errors:
            found = await catalog.search_organizations(
                session, q or None, None, ORGS_PER_PAGE + 1, (at - 1) * ORGS_PER_PAGE
            )
        own = await organizations_run_by(session, user)
    page_session.update(request, staff=True)
    if len(found) == 1 and not q and at == 1:
        return RedirectResponse(f"/admin/{found[0].id}", status_code=303)
    context = {
        "orgs": found[:ORGS_PER_PAGE],
        "everyone": True,
        "own": {o.id for o in own},
        "q": q,
        "errors": errors,
        "at": at,
        "more": len(found) > ORGS_PER_PAGE,
    }
    return render(request, "admin/index.html", context, 422 if errors else 200)


@router.get("/admin/{org_id}")
async def admin_org(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    _, org = await managed(request, db, org_id)
    return RedirectResponse(f"/admin/{org.id}/services", status_code=303)


# --- locations -------------------------------------------------------------------------

LOCATION_MESSAGES = {
    "name": "Enter the location's name (at most 200 characters).",
    "city": "Enter the city (at most 200 characters).",
    "address": "Keep the address under 500 characters.",
    "timezone": "Pick a time zone from the list.",
}


async def _locations_page(
    request: Request, db: DB, org: Organization, typed: dict[str, str], errors: Errors
) -> Response:
    async with db.read() as session:
        locations = await catalog.locations_of(session, [org.id])
    context = {"locations": locations, "typed": typed, "errors": errors}
    return page(request, org, "locations", context, 422 if errors else 200)


@router.get("/admin/{org_id}/locations")
async def locations(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    _, org = await managed(request, db, org_id)
    return await _locations_page(request, db, org, {"timezone": org.timezone}, {})


@router.post("/admin/{org_id}/locations")
async def add_location(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    typed = {name: one(form, name) for name in ("name", "city", "address", "timezone")}
    data, errors = validate(
        LocationIn, {**typed, "address": typed["address"] or None}, LOCATION_MESSAGES
    )
    if errors:
        return await _locations_page(request, db, org, typed, errors)
    async with db.write() as session:
        owned = await catalog_service.managed_organization(session, org.id, user)
        await catalog_service.create_location(session, owned, data)
    return done(org, "locations", "added")


# --- providers -------------------------------------------------------------------------

PROVIDER_MESSAGES = {
    "name": "Enter the provider's name (at most 200 characters).",
    "timezone": "Pick the time zone the provider works in.",
    "email": "Enter a valid email address, like name@example.com, or leave it empty.",
    "visibility": "Choose who may see and book this provider.",
    "location_ids": "Tick locations of this organization only.",
}


async def _providers_page(
    request: Request, db: DB, org: Organization, typed: dict[str, Any], errors: Errors
) -> Response:
    async with db.read() as session:
        providers = await catalog.providers_of_org(session, org.id)
        locations = await catalog.locations_of(session, [org.id])
        located = await catalog.location_ids_of_providers(session, [p.id for p in providers])
    context = {
        "providers": providers,
        "locations": locations,
        "located": located,
        "typed": typed,
        "errors": errors,
        "visibilities": list(Visibility),
    }
    return page(request, org, "providers", context, 422 if errors else 200)


@router.get("/admin/{org_id}/providers")
async def providers(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    _, org = await managed(request, db, org_id)
    typed = {"timezone": org.timezone, "visibility": "public", "location_ids": []}
    return await _providers_page(request, db, org, typed, {})


@router.post("/admin/{org_id}/providers")
async def add_provider(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    typed: dict[str, Any] = {n: one(form, n) for n in ("name", "timezone", "email", "visibility")}
    typed["location_ids"] = many(form, "location_ids", limit=100)
    data, errors = validate(
        ProviderIn, {**typed, "email": typed["email"] or None}, PROVIDER_MESSAGES
    )
    if not errors:
        try:
            async with db.write() as session:
                owned = await catalog_service.managed_organization(session, org.id, user)
                await catalog_service.create_provider(session, owned, data)
        except Invalid as exc:
            errors = problem_errors(exc, {"location": "location_ids"})
        else:
            return done(org, "providers", "added")
    return await _providers_page(request, db, org, typed, errors)


# --- discount codes --------------------------------------------------------------------

CODE_MESSAGES = {
    "code": "A code is 2 to 64 letters, digits, dashes or underscores.",
    "kind": "Choose a percentage or a fixed amount.",
    "value": "Enter the discount: a percentage from 0 to 100, or an amount like 5.00.",
    "valid_from": "Pick the first day, or leave it empty.",
    "valid_until": "The last day must not be before the first.",
    "max_uses": "Enter how many times it may be used (1 or more), or leave it empty.",
    "service_ids": "Tick services of this organization only.",
}
CODE_FIELDS = ("code", "kind", "value", "valid_from", "valid_until", "max_uses")


def read_code(form: FormData, tz: str) -> tuple[DiscountCodeIn | None, dict[str, Any], Errors]:
    typed: dict[str, Any] = {name: one(form, name) for name in CODE_FIELDS}
    typed["service_ids"] = many(form, "service_ids", limit=500)
    errors: Errors = {}
    raw: dict[str, Any] = {
        "code": typed["code"],
        "kind": typed["kind"],
        "value": typed["value"],
        "service_ids": typed["service_ids"] or None,
    }
    # Days in the organization's zone: from the start of the first to the end of the last.
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
    data, more = validate(DiscountCodeIn, raw, CODE_MESSAGES)
    if more.get("form"):  # the model's own check: the validity period
        more["valid_until"] = CODE_MESSAGES["valid_until"]
        del more["form"]
    errors = {**more, **errors}
    return (None if errors else data), typed, errors


async def _codes_page(
    request: Request, db: DB, org: Organization, typed: dict[str, Any], errors: Errors
) -> Response:
    async with db.read() as session:
        rows = await pricing_repository.codes_of(session, org.id)
        services = await catalog.services_of_org(session, org.id)
    names = {str(s.id): s.name for s in services}
    tz = zone(org.timezone)
    codes = []
    for row in rows:
        out = pricing_service.code_out(row, org.currency)
        until = row.valid_until.astimezone(tz) if row.valid_until else None
        if until is not None and until.time() == time(0):
            until -= timedelta(days=1)  # saved as the start of the day after the last
        codes.append(
            {
                "id": out.id,
                "code": out.code,
                "value": f"{out.value} %"
                if out.kind == "percent"
                else f"{out.value} {org.currency}",
                "uses": out.uses,
                "max_uses": out.max_uses,
                "from": row.valid_from.astimezone(tz).date() if row.valid_from else None,
                "until": until.date() if until else None,
                "services": [names.get(str(i), "?") for i in out.service_ids or []],
            }
        )
    context = {"codes": codes, "services": services, "typed": typed, "errors": errors}
    return page(request, org, "codes", context, 422 if errors else 200)


@router.get("/admin/{org_id}/discount-codes")
async def discount_codes(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    _, org = await managed(request, db, org_id)
    return await _codes_page(request, db, org, {"kind": "percent", "service_ids": []}, {})


@router.post("/admin/{org_id}/discount-codes")
async def add_discount_code(
    request: Request, db: DB, clock: ClockDep, org_id: uuid.UUID
) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    data, typed, errors = read_code(form, org.timezone)
    if data is not None:
        try:
            async with db.write() as session:
                owned = await catalog_service.managed_organization(session, org.id, user)
                own = {s.id for s in await catalog.services_of_org(session, org.id)}
                if data.service_ids and not set(data.service_ids) <= own:
                    raise Invalid("service_ids: tick services of this organization only.")
                await pricing_service.create_code(session, owned, data, clock.now())
        except (Invalid, Conflict) as exc:
            errors = problem_errors(
                exc, {"value": "value", "service_ids": "service_ids", "code": "code"}
            )
        else:
            return done(org, "discount-codes", "added")
    return await _codes_page(request, db, org, typed, errors)


# --- pricing settings ------------------------------------------------------------------

PRICING_MESSAGES = {
    "vat_percent": 'Enter a percentage from 0 to 100 with at most 2 decimals, like "20".',
    "platform_fee_percent": 'Enter a percentage from 0 to 100 with at most 2 decimals, like "2.5".',
    "vat_inclusive": "Choose whether prices include VAT.",
}


def _pricing_typed(org: Organization) -> dict[str, str]:
    return {
        "vat_percent": percent_of(org.vat_basis_points),
        "vat_inclusive": "yes" if org.vat_inclusive else "no",
        "platform_fee_percent": percent_of(org.platform_fee_basis_points),
    }


@router.get("/admin/{org_id}/pricing")
async def pricing(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    _, org = await managed(request, db, org_id)
    return page(request, org, "pricing", {"typed": _pricing_typed(org), "errors": {}})


@router.post("/admin/{org_id}/pricing")
async def save_pricing(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    """The same change as ``PATCH /organizations/{id}/pricing``."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    typed = {n: one(form, n) for n in ("vat_percent", "vat_inclusive", "platform_fee_percent")}
    raw: dict[str, Any] = {
        "vat_percent": typed["vat_percent"],
        "platform_fee_percent": typed["platform_fee_percent"],
        "vat_inclusive": {"yes": True, "no": False}.get(
            typed["vat_inclusive"], typed["vat_inclusive"]
        ),
    }
    data, errors = validate(PricingSettingsIn, raw, PRICING_MESSAGES)
    if errors:
        return page(request, org, "pricing", {"typed": typed, "errors": errors}, 422)
    async with db.write() as session:
        owned = await catalog_service.managed_organization(session, org.id, user)
        owned.vat_basis_points = basis_points(data.vat_percent)
        owned.vat_inclusive = data.vat_inclusive
        owned.platform_fee_basis_points = basis_points(data.platform_fee_percent)
    return done(org, "pricing", "saved")
