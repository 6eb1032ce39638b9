from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from slotkeeper.accounts.deps import CurrentUser
from slotkeeper.accounts.models import User
from slotkeeper.availability.service import managed_provider
from slotkeeper.catalog.service import get_organization, managed_organization
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.waitlist import repository, service
from slotkeeper.waitlist.models import Notification, WaitlistEntry
from slotkeeper.waitlist.schemas import (
    NotificationOut,
    WaiterOut,
    WaitlistEntryOut,
    WaitlistJoinIn,
    WaitlistSettingsIn,
    WaitlistSettingsOut,
    WaitlistStatus,
)

router = APIRouter(tags=["waitlist"])

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def entry_out(
    entry: WaitlistEntry, status: WaitlistStatus, waiter: User | None = None
) -> WaitlistEntryOut:
    return WaitlistEntryOut(
        id=entry.id,
        organization_id=entry.organization_id,
        provider_id=entry.provider_id,
        service_id=entry.service_id,
        date_from=entry.date_from,
        date_to=entry.date_to,
        status=status,
        booking_id=entry.booking_id,
        created_at=entry.created_at,
        waiter=WaiterOut(name=waiter.name, email=waiter.email) if waiter else None,
    )


def notification_out(row: Notification) -> NotificationOut:
    return NotificationOut(
        id=row.id,
        sequence=row.seq,
        kind=row.kind,
        payload=row.payload,
        created_at=row.created_at,
        read_at=row.read_at,
    )


@router.post(
    "/waitlist",
    status_code=201,
    response_model=WaitlistEntryOut,
    operation_id="joinWaitlist",
    responses={409: {"description": "Already waiting for overlapping dates"}},
)
async def join_waitlist(
    body: WaitlistJoinIn, user: CurrentUser, db: DB, clock: ClockDep
) -> WaitlistEntryOut:
    """Wait for a provider + service on any day of ``[date_from, date_to]`` (local dates of
    the organization). Waiters are told in join order, in-app, when a matching time frees
    up; see ``GET /me/notifications``."""
    async with db.write() as session:
        entry = await service.join(session, user, body, clock.now())
    return entry_out(entry, WaitlistStatus.WAITING)


@router.get("/me/waitlist", response_model=list[WaitlistEntryOut], operation_id="myWaitlist")
async def my_waitlist(
    user: CurrentUser, db: DB, clock: ClockDep, limit: Limit = 100, offset: Offset = 0
) -> list[WaitlistEntryOut]:
    """The caller's waitlist entries, oldest first."""
    async with db.read() as session:
        entries = await repository.entries_of_user(session, user.id, limit, offset)
        found = await service.statuses(session, entries, clock.now())
    return [entry_out(e, found[e.id]) for e in entries]


@router.delete(
    "/waitlist/{entry_id}",
    response_model=WaitlistEntryOut,
    operation_id="leaveWaitlist",
    responses={409: {"description": "The entry was already left, fulfilled or missed"}},
)
async def leave_waitlist(
    entry_id: uuid.UUID, user: CurrentUser, db: DB, clock: ClockDep
) -> WaitlistEntryOut:
    """Leave the waitlist; the entry stays listed as ``left``. A hold already offered stays
    the caller's booking (confirm or cancel it through the booking)."""
    async with db.write() as session:
        entry = await service.leave(session, entry_id, user, clock.now())
    return entry_out(entry, WaitlistStatus.LEFT)


@router.get(
    "/providers/{provider_id}/waitlist",
    response_model=list[WaitlistEntryOut],
    operation_id="providerWaitlist",
)
async def provider_waitlist(
    provider_id: uuid.UUID,
    user: CurrentUser,
    db: DB,
    clock: ClockDep,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[WaitlistEntryOut]:
    """Everyone who joined this provider's waitlist, in line (join) order, with who they
    are; for the provider's account and the organization's managers."""
    async with db.read() as session:
        provider = await managed_provider(session, provider_id, user)
        rows = await repository.entries_of_provider(session, provider.id, limit, offset)
        found = await service.statuses(session, [e for e, _ in rows], clock.now())
    return [entry_out(e, found[e.id], u) for e, u in rows]


@router.get(
    "/organizations/{org_id}/waitlist",
    response_model=WaitlistSettingsOut,
    operation_id="getWaitlistSettings",
)
async def get_waitlist_settings(org_id: uuid.UUID, db: DB) -> WaitlistSettingsOut:
    """Whether (and for how long) the first waiter gets an automatic hold."""
    async with db.read() as session:
        org = await get_organization(session, org_id)
    return WaitlistSettingsOut(organization_id=org.id, hold_minutes=org.waitlist_hold_minutes)


@router.patch(
    "/organizations/{org_id}/waitlist",
    response_model=WaitlistSettingsOut,
    operation_id="setWaitlistSettings",
)
async def set_waitlist_settings(
    org_id: uuid.UUID, body: WaitlistSettingsIn, user: CurrentUser, db: DB
) -> WaitlistSettingsOut:
    """Turn the automatic hold on (minutes it lasts) or off (0); owners and admins."""
    async with db.write() as session:
        org = await managed_organization(session, org_id, user)
        org.waitlist_hold_minutes = body.hold_minutes
    return WaitlistSettingsOut(organization_id=org.id, hold_minutes=org.waitlist_hold_minutes)


@router.get(
    "/me/notifications", response_model=list[NotificationOut], operation_id="myNotifications"
)
async def my_notifications(
    user: CurrentUser,
    db: DB,
    unread: bool = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[NotificationOut]:
    """The caller's in-app notifications, newest first (``sequence`` descending);
    ``unread=true`` lists only those not marked read."""
    async with db.read() as session:
        rows = await repository.notifications_of(session, user.id, unread, limit, offset)
    return [notification_out(r) for r in rows]


@router.post(
    "/me/notifications/{notification_id}/read",
    response_model=NotificationOut,
    operation_id="markNotificationRead",
)
async def mark_notification_read(
    notification_id: uuid.UUID, user: CurrentUser, db: DB, clock: ClockDep
) -> NotificationOut:
    async with db.write() as session:
        row = await service.mark_read(session, notification_id, user, clock.now())
    return notification_out(row)
