"""What the outbox did for an organization: its consumers' deliveries, failures first in
mind (``?status=dead``), and replaying a dead one. Owners and admins."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from slotkeeper.accounts.deps import CurrentUser
from slotkeeper.catalog.service import managed_organization
from slotkeeper.events import repository
from slotkeeper.events.models import Delivery, Event
from slotkeeper.events.schemas import DeliveryOut, DeliveryStatus
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.problems import NotFound

router = APIRouter(tags=["events"])


def delivery_out(delivery: Delivery, event: Event) -> DeliveryOut:
    return DeliveryOut(
        event_id=event.id,
        event_type=event.type,
        booking_id=event.booking_id,
        occurred_at=event.occurred_at,
        consumer=delivery.consumer,
        status=DeliveryStatus(delivery.status),
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        last_error=delivery.last_error,
        done_at=delivery.done_at,
    )


@router.get(
    "/organizations/{org_id}/deliveries",
    response_model=list[DeliveryOut],
    operation_id="listDeliveries",
)
async def list_deliveries(
    org_id: uuid.UUID,
    user: CurrentUser,
    db: DB,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[DeliveryOut]:
    """The organization's event deliveries, newest event first (``status=dead``: those
    that failed after every retry)."""
    async with db.read() as session:
        org = await managed_organization(session, org_id, user)
        rows = await repository.of_organization(session, org.id, status, limit, offset)
    return [delivery_out(delivery, event) for delivery, event in rows]


@router.post(
    "/organizations/{org_id}/deliveries/{event_id}/{consumer}/replay",
    response_model=DeliveryOut,
    operation_id="replayDelivery",
)
async def replay_delivery(
    org_id: uuid.UUID,
    event_id: Annotated[int, Path(ge=1, le=2**62)],
    consumer: Annotated[str, Path(min_length=1, max_length=40)],
    user: CurrentUser,
    db: DB,
    clock: ClockDep,
) -> DeliveryOut:
    """Give a dead delivery a fresh start: it is handled again at once, with its retries."""
    async with db.write() as session:
        org = await managed_organization(session, org_id, user)
        if not await repository.replay(session, org.id, event_id, consumer, clock.now()):
            raise NotFound("No dead delivery of this organization has that event and consumer.")
        found = await repository.delivery(session, event_id, consumer)
        event = await repository.event(session, event_id)
        assert found is not None and event is not None
        out = delivery_out(found, event)
    return out
