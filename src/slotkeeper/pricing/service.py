"""Quotes and discount codes: the domain's pricing rules applied to stored settings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.catalog.models import Organization, Service
from slotkeeper.catalog.repository import services_of_org
from slotkeeper.domain.money import MoneyError, format_minor, to_minor
from slotkeeper.domain.pricing import (
    Breakdown,
    Discount,
    DiscountKind,
    DiscountRefusal,
    PricingPolicy,
    discount_applies,
    price_for_duration,
    quote,
)
from slotkeeper.kit.problems import Conflict, Invalid, NotFound
from slotkeeper.pricing import repository
from slotkeeper.pricing.models import DiscountCode
from slotkeeper.pricing.schemas import (
    BreakdownOut,
    DiscountCodeIn,
    DiscountCodeOut,
    DiscountCodePatch,
    basis_points,
    percent_text,
)


def policy_of(org: Organization) -> PricingPolicy:
    return PricingPolicy(
        currency=org.currency,
        platform_fee_percent=Decimal(org.platform_fee_basis_points) / 100,
        vat_percent=Decimal(org.vat_basis_points) / 100,
        vat_inclusive=org.vat_inclusive,
    )


def item_price(service: Service, duration: int) -> int:
    """The service's price for ``duration``: its own price where one is set, else the
    service's price (the same for every duration)."""
    prices = dict.fromkeys(service.duration_options, service.price_minor)
    prices.update(
        {int(minutes): price for minutes, price in (service.duration_prices or {}).items()}
    )
    return price_for_duration(prices, duration)


def discount_of(row: DiscountCode, currency: str) -> Discount:
    percent = row.kind == DiscountKind.PERCENT.value
    return Discount(
        kind=DiscountKind(row.kind),
        value=Decimal(row.value) / 100 if percent else row.value,
        code=row.code,
        currency=None if percent else currency,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        max_uses=row.max_uses,
        services=frozenset(uuid.UUID(s) for s in row.service_ids)
        if row.service_ids is not None
        else None,
    )


async def price(
    session: AsyncSession,
    org: Organization,
    service: Service,
    duration: int,
    code: str | None,
    now: datetime,
    take_use: bool = False,
    extra: Sequence[tuple[Service, int]] = (),
) -> tuple[Breakdown, DiscountCode | None]:
    """The breakdown for one booking of ``service`` (followed by the ``extra`` services of
    a visit, each with its duration: their prices add up); ``take_use`` counts the code's
    use (when booking), refusing it if concurrent bookings used the last one meanwhile.
    A code limited to some services applies to a visit only if it covers all of them."""
    items = [(service, duration), *extra]
    row = None
    discount = None
    if code is not None:
        row = await repository.code_of(session, org.id, code)
        if row is None:
            raise Invalid(f"Unknown discount code {code!r}.")
        discount = discount_of(row, org.currency)
        for item, _ in items:
            refusal = discount_applies(discount, item.id, now, row.uses, org.currency)
            if refusal is DiscountRefusal.USED_UP:
                raise Conflict(refusal.message)
            if refusal is not None:
                raise Invalid(refusal.message)
        if take_use and not await repository.take_use(session, row.id):
            raise Conflict(DiscountRefusal.USED_UP.message)
    base = sum(item_price(item, minutes) for item, minutes in items)
    return quote(base, policy_of(org), discount), row


def breakdown_out(b: Breakdown) -> BreakdownOut:
    money = {
        name: format_minor(getattr(b, name), b.currency)
        for name in ("base", "discount", "subtotal", "platform_fee", "vat", "total")
    }
    return BreakdownOut(currency=b.currency, vat_inclusive=b.vat_inclusive, **money)


async def create_code(
    session: AsyncSession, org: Organization, data: DiscountCodeIn, now: datetime
) -> DiscountCode:
    if await repository.code_of(session, org.id, data.code) is not None:
        raise Conflict(f"The code {data.code.upper()} exists already.")
    if data.kind == "percent":
        value = basis_points(data.value)
    else:
        try:
            value = to_minor(data.value, org.currency)
        except MoneyError as exc:
            raise Invalid(f"value: {exc}") from exc
    if value <= 0:
        raise Invalid("value: a discount must take something off.")
    row = DiscountCode(
        organization_id=org.id,
        code=data.code.upper(),
        kind=data.kind,
        value=value,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        max_uses=data.max_uses,
        uses=0,
        service_ids=[str(s) for s in data.service_ids] if data.service_ids else None,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


def code_out(row: DiscountCode, currency: str) -> DiscountCodeOut:
    value = percent_text(row.value) if row.kind == "percent" else format_minor(row.value, currency)
    return DiscountCodeOut(
        id=row.id,
        code=row.code,
        kind=row.kind,
        value=value,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        max_uses=row.max_uses,
        uses=row.uses,
        service_ids=[uuid.UUID(s) for s in row.service_ids] if row.service_ids else None,
    )


async def check_services(
    session: AsyncSession, org: Organization, service_ids: Sequence[uuid.UUID] | None
) -> None:
    """A code may be limited to services of its own organization only."""
    if service_ids:
        own = {s.id for s in await services_of_org(session, org.id)}
        if not set(service_ids) <= own:
            raise Invalid("service_ids: every service must belong to this organization.")


async def code_of_org(
    session: AsyncSession, org: Organization, code_id: uuid.UUID, lock: bool = False
) -> DiscountCode:
    row = await repository.code_by_id(session, org.id, code_id, lock)
    if row is None:
        raise NotFound(f"No discount code {code_id} in this organization.")
    return row


async def update_code(
    session: AsyncSession, org: Organization, code_id: uuid.UUID, patch: DiscountCodePatch
) -> DiscountCode:
    """Change a code's validity, limit or services. Its row is locked first so a booking
    taking a use meanwhile is counted before the new limit is checked against the uses
    taken: the limit may not go below them. Bookings made with it keep their prices."""
    row = await code_of_org(session, org, code_id, lock=True)
    sent = patch.model_dump(exclude_unset=True)
    valid_from = sent.get("valid_from", row.valid_from)
    valid_until = sent.get("valid_until", row.valid_until)
    if valid_from and valid_until and valid_until <= valid_from:
        raise Invalid("valid_until: must be after valid_from.")
    max_uses = sent.get("max_uses", row.max_uses)
    if max_uses is not None and max_uses < row.uses:
        raise Invalid(
            f"max_uses: the code has been used {row.uses} times already; "
            f"allow at least {row.uses}, or leave it without a limit."
        )
    if "service_ids" in sent:
        await check_services(session, org, patch.service_ids)
        row.service_ids = [str(s) for s in patch.service_ids] if patch.service_ids else None
    row.valid_from, row.valid_until, row.max_uses = valid_from, valid_until, max_uses
    await session.flush()
    return row


async def delete_code(session: AsyncSession, org: Organization, code_id: uuid.UUID) -> None:
    """Remove a code: it can no longer be typed. Bookings made with it keep their stored
    price breakdown; their link to the code is cleared by the foreign key (SET NULL)."""
    row = await code_of_org(session, org, code_id, lock=True)
    await session.delete(row)
    await session.flush()
