from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import Membership, User
from slotkeeper.catalog.models import Organization, Provider


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.execute(select(User).where(func.lower(User.email) == email.lower()))
    return result.scalar_one_or_none()


async def user_by_id(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def role_in(session: AsyncSession, user_id: uuid.UUID, org_id: uuid.UUID) -> str | None:
    result = await session.execute(
        select(Membership.role).where(
            Membership.user_id == user_id, Membership.organization_id == org_id
        )
    )
    return result.scalar_one_or_none()


async def memberships(session: AsyncSession, user_id: uuid.UUID) -> list[tuple[Membership, str]]:
    result = await session.execute(
        select(Membership, Organization.name)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.user_id == user_id)
        .order_by(Organization.name)
    )
    return [(m, name) for m, name in result.all()]


async def provider_ids_of(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    result = await session.execute(select(Provider.id).where(Provider.user_id == user_id))
    return list(result.scalars())
