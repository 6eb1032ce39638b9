"""Connections: a customer asks to see a connected-only provider's calendar, the provider
(its own account or a manager of its organization) accepts or declines; either side may
remove the connection. Each use case runs in the caller's transaction.

A customer whose request was declined may ask again: the same row goes back to
``requested`` (a provider who wants no more requests keeps the calendar private).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts import repository as accounts_repository
from slotkeeper.accounts.models import User
from slotkeeper.accounts.service import is_manager
from slotkeeper.catalog.models import Provider
from slotkeeper.catalog.service import get_provider
from slotkeeper.catalog.visibility import Visibility, require_visible
from slotkeeper.connections import repository
from slotkeeper.connections.models import Connection, ConnectionStatus
from slotkeeper.connections.schemas import ConnectionIn
from slotkeeper.kit.problems import Conflict, Forbidden, Invalid, InvalidTransition, NotFound

C = ConnectionStatus

# Declining an accepted connection revokes it; asking again re-opens a declined one.
TRANSITIONS: dict[ConnectionStatus, frozenset[ConnectionStatus]] = {
    C.REQUESTED: frozenset({C.ACCEPTED, C.DECLINED}),
    C.ACCEPTED: frozenset({C.DECLINED}),
    C.DECLINED: frozenset({C.REQUESTED}),
}


def _move(connection: Connection, target: ConnectionStatus) -> None:
    current = ConnectionStatus(connection.status)
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(f"A connection that is {current} cannot become {target}.")
    connection.status = target.value


async def may_answer(session: AsyncSession, provider: Provider, user: User) -> bool:
    """The provider's own account or a manager of its organization."""
    return provider.user_id == user.id or await is_manager(session, user, provider.organization_id)


async def request_connection(
    session: AsyncSession, provider_id: uuid.UUID, user: User, data: ConnectionIn, now: datetime
) -> Connection:
    provider = await get_provider(session, provider_id)
    if provider.visibility not in (Visibility.PUBLIC, Visibility.CONNECTED):
        await require_visible(session, provider, user)  # a private calendar takes no requests
    if provider.user_id == user.id:
        raise Invalid("This is your own provider account; it needs no connection.")
    connection = await repository.connection_of(session, provider.id, user.id)
    if connection is None:
        connection = Connection(
            organization_id=provider.organization_id,
            provider_id=provider.id,
            customer_user_id=user.id,
            status=C.REQUESTED.value,
            created_at=now,
        )
        session.add(connection)
    elif connection.status == C.DECLINED:
        _move(connection, C.REQUESTED)
        connection.decided_at = None
    else:
        raise Conflict(f"You already have a connection with this provider ({connection.status}).")
    connection.message = data.message
    await session.flush()
    return connection


async def provider_connections(
    session: AsyncSession,
    provider_id: uuid.UUID,
    user: User,
    status: ConnectionStatus | None,
    limit: int,
    offset: int,
) -> list[tuple[Connection, User]]:
    """The requests and connections of a provider, for the provider or a manager."""
    provider = await get_provider(session, provider_id)
    if not await may_answer(session, provider, user):
        await require_visible(session, provider, user)
        raise Forbidden("Only the provider or a manager of the organization sees its connections.")
    return await repository.connections_of_provider(session, provider.id, status, limit, offset)


async def _connection_for(
    session: AsyncSession, connection_id: uuid.UUID, user: User
) -> tuple[Connection, bool]:
    """The connection and whether ``user`` answers for its provider. Only its customer and
    those who answer for the provider know of it: to anyone else it is 404."""
    connection = await repository.connection_by_id(session, connection_id, lock=True)
    if connection is not None:
        provider = await get_provider(session, connection.provider_id)
        answers = await may_answer(session, provider, user)
        if answers or connection.customer_user_id == user.id:
            return connection, answers
    raise NotFound(f"No connection {connection_id}.")


async def answer(
    session: AsyncSession,
    connection_id: uuid.UUID,
    user: User,
    decision: ConnectionStatus,
    now: datetime,
) -> tuple[Connection, User]:
    """Accept or decline (declining an accepted connection revokes it)."""
    connection, answers = await _connection_for(session, connection_id, user)
    if not answers:
        raise Forbidden("Only the provider or a manager of the organization answers a request.")
    _move(connection, decision)
    connection.decided_at = now
    await session.flush()
    customer = await accounts_repository.user_by_id(session, connection.customer_user_id)
    assert customer is not None  # the foreign key deletes the connection with its customer
    return connection, customer


async def remove(session: AsyncSession, connection_id: uuid.UUID, user: User) -> None:
    """The customer withdraws, or the provider removes the connection."""
    connection, _ = await _connection_for(session, connection_id, user)
    await session.delete(connection)
    await session.flush()
