from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.connections.models import Connection, ConnectionStatus


async def connection_by_id(
    session: AsyncSession, connection_id: uuid.UUID, lock: bool = False
) -> Connection | None:
    """With ``lock`` on PostgreSQL the row stays locked until the transaction ends, so two
    answers to one request are decided one after the other."""
    query = select(Connection).where(Connection.id == connection_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def connection_of(
    session: AsyncSession, provider_id: uuid.UUID, customer_user_id: uuid.UUID
) -> Connection | None:
    result = await session.execute(
        select(Connection).where(
            Connection.provider_id == provider_id,
            Connection.customer_user_id == customer_user_id,
        )
    )
    return result.scalar_one_or_none()


def _with_customers(status: ConnectionStatus | None) -> Select[Connection, User]:
    query = select(Connection, User).join(User, User.id == Connection.customer_user_id)
    if status is not None:
        query = query.where(Connection.status == status)
    return query.order_by(Connection.created_at.desc(), Connection.id)


async def connections_of_provider(
    session: AsyncSession,
    provider_id: uuid.UUID,
    status: ConnectionStatus | None,
    limit: int,
    offset: int,
) -> list[tuple[Connection, User]]:
    query = _with_customers(status).where(Connection.provider_id == provider_id)
    result = await session.execute(query.limit(limit).offset(offset))
    return [(c, u) for c, u in result.all()]


async def connections_of_customer(
    session: AsyncSession,
    customer_user_id: uuid.UUID,
    status: ConnectionStatus | None,
    limit: int,
    offset: int,
) -> list[tuple[Connection, User]]:
    query = _with_customers(status).where(Connection.customer_user_id == customer_user_id)
    result = await session.execute(query.limit(limit).offset(offset))
    return [(c, u) for c, u in result.all()]
