from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.pricing.models import DiscountCode


async def code_of(session: AsyncSession, org_id: uuid.UUID, code: str) -> DiscountCode | None:
    result = await session.execute(
        select(DiscountCode).where(
            DiscountCode.organization_id == org_id, DiscountCode.code == code.upper()
        )
    )
    return result.scalar_one_or_none()


async def codes_of(session: AsyncSession, org_id: uuid.UUID) -> list[DiscountCode]:
    result = await session.execute(
        select(DiscountCode)
        .where(DiscountCode.organization_id == org_id)
        .order_by(DiscountCode.code)
    )
    return list(result.scalars())


async def take_use(session: AsyncSession, code_id: uuid.UUID) -> bool:
    """Count one use if the limit allows it, in one conditional update: concurrent
    bookings queue on the row and re-check the limit, so it is never exceeded."""
    result = await session.execute(
        update(DiscountCode)
        .where(
            DiscountCode.id == code_id,
            or_(DiscountCode.max_uses.is_(None), DiscountCode.uses < DiscountCode.max_uses),
        )
        .values(uses=DiscountCode.uses + 1)
        .returning(DiscountCode.uses)
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None


async def give_back(session: AsyncSession, code_ids: Sequence[uuid.UUID]) -> None:
    """Return one use per id (a booking that ended without ever being confirmed)."""
    for code_id, count in Counter(code_ids).items():
        await session.execute(
            update(DiscountCode)
            .where(DiscountCode.id == code_id, DiscountCode.uses >= count)
            .values(uses=DiscountCode.uses - count)
            .execution_options(synchronize_session=False)
        )


async def code_by_id(
    session: AsyncSession, org_id: uuid.UUID, code_id: uuid.UUID, lock: bool = False
) -> DiscountCode | None:
    """The organization's code ``code_id``. With ``lock`` on PostgreSQL its row is locked
    until the transaction ends, so uses taken meanwhile (``take_use``) wait and are seen."""
    query = select(DiscountCode).where(
        DiscountCode.organization_id == org_id, DiscountCode.id == code_id
    )
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()
