"""HTTP routes that make and read bookings: create (with an idempotency key), list, the
caller's own, one booking and its history. The lifecycle routes (confirm, cancel, ...) are
in lifecycle_routes.py, a series' in series_routes.py."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.deps import CurrentUser, OptionalUser
from slotkeeper.bookings import idempotency, lifecycle, repository, visits
from slotkeeper.bookings.creating import book_slot
from slotkeeper.bookings.models import IdempotencyRecord
from slotkeeper.bookings.responses import booking_out
from slotkeeper.bookings.schemas import (
    BookingEventOut,
    BookingIn,
    BookingOut,
    BookingsWhen,
    ManageToken,
)
from slotkeeper.bookings.series_routes import router as series_router
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.kit.deps import DB, ClockDep, SettingsDep
from slotkeeper.kit.problems import SlotTaken
from slotkeeper.kit.security import manage_token
from slotkeeper.kit.types import Instant

router = APIRouter(tags=["bookings"])
router.include_router(series_router)


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
    scope = idempotency.scope_of(user, str(body.customer.email) if body.customer else None)
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
        created = await book_slot(
            session,
            body,
            user,
            now,
            timedelta(seconds=settings.hold_ttl_seconds),
            settings.signing_key,
            guard=settings.booking_guard != "off",
            request_ttl=timedelta(hours=settings.request_ttl_hours),
        )
        out = booking_out(created.booking, items=created.items)
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
        items = await visits.items_of(session, [b.id for b in rows])
    return [booking_out(b, items=items.get(b.id)) for b in rows]


@router.get("/me/bookings", response_model=list[BookingOut], operation_id="listMyBookings")
async def list_my_bookings(
    user: CurrentUser,
    db: DB,
    clock: ClockDep,
    when: BookingsWhen | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[BookingOut]:
    """The caller's own bookings as a customer (not those seen as provider or manager):
    ``upcoming`` (not ended yet, soonest first), ``past`` (ended, latest first), or all by
    start."""
    async with db.read() as session:
        rows = await repository.of_customer(
            session, user.id, when=when, now=clock.now(), limit=limit, offset=offset
        )
        items = await visits.items_of(session, [b.id for b in rows])
    return [booking_out(b, items=items.get(b.id)) for b in rows]


@router.get("/bookings/{booking_id}", response_model=BookingOut, operation_id="getBooking")
async def get_booking(
    booking_id: uuid.UUID, user: OptionalUser, db: DB, token: ManageToken = None
) -> BookingOut:
    async with db.read() as session:
        booking = await lifecycle.load(session, booking_id)
        await lifecycle.actor_for(session, booking, user, token)
        items = await visits.items_of(session, [booking.id])
    return booking_out(booking, items=items.get(booking.id))


@router.get(
    "/bookings/{booking_id}/history",
    response_model=list[BookingEventOut],
    operation_id="getBookingHistory",
)
async def get_booking_history(
    booking_id: uuid.UUID, user: OptionalUser, db: DB, token: ManageToken = None
) -> list[BookingEventOut]:
    async with db.read() as session:
        booking = await lifecycle.load(session, booking_id)
        await lifecycle.actor_for(session, booking, user, token)
        events = await repository.history(session, booking.id)
    return [
        BookingEventOut(
            from_status=e.from_status,
            to_status=e.to_status,
            actor=e.actor,
            reason=e.reason,
            at=e.at,
        )
        for e in events
    ]
