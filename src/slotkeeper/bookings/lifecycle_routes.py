"""HTTP routes of a booking's lifecycle: confirm, decline, suggest times, accept a
suggestion, completed / no-show, cancel, reschedule, and the refund cancelling would give.
Each runs its step through ``lifecycle.act``, the entry the pages use too."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.deps import CurrentUser, OptionalUser
from slotkeeper.accounts.models import User
from slotkeeper.bookings import lifecycle, moves, series
from slotkeeper.bookings.history import Actor
from slotkeeper.bookings.models import Booking
from slotkeeper.bookings.responses import booking_out
from slotkeeper.bookings.schemas import (
    AcceptSuggestionIn,
    BookingOut,
    CancelIn,
    ManageToken,
    RefundQuoteOut,
    RescheduleIn,
    SuggestTimesIn,
)
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.money import format_minor
from slotkeeper.kit.database import Database
from slotkeeper.kit.deps import DB, ClockDep

router = APIRouter(tags=["bookings"])


async def _act(
    db: Database, booking_id: uuid.UUID, user: User | None, token: str | None, step: lifecycle.Step
) -> BookingOut:
    """The step run by ``lifecycle.act`` (one transaction, retried on a deadlock; 409 for
    a deadline that had passed), answered with the booking as it left it."""
    booking, items = await lifecycle.act(db, booking_id, user, token, step)
    return booking_out(booking, items=items)


@router.post(
    "/bookings/{booking_id}/confirm",
    response_model=BookingOut,
    operation_id="confirmBooking",
    responses={409: {"description": "The hold or request has expired, or the status forbids it"}},
)
async def confirm_booking(
    booking_id: uuid.UUID, user: OptionalUser, db: DB, clock: ClockDep, token: ManageToken = None
) -> BookingOut:
    """Confirm a hold, or (provider, admin) accept a request."""
    return await _act(
        db,
        booking_id,
        user,
        token,
        lambda session, booking, actor: lifecycle.confirm(
            session, booking, actor, user, clock.now()
        ),
    )


@router.post(
    "/bookings/{booking_id}/decline", response_model=BookingOut, operation_id="declineBooking"
)
async def decline_booking(
    booking_id: uuid.UUID,
    user: OptionalUser,
    db: DB,
    clock: ClockDep,
    body: CancelIn | None = None,
    token: ManageToken = None,
) -> BookingOut:
    """The provider declines a request, or the customer declines the suggested times."""
    reason = body.reason if body else None
    return await _act(
        db,
        booking_id,
        user,
        token,
        lambda session, booking, actor: lifecycle.decline(
            session, booking, actor, user, reason, clock.now()
        ),
    )


@router.post(
    "/bookings/{booking_id}/suggest-times", response_model=BookingOut, operation_id="suggestTimes"
)
async def suggest_times(
    booking_id: uuid.UUID, body: SuggestTimesIn, user: CurrentUser, db: DB, clock: ClockDep
) -> BookingOut:
    """Answer a request with 1 to 5 other free times; the requested time is freed."""
    return await _act(
        db,
        booking_id,
        user,
        None,
        lambda session, booking, actor: moves.suggest_times(
            session, booking, actor, user, body.starts, body.reason, clock.now()
        ),
    )


@router.post(
    "/bookings/{booking_id}/accept-suggestion",
    response_model=BookingOut,
    operation_id="acceptSuggestion",
    responses={409: {"description": "That time was taken meanwhile"}},
)
async def accept_suggestion(
    booking_id: uuid.UUID,
    body: AcceptSuggestionIn,
    user: OptionalUser,
    db: DB,
    clock: ClockDep,
    token: ManageToken = None,
) -> BookingOut:
    """The customer picks one of the suggested times."""

    async def step(session: AsyncSession, booking: Booking, actor: Actor) -> None:
        await moves.accept_suggestion(session, booking, actor, user, body.start, clock.now())

    return await _act(db, booking_id, user, token, step)


async def _mark(
    db: Database, booking_id: uuid.UUID, user: User, clock: ClockDep, outcome: BookingStatus
) -> BookingOut:
    async def step(session: AsyncSession, booking: Booking, actor: Actor) -> None:
        await lifecycle.mark_attendance(session, booking, actor, user, outcome, clock.now())

    return await _act(db, booking_id, user, None, step)


@router.post(
    "/bookings/{booking_id}/complete", response_model=BookingOut, operation_id="completeBooking"
)
async def complete_booking(
    booking_id: uuid.UUID, user: CurrentUser, db: DB, clock: ClockDep
) -> BookingOut:
    """The provider marks a booking that has started as completed."""
    return await _mark(db, booking_id, user, clock, BookingStatus.COMPLETED)


@router.post("/bookings/{booking_id}/no-show", response_model=BookingOut, operation_id="markNoShow")
async def mark_no_show(
    booking_id: uuid.UUID, user: CurrentUser, db: DB, clock: ClockDep
) -> BookingOut:
    """The provider marks a booking whose customer did not come."""
    return await _mark(db, booking_id, user, clock, BookingStatus.NO_SHOW)


@router.post(
    "/bookings/{booking_id}/cancel", response_model=BookingOut, operation_id="cancelBooking"
)
async def cancel_booking(
    booking_id: uuid.UUID,
    user: OptionalUser,
    db: DB,
    clock: ClockDep,
    body: CancelIn | None = None,
    token: ManageToken = None,
) -> BookingOut:
    """Cancel a booking; for an occurrence of a series, ``scope`` may also cancel every
    later occurrence (``this_and_following``)."""
    reason = body.reason if body else None
    following = body is not None and body.scope == "this_and_following"

    async def step(session: AsyncSession, booking: Booking, actor: Actor) -> None:
        if following:
            await series.cancel_following(session, booking, actor, user, reason, clock.now())
        else:
            await lifecycle.cancel(session, booking, actor, user, reason, clock.now())

    return await _act(db, booking_id, user, token, step)


@router.post(
    "/bookings/{booking_id}/reschedule",
    response_model=BookingOut,
    operation_id="rescheduleBooking",
    responses={409: {"description": "The new time is taken, or it is past the cut-off"}},
)
async def reschedule_booking(
    booking_id: uuid.UUID,
    body: RescheduleIn,
    user: OptionalUser,
    db: DB,
    clock: ClockDep,
    token: ManageToken = None,
) -> BookingOut:
    """Move a confirmed booking to another free time (the old one is kept until then)."""

    async def step(session: AsyncSession, booking: Booking, actor: Actor) -> None:
        await moves.reschedule(session, booking, actor, user, body.start, clock.now())

    return await _act(db, booking_id, user, token, step)


@router.get(
    "/bookings/{booking_id}/refund-quote",
    response_model=RefundQuoteOut,
    operation_id="quoteRefund",
)
async def quote_refund(
    booking_id: uuid.UUID, user: OptionalUser, db: DB, clock: ClockDep, token: ManageToken = None
) -> RefundQuoteOut:
    """What cancelling now would refund, by the service's cancellation policy."""
    async with db.read() as session:
        booking = await lifecycle.load(session, booking_id)
        actor = await lifecycle.actor_for(session, booking, user, token)
        refund = await lifecycle.refund_quote(session, booking, actor, clock.now())
    return RefundQuoteOut(
        refund_due=format_minor(refund, booking.currency), currency=booking.currency
    )
