"""Booking a slot: who it is for, what can be booked, the check that the start is offered
and free, and the insert the exclusion constraint has the last word on. One transaction,
run by the caller (``Database.run``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.availability.service import calendars
from slotkeeper.bookings import repository
from slotkeeper.bookings.expiry import settle_expired
from slotkeeper.bookings.history import Actor, record
from slotkeeper.bookings.models import Booking, BookingItem
from slotkeeper.bookings.schemas import BookingIn, CustomerIn
from slotkeeper.bookings.visits import offering_all, plan_visit
from slotkeeper.catalog import repository as catalog_repository
from slotkeeper.catalog.models import Organization, Provider, Service
from slotkeeper.catalog.service import get_service, visible_provider
from slotkeeper.catalog.visibility import require_visible
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.pricing import Breakdown
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import SlotRules, generate_slots, is_offered
from slotkeeper.kit.problems import Invalid, SlotTaken
from slotkeeper.kit.security import manage_token, token_hash
from slotkeeper.pricing import service as pricing
from slotkeeper.pricing.models import DiscountCode

S = BookingStatus


@dataclass(frozen=True, slots=True)
class Created:
    booking: Booking
    manage_token: str | None
    items: list[BookingItem] = field(default_factory=list)


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


async def require_free(
    session: AsyncSession,
    provider: Provider,
    rules: SlotRules,
    start: datetime,
    now: datetime,
    moving: uuid.UUID | None = None,
) -> None:
    """Refuse a start the schedule does not offer (422) or that is taken (409).

    Holds and requests whose deadline passed are marked expired on the way, so the
    exclusion constraint, which only sees statuses, lets the new time in; their events
    tell the waitlist after commit, when the new booking is in place (so only what it
    leaves free is offered).
    """
    block = rules.block(start)
    probe = TimeRange(start, start + timedelta(microseconds=1))
    calendar = (await calendars(session, [provider], probe, rules, now, moving))[provider.id]
    if not is_offered(start, calendar.windows, rules, now, calendar.origins):
        raise Invalid(
            "This start time is not offered: it is outside the provider's hours, off the "
            "service's time grid, too soon (minimum notice) or too far ahead."
        )
    if any(stale.overlaps(block) for stale in calendar.stale_holds):
        expired = await repository.expire_run_out(session, now, provider.id, block)
        await settle_expired(session, expired, now)
    if not generate_slots(calendar.windows, calendar.busy, rules, now, probe, calendar.origins):
        raise SlotTaken("This time is no longer available. Pick another time.")


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
    await require_free(session, provider, visit.rules, start, now)
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
    return Created(booking, token, items)
