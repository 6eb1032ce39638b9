"""A booking's life once it is made: who may act on it, confirm (or accept a request),
cancel (with the refund its policy gives), decline, completed or no-show; and ``act``,
the one transaction each step runs in, for the API's routes and the pages alike."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.accounts.service import is_manager
from slotkeeper.bookings import repository
from slotkeeper.bookings.expiry import expire_if_run_out, freed_by, give_back_code, ran_out
from slotkeeper.bookings.history import STAFF, Actor, change_status, record
from slotkeeper.bookings.models import Booking, BookingItem
from slotkeeper.bookings.visits import items_of
from slotkeeper.catalog.models import Provider, Service
from slotkeeper.domain.lifecycle import BLOCKING, BookingStatus
from slotkeeper.domain.policies import CancellationPolicy, CancelledBy, refund_due
from slotkeeper.kit.database import Database
from slotkeeper.kit.problems import (
    Forbidden,
    HoldExpired,
    InvalidTransition,
    NotFound,
    Unauthorized,
)
from slotkeeper.kit.security import token_hash

S = BookingStatus


async def load(session: AsyncSession, booking_id: uuid.UUID, for_update: bool = False) -> Booking:
    if for_update and session.get_bind().dialect.name == "postgresql":
        booking = await repository.get_for_update(session, booking_id)
    else:
        booking = await repository.get(session, booking_id)
    if booking is None:
        raise NotFound(f"No booking {booking_id}.")
    return booking


async def actor_for(
    session: AsyncSession, booking: Booking, user: User | None, token: str | None
) -> Actor:
    """Who the caller is to this booking, or refuse: a guest needs the manage token."""
    if (
        token is not None
        and booking.manage_token_hash is not None
        and hmac.compare_digest(token_hash(token), booking.manage_token_hash)
    ):
        return Actor.GUEST
    if user is not None:
        if booking.customer_user_id == user.id:
            return Actor.CUSTOMER
        provider = await session.get(Provider, booking.provider_id)
        if provider is not None and provider.user_id == user.id:
            return Actor.PROVIDER
        if await is_manager(session, user, booking.organization_id):
            return Actor.ADMIN
    if user is None and token is None:
        raise Unauthorized("Sign in, or use the booking's manage link (?token=...).")
    raise Forbidden("You may not see or change this booking.")


def require_staff(actor: Actor, what: str) -> None:
    if actor not in STAFF:
        raise Forbidden(f"Only the provider or an organization admin can {what}.")


async def confirm(
    session: AsyncSession, booking: Booking, actor: Actor, user: User | None, now: datetime
) -> S | None:
    """Confirm a hold (its customer or staff) or accept a request (staff only).

    Returns the status the booking had if its deadline had passed: it is then marked
    expired, and the caller reports the conflict after this transaction commits.
    """
    expired = await expire_if_run_out(session, booking, now)
    if expired is not None:
        return expired
    if booking.status == S.REQUESTED.value:
        require_staff(actor, "accept a request")
    if booking.status == S.TIME_SUGGESTED.value:
        raise InvalidTransition("Pick one of the suggested times (accept-suggestion) instead.")
    previous = change_status(booking, S.CONFIRMED, now)
    booking.hold_expires_at = None
    record(session, booking, previous, actor, now, user)
    return None


async def cancel(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    reason: str | None,
    now: datetime,
) -> None:
    if actor not in STAFF and booking.start_at <= now and booking.status == S.CONFIRMED.value:
        raise InvalidTransition("The booking has started; it can no longer be cancelled online.")
    if ran_out(booking, now):
        raise HoldExpired("This booking's deadline has passed; there is nothing to cancel.")
    refund = await refund_quote(session, booking, actor, now)
    previous = change_status(booking, S.CANCELLED, now)
    booking.cancelled_by = "provider" if actor in STAFF else "customer"
    booking.cancel_reason = reason
    booking.refund_due_minor = refund
    freed = await freed_by(session, booking) if S(previous) in BLOCKING else []
    record(session, booking, previous, actor, now, user, reason, freed)
    await give_back_code(session, booking, S(previous))


async def refund_quote(session: AsyncSession, booking: Booking, actor: Actor, now: datetime) -> int:
    """What cancelling now would refund, by the service's policy (minor units).

    Only a confirmed booking has been paid for; a hold or request refunds nothing.
    """
    if booking.status != S.CONFIRMED.value:
        return 0
    service = await session.get(Service, booking.service_id)
    assert service is not None  # a foreign key with ON DELETE CASCADE
    policy = CancellationPolicy(
        free_window_hours=service.free_cancellation_hours,
        late_refund_percent=Decimal(service.late_refund_percent),
    )
    by = CancelledBy.PROVIDER if actor in STAFF else CancelledBy.CUSTOMER
    return refund_due(booking.price_minor, policy, now, booking.start_at, by)


async def decline(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    reason: str | None,
    now: datetime,
) -> S | None:
    """The provider declines a request, or the customer declines the suggested times."""
    if booking.status == S.REQUESTED.value:
        require_staff(actor, "decline a request")
        expired = await expire_if_run_out(session, booking, now)
        if expired is not None:
            return expired
    previous = change_status(booking, S.DECLINED, now)
    freed = await freed_by(session, booking) if S(previous) in BLOCKING else []
    record(session, booking, previous, actor, now, user, reason, freed)
    await give_back_code(session, booking, S(previous))
    return None


async def mark_attendance(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    outcome: S,
    now: datetime,
) -> None:
    """The provider marks a confirmed booking completed or no-show, after its start."""
    require_staff(actor, f"mark a booking {outcome.value}")
    if now < booking.start_at:
        raise InvalidTransition("A booking can be marked only after it has started.")
    previous = change_status(booking, outcome, now)
    record(session, booking, previous, actor, now, user)


Step = Callable[[AsyncSession, Booking, Actor], Awaitable[S | None]]


async def act(
    db: Database,
    booking_id: uuid.UUID,
    user: User | None,
    token: str | None,
    step: Step,
    provider_id: uuid.UUID | None = None,
) -> tuple[Booking, list[BookingItem] | None]:
    """Run one step on a booking in one transaction, for whoever may act on it: the entry
    the API's routes and the pages share (``provider_id``, from a provider's dashboard,
    finds only that provider's bookings). Returns the booking and its visit's items.

    A step returns the status a hold or request had when its deadline had passed: it has
    been marked expired (committed), and the caller learns it with a 409. The transaction
    is run again if PostgreSQL aborts it as a deadlock (a step that frees a time may make a
    waitlist hold, locking the provider after the booking; bookings lock the other way).
    """

    async def run(session: AsyncSession) -> tuple[Booking, S | None, list[BookingItem] | None]:
        booking = await load(session, booking_id, for_update=True)
        if provider_id is not None and booking.provider_id != provider_id:
            raise NotFound(f"No booking {booking_id}.")
        actor = await actor_for(session, booking, user, token)
        expired = await step(session, booking, actor)
        items = await items_of(session, [booking.id])
        return booking, expired, items.get(booking.id)

    booking, expired, items = await db.run(run)
    if expired is S.HELD:
        raise HoldExpired("The hold ran out before it was confirmed; the time has been freed.")
    if expired is not None:
        raise HoldExpired("The request was not answered in time; it has expired.")
    return booking, items
