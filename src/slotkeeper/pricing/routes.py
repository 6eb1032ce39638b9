from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from slotkeeper.accounts.deps import CurrentUser
from slotkeeper.bookings.visits import plan_visit
from slotkeeper.catalog.routes import organization_out
from slotkeeper.catalog.schemas import OrganizationOut
from slotkeeper.catalog.service import get_organization, get_service, managed_organization
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.problems import Invalid
from slotkeeper.pricing import repository, service
from slotkeeper.pricing.schemas import (
    BreakdownOut,
    DiscountCodeIn,
    DiscountCodeOut,
    DiscountCodePatch,
    PricingSettingsIn,
    QuoteIn,
    basis_points,
)

router = APIRouter(tags=["pricing"])


@router.patch(
    "/organizations/{org_id}/pricing", response_model=OrganizationOut, operation_id="setPricing"
)
async def set_pricing(
    org_id: uuid.UUID, body: PricingSettingsIn, user: CurrentUser, db: DB
) -> OrganizationOut:
    """VAT (inclusive or exclusive) and the platform fee of an organization."""
    async with db.write() as session:
        org = await managed_organization(session, org_id, user)
        if body.vat_percent is not None:
            org.vat_basis_points = basis_points(body.vat_percent)
        if body.vat_inclusive is not None:
            org.vat_inclusive = body.vat_inclusive
        if body.platform_fee_percent is not None:
            org.platform_fee_basis_points = basis_points(body.platform_fee_percent)
    return organization_out(org, [])


@router.post(
    "/organizations/{org_id}/discount-codes",
    status_code=201,
    response_model=DiscountCodeOut,
    operation_id="createDiscountCode",
)
async def create_discount_code(
    org_id: uuid.UUID, body: DiscountCodeIn, user: CurrentUser, db: DB, clock: ClockDep
) -> DiscountCodeOut:
    async with db.write() as session:
        org = await managed_organization(session, org_id, user)
        await service.check_services(session, org, body.service_ids)
        row = await service.create_code(session, org, body, clock.now())
    return service.code_out(row, org.currency)


@router.patch(
    "/organizations/{org_id}/discount-codes/{code_id}",
    response_model=DiscountCodeOut,
    operation_id="updateDiscountCode",
)
async def update_discount_code(
    org_id: uuid.UUID, code_id: uuid.UUID, body: DiscountCodePatch, user: CurrentUser, db: DB
) -> DiscountCodeOut:
    """Change a code's validity, its limit (never below the uses taken) or its services."""
    async with db.write() as session:
        org = await managed_organization(session, org_id, user)
        row = await service.update_code(session, org, code_id, body)
    return service.code_out(row, org.currency)


@router.delete(
    "/organizations/{org_id}/discount-codes/{code_id}",
    status_code=204,
    response_class=Response,
    operation_id="deleteDiscountCode",
)
async def delete_discount_code(
    org_id: uuid.UUID, code_id: uuid.UUID, user: CurrentUser, db: DB
) -> Response:
    """Remove a code; bookings made with it keep their prices and breakdown."""
    async with db.write() as session:
        org = await managed_organization(session, org_id, user)
        await service.delete_code(session, org, code_id)
    return Response(status_code=204)


@router.get(
    "/organizations/{org_id}/discount-codes",
    response_model=list[DiscountCodeOut],
    operation_id="listDiscountCodes",
)
async def list_discount_codes(
    org_id: uuid.UUID, user: CurrentUser, db: DB
) -> list[DiscountCodeOut]:
    async with db.read() as session:
        org = await managed_organization(session, org_id, user)
        rows = await repository.codes_of(session, org.id)
    return [service.code_out(r, org.currency) for r in rows]


@router.post("/quotes", response_model=BreakdownOut, operation_id="quote")
async def quote_price(body: QuoteIn, db: DB, clock: ClockDep) -> BreakdownOut:
    """The price breakdown a booking would get, before booking."""
    async with db.read() as session:
        svc = await get_service(session, body.service_id)
        org = await get_organization(session, svc.organization_id)
        duration = body.duration_minutes or svc.duration_minutes
        if duration not in svc.duration_options:
            options = ", ".join(str(d) for d in svc.duration_options)
            raise Invalid(f"duration_minutes must be one of {options} for this service.")
        visit = await plan_visit(session, svc, duration, body.extra_service_ids)
        breakdown, _ = await service.price(
            session,
            org,
            svc,
            duration,
            body.discount_code,
            clock.now(),
            extra=list(zip(visit.services[1:], visit.durations[1:], strict=True)),
        )
    return service.breakdown_out(breakdown)
