"""Booking use cases: book a slot (atomically), confirm, cancel, read; each is one
transaction run by the caller (``Database.write``)."""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.accounts.service import is_manager
from slotkeeper.availability.service import calendars
from slotkeeper.bookings import repository
from slotkeeper.bookings.models import Booking, BookingEvent, BookingItem
from slotkeeper.bookings.schemas import BookingIn, CustomerIn
from slotkeeper.bookings.visits import items_of, move_items, offering_all, plan_visit, visit_of
from slotkeeper.catalog import repository as catalog_repository
from slotkeeper.catalog.models import Organization, Provider, Service
from slotkeeper.catalog.service import get_service, visible_provider
from slotkeeper.catalog.visibility import require_visible
from slotkeeper.domain.lifecycle import (
    BLOCKING,
    EXPIRING,
    BookingStatus,
    IllegalTransition,
    transition,
)
from slotkeeper.domain.policies import (
    CancellationPolicy,
    CancelledBy,
    refund_due,
    reschedule_allowed,
)
from slotkeeper.domain.pricing import Breakdown
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import SlotRules, generate_slots, is_offered
from slotkeeper.kit.problems import (
    Forbidden,
    HoldExpired,
    Invalid,
    InvalidTransition,
    NotFound,
    SlotTaken,
    Unauthorized,
)
from slotkeeper.kit.security import manage_token, token_hash
from slotkeeper.pricing import repository as pricing_repository
from slotkeeper.pricing import service as pricing
from slotkeeper.pricing.models import DiscountCode
from slotkeeper.waitlist.service import FreedTime, time_freed

S = BookingStatus


class Actor(StrEnum):
    """Who acts on a booking; recorded in its history."""

    CUSTOMER = "customer"
    GUEST = "guest"
    PROVIDER = "provider"
    ADMIN = "admin"
    SYSTEM = "system"


STAFF = frozenset({Actor.PROVIDER, Actor.ADMIN})


@dataclass(frozen=True, slots=True)
class Created:
    booking: Booking
    manage_token: str | None
    items: list[BookingItem] = field(default_factory=list)


def record(
    session: AsyncSession,
    booking: Booking,
    previous: str | None,
    actor: Actor,
    now: datetime,
    user: User | None = None,
    reason: str | None = None,
) -> None:
    session.add(
        BookingEvent(
            organization_id=booking.organization_id,
            booking_id=booking.id,
            from_status=previous,
            to_status=booking.status,
            actor=actor.value,
            actor_user_id=user.id if user else None,
            reason=reason,
            at=now,
        )
    )


EXPIRY_REASONS = {S.HELD: "hold ran out", S.REQUESTED: "request was not answered in time"}


def record_expired(session: AsyncSession, expired: list[repository.Expired], now: datetime) -> None:
    session.add_all(
        BookingEvent(
            organization_id=row.organization_id,
            booking_id=row.id,
            from_status=row.previous.value,
            to_status=S.EXPIRED.value,
            actor=Actor.SYSTEM.value,
            actor_user_id=None,
            reason=EXPIRY_REASONS[row.previous],
            at=now,
        )
        for row in expired
    )


async def expire_run_out(session: AsyncSession, now: datetime) -> int:
    """Mark every run-out hold and unanswered request expired (the sweeper), and tell the
    waitlist the times they held are free."""
    expired = await repository.expire_run_out(session, now)
    record_expired(session, expired, now)
    await time_freed(session, freed_times(expired), now)
    # After the waitlist's turn, so locks go provider then code, as a booking takes them.
    await _give_back_codes(session, expired)
    return len(expired)


async def settle_expired(
    session: AsyncSession, expired: list[repository.Expired], now: datetime
) -> list[FreedTime]:
    """After marking holds and requests expired in the way of a booking (its provider
    locked): their history, their discount code uses given back, and the times they free."""
    record_expired(session, expired, now)
    await _give_back_codes(session, expired)
    return freed_times(expired)


async def _give_back_codes(session: AsyncSession, expired: list[repository.Expired]) -> None:
    """Expired holds and requests were never confirmed: their codes were never used."""
    await pricing_repository.give_back(
        session, [row.discount_code_id for row in expired if row.discount_code_id]
    )


def freed_times(expired: list[repository.Expired]) -> list[FreedTime]:
    return [
        FreedTime(
            row.organization_id,
            row.provider_id,
            row.service_id,
            row.start,
            row.end,
            row.customer_user_id,
        )
        for row in expired
    ]


async def _freed(
    session: AsyncSession, booking: Booking, start: datetime | None = None
) -> list[FreedTime]:
    """The times ``booking`` held (or held before it moved from ``start``): one per
    service, so the waiters of each service of a visit hear of their part."""
    shift = (start or booking.start_at) - booking.start_at
    items = (await items_of(session, [booking.id])).get(booking.id)
    parts = (
        [(i.service_id, i.start_at, i.end_at) for i in items]
        if items
        else [(booking.service_id, booking.start_at, booking.end_at)]
    )
    return [
        FreedTime(
            booking.organization_id,
            booking.provider_id,
            service_id,
            begin + shift,
            end + shift,
            booking.customer_user_id,
        )
        for service_id, begin, end in parts
    ]


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    return "bookings_no_overlap" in str(exc.orig)


async def flush_or_taken(session: AsyncSession) -> None:
    """Write pending changes; the exclusion constraint refusing them means a concurrent
    booking took the time first."""
    try:
        await session.flush()
    except IntegrityError as exc:
        if _is_exclusion_violation(exc):
            raise SlotTaken("This time was just taken. Pick another time.") from exc
        raise


def _place(booking: Booking, rules: SlotRules, start: datetime) -> None:
    """Put ``booking`` (and the provider's busy block) at ``start``."""
    block = rules.block(start)
    booking.start_at, booking.end_at = start, start + rules.duration
    booking.block_start, booking.block_end = block.start, block.end
    booking.slot_key = rules.occurrence_key(start) or str(booking.id)


async def _require_free(
    session: AsyncSession,
    provider: Provider,
    rules: SlotRules,
    start: datetime,
    now: datetime,
    moving: uuid.UUID | None = None,
) -> list[FreedTime]:
    """Refuse a start the schedule does not offer (422) or that is taken (409).

    Holds and requests whose deadline passed are marked expired on the way, so the
    exclusion constraint, which only sees statuses, lets the new time in; their times are
    returned, for the caller to tell the waitlist once its own booking is in place (then
    only what the new booking leaves free is offered).
    """
    block = rules.block(start)
    probe = TimeRange(start, start + timedelta(microseconds=1))
    calendar = (await calendars(session, [provider], probe, rules, now, moving))[provider.id]
    if not is_offered(start, calendar.windows, rules, now, calendar.origins):
        raise Invalid(
            "This start time is not offered: it is outside the provider's hours, off the "
            "service's time grid, too soon (minimum notice) or too far ahead."
        )
    freed: list[FreedTime] = []
    if any(stale.overlaps(block) for stale in calendar.stale_holds):
        expired = await repository.expire_run_out(session, now, provider.id, block)
        freed = await settle_expired(session, expired, now)
    if not generate_slots(calendar.windows, calendar.busy, rules, now, probe, calendar.origins):
        raise SlotTaken("This time is no longer available. Pick another time.")
    return freed


@dataclass(frozen=True, slots=True)
class Customer:
    name: str
    email: str
    phone: str | None


def customer_of(data: CustomerIn | None, user: User | None) -> Customer:
    """Who the booking is for: the details given, else the signed-in account's."""
    if data is not None:
        return Customer(data.name.strip(), str(data.email).lower(), data.phone)
    if user is not None:
        return Customer(user.name, user.email, None)
    raise Invalid("customer (name and email) is required when booking without signing in.")


async def bookable(
    session: AsyncSession,
    service_id: uuid.UUID,
    provider_id: uuid.UUID,
    user: User | None,
    duration_minutes: int | None,
    lock: bool = True,
) -> tuple[Service, Provider, Organization, int]:
    """The service, its provider (locked on PostgreSQL), their organization and the
    duration to book, or refuse: unknown or hidden ids 404, a wrong pairing 422."""
    found = await catalog_repository.service_with_provider(
        session, service_id, provider_id, lock=lock
    )
    if found is None:
        await get_service(session, service_id)  # 404 for an unknown id
        await visible_provider(session, provider_id, user)  # or a hidden one
        raise Invalid("This provider does not offer this service.")
    service, provider, org = found
    await require_visible(session, provider, user)
    duration = duration_minutes or service.duration_minutes
    if duration not in service.duration_options:
        options = ", ".join(str(d) for d in service.duration_options)
        raise Invalid(f"duration_minutes must be one of {options} for this service.")
    return service, provider, org, duration


def new_booking(
    *,
    booking_id: uuid.UUID,
    service: Service,
    provider: Provider,
    user: User | None,
    customer: Customer,
    notes: str | None,
    status: BookingStatus,
    expires: datetime | None,
    rules: SlotRules,
    start: datetime,
    duration_minutes: int,
    breakdown: Breakdown,
    code: DiscountCode | None,
    token: str | None,
    now: datetime,
) -> Booking:
    block = rules.block(start)
    return Booking(
        id=booking_id,
        organization_id=service.organization_id,
        provider_id=provider.id,
        service_id=service.id,
        customer_user_id=user.id if user else None,
        customer_name=customer.name,
        customer_email=customer.email,
        customer_phone=customer.phone,
        notes=notes,
        status=status.value,
        start_at=start,
        end_at=start + rules.duration,
        duration_minutes=duration_minutes,
        block_start=block.start,
        block_end=block.end,
        slot_key=rules.occurrence_key(start) or str(booking_id),
        seats=1,
        hold_expires_at=expires,
        manage_token_hash=token_hash(token) if token else None,
        price_minor=breakdown.total,
        base_minor=breakdown.base,
        discount_minor=breakdown.discount,
        platform_fee_minor=breakdown.platform_fee,
        vat_minor=breakdown.vat,
        vat_inclusive=breakdown.vat_inclusive,
        discount_code_id=code.id if code else None,
        currency=service.currency,
        created_at=now,
        updated_at=now,
    )


async def book_slot(
    session: AsyncSession,
    data: BookingIn,
    user: User | None,
    now: datetime,
    hold_ttl: timedelta,
    secret_key: str,
    guard: bool = True,
    request_ttl: timedelta = timedelta(hours=48),
    actor: Actor | None = None,
    reason: str | None = None,
) -> Created:
    """Book ``data.start`` if it is offered and free (``actor`` and ``reason`` go into the
    history when the system books for a customer, e.g. a waitlist hold).

    The guard: on PostgreSQL the provider row is locked for the transaction and the
    exclusion constraint has the last word; on SQLite the write transaction is serial.
    """
    service, provider, org, duration = await bookable(
        session, data.service_id, data.provider_id, user, data.duration_minutes, lock=guard
    )
    customer = customer_of(data.customer, user)
    visit = await plan_visit(session, service, duration, data.extra_service_ids)
    if not await offering_all(session, visit, [provider]):
        raise Invalid("This provider does not offer every service of the visit.")
    start = data.start.astimezone(UTC)
    freed = await _require_free(session, provider, visit.rules, start, now)
    if not guard:
        # Test hook (control case of the race tests): check and insert in separate
        # transactions, so concurrent requests can both pass the check.
        await session.commit()

    breakdown, code = await pricing.price(
        session,
        org,
        service,
        duration,
        data.discount_code,
        now,
        take_use=True,
        extra=list(zip(visit.services[1:], visit.durations[1:], strict=True)),
    )
    if visit.requires_approval:
        status, expires = S.REQUESTED, min(now + request_ttl, start)
    elif data.hold:
        status, expires = S.HELD, min(now + hold_ttl, start)
    else:
        status, expires = S.CONFIRMED, None
    booking_id = uuid.uuid4()
    token = manage_token(booking_id, secret_key) if user is None else None
    booking = new_booking(
        booking_id=booking_id,
        service=service,
        provider=provider,
        user=user,
        customer=customer,
        notes=data.notes,
        status=status,
        expires=expires,
        rules=visit.rules,
        start=start,
        duration_minutes=visit.duration_minutes,
        breakdown=breakdown,
        code=code,
        token=token,
        now=now,
    )
    session.add(booking)
    items = visit.items(booking_id, start)
    session.add_all(items)
    actor = actor or (Actor.CUSTOMER if user else Actor.GUEST)
    record(session, booking, None, actor, now, user, reason)
    await flush_or_taken(session)
    await time_freed(session, freed, now)
    return Created(booking, token, items)


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


def _move(booking: Booking, target: BookingStatus, now: datetime) -> str:
    previous = booking.status
    try:
        transition(S(previous), target)
    except IllegalTransition as exc:
        raise InvalidTransition(str(exc)) from exc
    booking.status = target.value
    booking.updated_at = now
    return previous


def ran_out(booking: Booking, now: datetime) -> bool:
    """A hold or request past its deadline: it no longer blocks, marked or not."""
    return (
        S(booking.status) in EXPIRING
        and booking.hold_expires_at is not None
        and booking.hold_expires_at <= now
    )


async def _expire_if_run_out(session: AsyncSession, booking: Booking, now: datetime) -> S | None:
    """Mark a run-out hold or request expired; returns the status it had, if it was."""
    if not ran_out(booking, now):
        return None
    previous = S(_move(booking, S.EXPIRED, now))
    record(session, booking, previous.value, Actor.SYSTEM, now, reason=EXPIRY_REASONS[previous])
    await session.flush()
    await time_freed(session, await _freed(session, booking), now)
    await _give_back_code(session, booking, previous)
    return previous


UNCONFIRMED = frozenset({S.HELD, S.REQUESTED, S.TIME_SUGGESTED})


async def _give_back_code(session: AsyncSession, booking: Booking, previous: S) -> None:
    """A booking that ends without ever being confirmed did not use its discount code.
    (Given back after the waitlist's turn: locks go booking, provider, code, the order a
    booking takes them in.)"""
    if previous in UNCONFIRMED and booking.discount_code_id is not None:
        await pricing_repository.give_back(session, [booking.discount_code_id])


def _require_staff(actor: Actor, what: str) -> None:
    if actor not in STAFF:
        raise Forbidden(f"Only the provider or an organization admin can {what}.")


async def confirm(
    session: AsyncSession, booking: Booking, actor: Actor, user: User | None, now: datetime
) -> S | None:
    """Confirm a hold (its customer or staff) or accept a request (staff only).

    Returns the status the booking had if its deadline had passed: it is then marked
    expired, and the caller reports the conflict after this transaction commits.
    """
    expired = await _expire_if_run_out(session, booking, now)
    if expired is not None:
        return expired
    if booking.status == S.REQUESTED.value:
        _require_staff(actor, "accept a request")
    if booking.status == S.TIME_SUGGESTED.value:
        raise InvalidTransition("Pick one of the suggested times (accept-suggestion) instead.")
    previous = _move(booking, S.CONFIRMED, now)
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
    previous = _move(booking, S.CANCELLED, now)
    booking.cancelled_by = "provider" if actor in STAFF else "customer"
    booking.cancel_reason = reason
    booking.refund_due_minor = refund
    record(session, booking, previous, actor, now, user, reason)
    if S(previous) in BLOCKING:
        await session.flush()
        await time_freed(session, await _freed(session, booking), now)
    await _give_back_code(session, booking, S(previous))


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


async def reschedule(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    start: datetime,
    now: datetime,
) -> None:
    """Move a confirmed booking atomically: its old time stays taken until the new one is
    secured in this same transaction (any refusal leaves the booking as it was)."""
    if booking.status != S.CONFIRMED.value:
        raise InvalidTransition(
            f"Only a confirmed booking can be moved; this one is {booking.status}."
        )
    service, provider = await _service_and_locked_provider(session, booking)
    cutoff = timedelta(hours=service.reschedule_cutoff_hours)
    if actor not in STAFF and not reschedule_allowed(now, booking.start_at, cutoff):
        raise InvalidTransition(
            f"Bookings can be moved until {service.reschedule_cutoff_hours} h before the start."
        )
    start = start.astimezone(UTC)
    if start == booking.start_at:
        raise Invalid("The booking already starts at that time.")
    visit = await visit_of(session, booking, service)
    freed = await _require_free(session, provider, visit.rules, start, now, moving=booking.id)
    old = booking.start_at
    _place(booking, visit.rules, start)
    await move_items(session, booking, visit)
    booking.updated_at = now
    record(
        session,
        booking,
        booking.status,
        actor,
        now,
        user,
        f"rescheduled from {old.isoformat()} to {start.isoformat()}",
    )
    await flush_or_taken(session)
    await time_freed(session, [*freed, *await _freed(session, booking, old)], now)


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
        _require_staff(actor, "decline a request")
        expired = await _expire_if_run_out(session, booking, now)
        if expired is not None:
            return expired
    previous = _move(booking, S.DECLINED, now)
    record(session, booking, previous, actor, now, user, reason)
    if S(previous) in BLOCKING:
        await session.flush()
        await time_freed(session, await _freed(session, booking), now)
    await _give_back_code(session, booking, S(previous))
    return None


async def suggest_times(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    starts: list[datetime],
    reason: str | None,
    now: datetime,
) -> S | None:
    """Answer a request with other free times; the requested time is freed."""
    _require_staff(actor, "suggest other times")
    expired = await _expire_if_run_out(session, booking, now)
    if expired is not None:
        return expired
    previous = _move(booking, S.TIME_SUGGESTED, now)
    booking.hold_expires_at = None
    await session.flush()  # the requested time no longer blocks the checks below
    service, provider = await _service_and_locked_provider(session, booking)
    rules = (await visit_of(session, booking, service)).rules
    chosen = sorted({start.astimezone(UTC) for start in starts})
    freed = await _freed(session, booking)
    for start in chosen:
        freed += await _require_free(session, provider, rules, start, now)
    booking.suggested_starts = [start.isoformat() for start in chosen]
    record(session, booking, previous, actor, now, user, reason)
    await session.flush()
    await time_freed(session, freed, now)
    return None


async def accept_suggestion(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    start: datetime,
    now: datetime,
) -> None:
    """The customer picks a suggested time: confirmed there if it is still free (else 409,
    and the other suggestions stay offered)."""
    if actor in STAFF:
        raise Forbidden("Only the customer can pick a suggested time.")
    if booking.status != S.TIME_SUGGESTED.value:
        raise InvalidTransition(f"A booking that is {booking.status} has no suggested times.")
    start = start.astimezone(UTC)
    if start.isoformat() not in (booking.suggested_starts or []):
        raise Invalid("That time is not one of the suggested times.")
    service, provider = await _service_and_locked_provider(session, booking)
    visit = await visit_of(session, booking, service)
    freed = await _require_free(session, provider, visit.rules, start, now)
    _place(booking, visit.rules, start)
    await move_items(session, booking, visit)
    previous = _move(booking, S.CONFIRMED, now)
    record(session, booking, previous, actor, now, user, f"picked {start.isoformat()}")
    await flush_or_taken(session)
    await time_freed(session, freed, now)


async def mark_attendance(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    outcome: S,
    now: datetime,
) -> None:
    """The provider marks a confirmed booking completed or no-show, after its start."""
    _require_staff(actor, f"mark a booking {outcome.value}")
    if now < booking.start_at:
        raise InvalidTransition("A booking can be marked only after it has started.")
    previous = _move(booking, outcome, now)
    record(session, booking, previous, actor, now, user)


async def _service_and_locked_provider(
    session: AsyncSession, booking: Booking
) -> tuple[Service, Provider]:
    found = await catalog_repository.service_with_provider(
        session, booking.service_id, booking.provider_id, lock=True
    )
    if found is None:
        raise InvalidTransition("The provider no longer offers this service.")
    service, provider, _ = found
    return service, provider
