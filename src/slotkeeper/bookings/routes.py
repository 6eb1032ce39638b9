from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.deps import CurrentUser, OptionalUser
from slotkeeper.bookings import idempotency, repository, service
from slotkeeper.bookings.models import Booking, IdempotencyRecord
from slotkeeper.bookings.schemas import (
    BookingEventOut,
    BookingIn,
    BookingOut,
    CancelIn,
    CustomerOut,
)
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.money import format_minor
from slotkeeper.kit.deps import DB, ClockDep, SettingsDep
from slotkeeper.kit.problems import HoldExpired, SlotTaken
from slotkeeper.kit.security import manage_token
from slotkeeper.kit.types import Instant

router = APIRouter(tags=["bookings"])

Token = Annotated[str | None, Query(max_length=200, description="The guest's manage token")]


def booking_out(booking: Booking, token: str | None = None) -> BookingOut:
    return BookingOut(
        id=booking.id,
        organization_id=booking.organization_id,
        service_id=booking.service_id,
        provider_id=booking.provider_id,
        status=BookingStatus(booking.status),
        start=booking.start_at,
        end=booking.end_at,
        duration_minutes=booking.duration_minutes,
        hold_expires_at=booking.hold_expires_at,
        customer=CustomerOut(
            name=booking.customer_name, email=booking.customer_email, phone=booking.customer_phone
        ),
        notes=booking.notes,
        price=format_minor(booking.price_minor, booking.currency),
        currency=booking.currency,
        seats=booking.seats,
        cancelled_by=booking.cancelled_by,
        cancel_reason=booking.cancel_reason,
        created_at=booking.created_at,
        manage_token=token,
    )


def _replayed(
    status_code: int, body: dict[str, Any], booking_id: uuid.UUID | None, guest: bool, secret: str
) -> JSONResponse:
    if guest and booking_id is not None:
        body = {**body, "manage_token": manage_token(booking_id, secret)}
    return JSONResponse(body, status_code=status_code, headers={"Idempotent-Replayed": "true"})


@router.post(
    "/bookings",
    status_code=201,
    response_model=BookingOut,
    operation_id="createBooking",
    responses={409: {"description": "The time is taken"}},
)
async def create_booking(
    body: BookingIn,
    user: OptionalUser,
    db: DB,
    clock: ClockDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Any:
    now = clock.now()
    key = idempotency.check_key(idempotency_key) if idempotency_key is not None else None
    scope = idempotency.scope_of(user)
    print_ = idempotency.fingerprint(body.model_dump(mode="json"))

    def replayed(stored: IdempotencyRecord) -> JSONResponse:
        return _replayed(
            stored.status_code,
            stored.response,
            stored.booking_id,
            user is None,
            settings.signing_key,
        )

    async def book(session: AsyncSession) -> BookingOut | JSONResponse:
        if key is not None:
            stored = await idempotency.replay(session, scope, key, print_)
            if stored is not None:
                return replayed(stored)
        created = await service.book_slot(
            session,
            body,
            user,
            now,
            timedelta(seconds=settings.hold_ttl_seconds),
            settings.signing_key,
            guard=settings.booking_guard != "off",
        )
        out = booking_out(created.booking)
        if key is not None:
            idempotency.remember(
                session,
                scope,
                key,
                print_,
                201,
                out.model_dump(mode="json"),
                created.booking.id,
                now,
            )
        out.manage_token = created.manage_token
        return out

    try:
        return await db.run(book)
    except (SlotTaken, IntegrityError):
        # A concurrent request with the same key may have won: answer with its result.
        if key is None:
            raise
        async with db.read() as session:
            stored = await idempotency.replay(session, scope, key, print_)
        if stored is None:
            raise
        return replayed(stored)


@router.get("/bookings", response_model=list[BookingOut], operation_id="listBookings")
async def list_bookings(
    user: CurrentUser,
    db: DB,
    provider_id: uuid.UUID | None = None,
    status: BookingStatus | None = None,
    from_: Annotated[Instant | None, Query(alias="from")] = None,
    to: Instant | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[BookingOut]:
    async with db.read() as session:
        rows = await repository.visible_to(
            session,
            user.id,
            everything=user.is_superadmin,
            provider_id=provider_id,
            status=status.value if status else None,
            start_from=from_,
            start_to=to,
            limit=limit,
            offset=offset,
        )
    return [booking_out(b) for b in rows]


@router.get("/bookings/{booking_id}", response_model=BookingOut, operation_id="getBooking")
async def get_booking(
    booking_id: uuid.UUID, user: OptionalUser, db: DB, token: Token = None
) -> BookingOut:
    async with db.read() as session:
        booking = await service.load(session, booking_id)
        await service.actor_for(session, booking, user, token)
    return booking_out(booking)


@router.get(
    "/bookings/{booking_id}/history",
    response_model=list[BookingEventOut],
    operation_id="getBookingHistory",
)
async def get_booking_history(
    booking_id: uuid.UUID, user: OptionalUser, db: DB, token: Token = None
) -> list[BookingEventOut]:
    async with db.read() as session:
        booking = await service.load(session, booking_id)
        await service.actor_for(session, booking, user, token)
        events = await repository.history(session, booking.id)
    return [
        BookingEventOut(
            from_status=e.from_status,
            to_status=e.to_status,  # type: ignore[arg-type]
            actor=e.actor,
            reason=e.reason,
            at=e.at,
        )
        for e in events
    ]


@router.post(
    "/bookings/{booking_id}/confirm",
    response_model=BookingOut,
    operation_id="confirmBooking",
    responses={409: {"description": "The hold has expired or the status forbids it"}},
)
async def confirm_booking(
    booking_id: uuid.UUID, user: OptionalUser, db: DB, clock: ClockDep, token: Token = None
) -> BookingOut:
    async with db.write() as session:
        booking = await service.load(session, booking_id, for_update=True)
        actor = await service.actor_for(session, booking, user, token)
        confirmed = await service.confirm(session, booking, actor, user, clock.now())
    if not confirmed:
        raise HoldExpired("The hold ran out before it was confirmed; the time has been freed.")
    return booking_out(booking)


@router.post(
    "/bookings/{booking_id}/cancel", response_model=BookingOut, operation_id="cancelBooking"
)
async def cancel_booking(
    booking_id: uuid.UUID,
    user: OptionalUser,
    db: DB,
    clock: ClockDep,
    body: CancelIn | None = None,
    token: Token = None,
) -> BookingOut:
    async with db.write() as session:
        booking = await service.load(session, booking_id, for_update=True)
        actor = await service.actor_for(session, booking, user, token)
        await service.cancel(
            session, booking, actor, user, body.reason if body else None, clock.now()
        )
    return booking_out(booking)
