"""Organization admin: the services (list, add, change).

The form is checked by the API's ``ServiceIn`` and saved by ``catalog.service``'s
``create_service`` or ``update_service`` (the use case behind ``PATCH /services/{id}``),
for a manager of the organization, in one transaction. Bookings made before a change keep
their times and prices.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from slotkeeper.catalog import repository as catalog
from slotkeeper.catalog import service as catalog_service
from slotkeeper.catalog.models import Organization, Service
from slotkeeper.catalog.schemas import ServiceIn, ServicePatch
from slotkeeper.domain.money import format_minor
from slotkeeper.kit.deps import DB
from slotkeeper.kit.problems import Invalid, NotFound
from slotkeeper.web.admin import Errors, done, managed, page, problem_errors, validate, whole
from slotkeeper.web.forms import many, one, read_form
from slotkeeper.web.pages import PageRoute
from slotkeeper.web.session import CSRF_FIELD, require_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# Whole-number fields: (form name, lowest, highest).
NUMBERS = (
    ("duration_minutes", 5, 24 * 60),
    ("capacity", 1, 1000),
    ("buffer_before_minutes", 0, 720),
    ("buffer_after_minutes", 0, 720),
    ("slot_step_minutes", 5, 24 * 60),
    ("min_notice_minutes", 0, 7 * 24 * 60),
    ("max_advance_days", 1, 730),
    ("free_cancellation_hours", 0, 24 * 365),
    ("late_refund_percent", 0, 100),
    ("reschedule_cutoff_hours", 0, 24 * 365),
)
RANGES = {name: (low, high) for name, low, high in NUMBERS}
EXTRA_ROWS = 3
MAX_EXTRA = 19
MESSAGES = {
    "name": "Enter the service's name (at most 200 characters).",
    "price": 'Enter the price as an amount like "45.00".',
    "provider_ids": "Tick at least one provider who offers this service.",
    "duration_options": "Lengths are 5 to 1440 minutes, each listed once.",
    "duration_prices": "Give prices only to the lengths listed.",
    **{name: f"Enter a whole number from {low} to {high}." for name, (low, high) in RANGES.items()},
}
DEFAULTS = {
    "duration_minutes": "60",
    "capacity": "1",
    "buffer_before_minutes": "0",
    "buffer_after_minutes": "0",
    "slot_step_minutes": "15",
    "min_notice_minutes": "0",
    "max_advance_days": "90",
    "free_cancellation_hours": "24",
    "late_refund_percent": "0",
    "reschedule_cutoff_hours": "2",
}


def _extra_count(form: FormData) -> int:
    used = [
        i
        for i in range(1, MAX_EXTRA + 1)
        if one(form, f"extra-{i}-minutes") or one(form, f"extra-{i}-price")
    ]
    return max([EXTRA_ROWS, *used])


def read_service(
    form: FormData,
) -> tuple[ServiceIn | None, dict[str, Any], Errors]:
    """The service the form describes (as ``ServiceIn``), what was typed, and messages."""
    typed: dict[str, Any] = {name: one(form, name) for name in ("name", "price", *RANGES)}
    typed["requires_approval"] = bool(one(form, "requires_approval"))
    typed["provider_ids"] = many(form, "provider_ids", limit=500)
    errors: Errors = {}
    raw: dict[str, Any] = {
        "name": typed["name"],
        "price": typed["price"],
        "requires_approval": typed["requires_approval"],
        "provider_ids": typed["provider_ids"],
    }
    for name in RANGES:
        text = typed[name]
        if whole(text, 7):
            raw[name] = int(text)
        else:
            errors[name] = MESSAGES[name]
    options: list[int] = []
    prices: dict[int, str] = {}
    typed["extras"] = []
    for i in range(1, _extra_count(form) + 1):
        minutes, price = one(form, f"extra-{i}-minutes"), one(form, f"extra-{i}-price")
        typed["extras"].append((minutes, price))
        if not minutes and not price:
            continue
        if not whole(minutes, 5):
            errors[f"extra-{i}-minutes"] = "Enter the length in minutes, or clear the row."
            continue
        options.append(int(minutes))
        if price:
            prices[int(minutes)] = price
    raw["duration_options"] = options
    raw["duration_prices"] = prices or None
    data, more = validate(ServiceIn, raw, MESSAGES)
    if more.get("form"):  # the model's own checks: lengths and their prices
        text = more.pop("form")
        more["duration_options" if "twice" not in text else "provider_ids"] = text
    errors = {**more, **errors}
    return (None if errors else data), typed, errors


def typed_from(service: Service, provider_ids: list[uuid.UUID]) -> dict[str, Any]:
    """The form's values for a stored service."""
    typed: dict[str, Any] = {name: str(getattr(service, name)) for name in RANGES}
    prices = {int(k): v for k, v in (service.duration_prices or {}).items()}
    extras = [
        (str(m), format_minor(prices[m], service.currency) if m in prices else "")
        for m in service.duration_options
        if m != service.duration_minutes
    ]
    extras += [("", "")] * max(0, EXTRA_ROWS - len(extras))
    return {
        **typed,
        "name": service.name,
        "price": format_minor(service.price_minor, service.currency),
        "requires_approval": service.requires_approval,
        "provider_ids": [str(p) for p in provider_ids],
        "extras": extras,
    }


def _blank() -> dict[str, Any]:
    return {
        **DEFAULTS,
        "name": "",
        "price": "",
        "requires_approval": False,
        "provider_ids": [],
        "extras": [("", "")] * EXTRA_ROWS,
    }


async def _form_page(
    request: Request,
    db: DB,
    org: Organization,
    service: Service | None,
    typed: dict[str, Any],
    errors: Errors,
) -> Response:
    async with db.read() as session:
        providers = await catalog.providers_of_org(session, org.id)
    context = {"service": service, "providers": providers, "typed": typed, "errors": errors}
    return page(request, org, "service_form", context, 422 if errors else 200)


USE_CASE_FIELDS = {
    "price": "price",
    "duration_prices": "duration_options",
    "provider": "provider_ids",
}


@router.get("/admin/{org_id}/services")
async def services(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    _, org = await managed(request, db, org_id)
    async with db.read() as session:
        rows = await catalog.services_of_org(session, org.id)
        offered = await catalog.provider_ids_of_services(session, [s.id for s in rows])
        names = {p.id: p.name for p in await catalog.providers_of_org(session, org.id)}
    listed = [(s, [names[p] for p in offered[s.id] if p in names]) for s in rows]
    return page(request, org, "services", {"services": listed})


@router.get("/admin/{org_id}/services/new")
async def new_service(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    _, org = await managed(request, db, org_id)
    return await _form_page(request, db, org, None, _blank(), {})


@router.post("/admin/{org_id}/services/new")
async def add_service(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    data, typed, errors = read_service(form)
    if data is not None:
        try:
            async with db.write() as session:
                owned = await catalog_service.managed_organization(session, org.id, user)
                await catalog_service.create_service(session, owned, data)
        except Invalid as exc:
            errors = problem_errors(exc, USE_CASE_FIELDS)
        else:
            return done(org, "services", "added")
    return await _form_page(request, db, org, None, typed, errors)


async def _service_of(db: DB, org: Organization, service_id: uuid.UUID) -> Service:
    async with db.read() as session:
        service = await catalog_service.get_service(session, service_id)
    if service.organization_id != org.id:
        raise NotFound(f"No service {service_id} in {org.name}.")
    return service


@router.get("/admin/{org_id}/services/{service_id}")
async def edit_service(
    request: Request, db: DB, org_id: uuid.UUID, service_id: uuid.UUID
) -> Response:
    _, org = await managed(request, db, org_id)
    service = await _service_of(db, org, service_id)
    async with db.read() as session:
        offered = await catalog.provider_ids_of_services(session, [service.id])
    return await _form_page(request, db, org, service, typed_from(service, offered[service.id]), {})


@router.post("/admin/{org_id}/services/{service_id}")
async def save_service(
    request: Request, db: DB, org_id: uuid.UUID, service_id: uuid.UUID
) -> Response:
    """The change ``PATCH /services/{id}`` makes, with every field of the form sent."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user, org = await managed(request, db, org_id)
    service = await _service_of(db, org, service_id)
    data, typed, errors = read_service(form)
    if data is not None:
        try:
            async with db.write() as session:
                owned = await catalog_service.managed_organization(session, org.id, user)
                stored = await catalog_service.get_service(session, service.id)
                patch = ServicePatch.model_validate(data.model_dump())
                await catalog_service.update_service(session, owned, stored, patch)
        except Invalid as exc:
            errors = problem_errors(exc, USE_CASE_FIELDS)
        else:
            return done(org, "services", "saved")
    return await _form_page(request, db, org, service, typed, errors)
