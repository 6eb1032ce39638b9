from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.deps import CurrentUser, OptionalUser
from slotkeeper.accounts.models import User
from slotkeeper.bookings import idempotency, lifecycle, moves, repository, series, visits
from slotkeeper.bookings.creating import book_slot
from slotkeeper.bookings.history import Actor
from slotkeeper.bookings.models import Booking, BookingItem, IdempotencyRecord
from slotkeeper.bookings.schemas import (
    AcceptSuggestionIn,
    BookingEventOut,
    BookingIn,
    BookingItemOut,
    BookingOut,
    BookingsWhen,
    CancelIn,
    CustomerOut,
    RefundQuoteOut,
    RescheduleIn,
    SuggestTimesIn,
)
from slotkeeper.bookings.series_routes import router as series_router
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.money import format_minor
from slotkeeper.domain.pricing import Breakdown
from slotkeeper.kit.database import Database
from slotkeeper.kit.deps import DB, ClockDep, SettingsDep
from slotkeeper.kit.problems import SlotTaken
from slotkeeper.kit.security import manage_token
from slotkeeper.kit.types import Instant
from slotkeeper.pricing.service import breakdown_out

router = APIRouter(tags=["bookings"])
router.include_router(series_router)

Token = Annotated[str | None, Query(max_length=200, description="The guest's manage token")]


def items_out(booking: Booking, items: list[BookingItem] | None) -> list[BookingItemOut]:
    if not items:
        return [
            BookingItemOut(
                service_id=booking.service_id,
                start=booking.start_at,
                end=booking.end_at,
                duration_minutes=booking.duration_minutes,
                price=format_minor(booking.base_minor, booking.currency),
            )
        ]
    return [
        BookingItemOut(
            service_id=item.service_id,
            start=item.start_at,
            end=item.end_at,
            duration_minutes=item.duration_minutes,
            price=format_minor(item.price_minor, booking.currency),
        )
        for item in items
    ]


def booking_out(
    booking: Booking, token: str | None = None, items: list[BookingItem] | None = None
) -> BookingOut:
    return BookingOut(
        id=booking.id,
        organization_id=booking.organization_id,
        service_id=booking.service_id,
        provider_id=booking.provider_id,
        status=BookingStatus(booking.status),
        start=booking.start_at,
        end=booking.end_at,
        duration_minutes=booking.duration_minutes,
        items=items_out(booking, items),
        hold_expires_at=booking.hold_expires_at if booking.status == "held" else None,
        respond_by=booking.hold_expires_at if booking.status == "requested" else None,
        suggested_starts=[datetime.fromisoformat(s) for s in booking.suggested_starts or []]
        if booking.status == "time_suggested"
        else [],
        customer=CustomerOut(
            name=booking.customer_name, email=booking.customer_email, phone=booking.customer_phone
        ),
        notes=booking.notes,
        price=format_minor(booking.price_minor, booking.currency),
        breakdown=breakdown_out(
            Breakdown(
                currency=booking.currency,
                base=booking.base_minor,
                discount=booking.discount_minor,
                subtotal=booking.base_minor - booking.discount_minor,
                platform_fee=booking.platform_fee_minor,
                vat=booking.vat_minor,
                total=booking.price_minor,
                vat_inclusive=booking.vat_inclusive,
            )
        ),
        currency=booking.currency,
        seats=booking.seats,
        cancelled_by=booking.cancelled_by,
        refund_due=format_minor(booking.refund_due_minor, booking.currency)
        if booking.refund_due_minor is not None
        else None,
        cancel_reason=booking.cancel_reason,
        series_id=booking.series_id,
        series_index=booking.series_index,
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
    booking_id: uuid.UUID, user: OptionalUser, db: DB, token: Token = None
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
    booking_id: uuid.UUID, user: OptionalUser, db: DB, token: Token = None
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
    booking_id: uuid.UUID, user: OptionalUser, db: DB, clock: ClockDep, token: Token = None
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
    token: Token = None,
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
    token: Token = None,
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
    token: Token = None,
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
    token: Token = None,
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
    booking_id: uuid.UUID, user: OptionalUser, db: DB, clock: ClockDep, token: Token = None
) -> RefundQuoteOut:
    """What cancelling now would refund, by the service's cancellation policy."""
    async with db.read() as session:
        booking = await lifecycle.load(session, booking_id)
        actor = await lifecycle.actor_for(session, booking, user, token)
        refund = await lifecycle.refund_quote(session, booking, actor, clock.now())
    return RefundQuoteOut(
        refund_due=format_minor(refund, booking.currency), currency=booking.currency
    )
