from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from slotkeeper.accounts.deps import CurrentUser
from slotkeeper.accounts.models import User
from slotkeeper.connections import repository, service
from slotkeeper.connections.models import Connection, ConnectionStatus
from slotkeeper.connections.schemas import ConnectionIn, ConnectionOut
from slotkeeper.kit.deps import DB, ClockDep

router = APIRouter(tags=["connections"])

Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=100_000)]


def connection_out(connection: Connection, customer: User) -> ConnectionOut:
    return ConnectionOut(
        id=connection.id,
        organization_id=connection.organization_id,
        provider_id=connection.provider_id,
        customer_user_id=connection.customer_user_id,
        customer_name=customer.name,
        customer_email=customer.email,
        status=ConnectionStatus(connection.status),
        message=connection.message,
        created_at=connection.created_at,
        decided_at=connection.decided_at,
    )


@router.post(
    "/providers/{provider_id}/connections",
    status_code=201,
    response_model=ConnectionOut,
    operation_id="requestConnection",
)
async def request_connection(
    provider_id: uuid.UUID,
    user: CurrentUser,
    db: DB,
    clock: ClockDep,
    body: ConnectionIn | None = None,
) -> ConnectionOut:
    """Ask to see a provider whose calendar is for connected customers only."""
    async with db.write() as session:
        connection = await service.request_connection(
            session, provider_id, user, body or ConnectionIn(), clock.now()
        )
    return connection_out(connection, user)


@router.get(
    "/providers/{provider_id}/connections",
    response_model=list[ConnectionOut],
    operation_id="listProviderConnections",
)
async def list_provider_connections(
    provider_id: uuid.UUID,
    user: CurrentUser,
    db: DB,
    status: ConnectionStatus | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[ConnectionOut]:
    """The provider's connection requests and connections, newest first."""
    async with db.read() as session:
        rows = await service.provider_connections(session, provider_id, user, status, limit, offset)
    return [connection_out(c, u) for c, u in rows]


@router.get("/me/connections", response_model=list[ConnectionOut], operation_id="listMyConnections")
async def list_my_connections(
    user: CurrentUser,
    db: DB,
    status: ConnectionStatus | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[ConnectionOut]:
    async with db.read() as session:
        rows = await repository.connections_of_customer(session, user.id, status, limit, offset)
    return [connection_out(c, u) for c, u in rows]


@router.post(
    "/connections/{connection_id}/accept",
    response_model=ConnectionOut,
    operation_id="acceptConnection",
)
async def accept_connection(
    connection_id: uuid.UUID, user: CurrentUser, db: DB, clock: ClockDep
) -> ConnectionOut:
    async with db.write() as session:
        connection, customer = await service.answer(
            session, connection_id, user, ConnectionStatus.ACCEPTED, clock.now()
        )
    return connection_out(connection, customer)


@router.post(
    "/connections/{connection_id}/decline",
    response_model=ConnectionOut,
    operation_id="declineConnection",
)
async def decline_connection(
    connection_id: uuid.UUID, user: CurrentUser, db: DB, clock: ClockDep
) -> ConnectionOut:
    """Decline a request, or revoke an accepted connection."""
    async with db.write() as session:
        connection, customer = await service.answer(
            session, connection_id, user, ConnectionStatus.DECLINED, clock.now()
        )
    return connection_out(connection, customer)


@router.delete(
    "/connections/{connection_id}",
    status_code=204,
    response_class=Response,
    operation_id="deleteConnection",
)
async def delete_connection(connection_id: uuid.UUID, user: CurrentUser, db: DB) -> Response:
    """The customer withdraws, or the provider removes the connection."""
    async with db.write() as session:
        await service.remove(session, connection_id, user)
    return Response(status_code=204)
