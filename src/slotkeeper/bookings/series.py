"""Recurring series: book every k weeks at the same local time, cancel one or the rest.

A series is booked in one transaction under the provider's lock, like a single booking:
every occurrence is checked against one calendar read, then all are inserted and the
exclusion constraint has the last word. ``all_or_nothing`` books nothing if any occurrence
is taken (409, with the clashes); ``book_free`` books the free ones and reports the rest.
An occurrence is taken when it is not offered (outside hours, too far ahead) or busy.
Guests get one manage token for the whole series; it works on every occurrence.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.availability.service import Calendar, calendars, rules_for
from slotkeeper.bookings import repository
from slotkeeper.bookings.creating import bookable, customer_of, flush_or_taken, new_booking
from slotkeeper.bookings.expiry import ran_out, settle_expired
from slotkeeper.bookings.history import STAFF, Actor, record
from slotkeeper.bookings.lifecycle import actor_for, cancel
from slotkeeper.bookings.models import Booking, Series
from slotkeeper.bookings.schemas import SeriesIn
from slotkeeper.catalog.models import Provider
from slotkeeper.domain.lifecycle import BookingStatus, can_transition
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.series import SeriesError, SeriesRule, cancellation, occurrences, plan_series
from slotkeeper.domain.slots import SlotRules, generate_slots, is_offered
from slotkeeper.kit.problems import Conflict, Invalid, NotFound
from slotkeeper.kit.security import manage_token, token_hash
from slotkeeper.kit.types import zone
from slotkeeper.pricing import service as pricing

S = BookingStatus


async def book_series(
    session: AsyncSession,
    data: SeriesIn,
    user: User | None,
    now: datetime,
    secret_key: str,
    request_ttl: timedelta,
) -> tuple[Series, list[Booking], str | None]:
    """Book the series ``data`` describes; returns it, its bookings and a guest's token."""
    service, provider, org, duration = await bookable(
        session, data.service_id, data.provider_id, user, data.duration_minutes
    )
    customer = customer_of(data.customer, user)
    tz = zone(provider.timezone)
    first = data.start.astimezone(tz)
    try:
        rule = SeriesRule(
            first_date=first.date(),
            at=first.time().replace(tzinfo=None),
            timezone=tz,
            every_weeks=data.every_weeks,
            count=data.count,
            until=data.until,
        )
    except SeriesError as exc:
        raise Invalid(str(exc)) from exc
    starts = occurrences(rule)
    rules = rules_for(service, duration)
    free = await _free_starts(session, provider, rules, starts, now)
    plan = plan_series(starts, free.__contains__, data.mode)
    clashes = [start.isoformat() for start in plan.clashes]
    if not plan.to_book:
        raise Conflict(
            "These times are taken or not offered; nothing was booked."
            if plan.rejected
            else "No occurrence of this series is free; nothing was booked.",
            clashes=clashes,
        )

    series_id = uuid.uuid4()
    token = manage_token(series_id, secret_key) if user is None else None
    series = Series(
        id=series_id,
        organization_id=org.id,
        provider_id=provider.id,
        service_id=service.id,
        customer_user_id=user.id if user else None,
        customer_email=customer.email,
        timezone=provider.timezone,
        first_date=rule.first_date,
        local_time=rule.at,
        every_weeks=rule.every_weeks,
        count=rule.count,
        until=rule.until,
        mode=data.mode,
        clashes=clashes,
        manage_token_hash=token_hash(token) if token else None,
        created_at=now,
    )
    session.add(series)
    await session.flush()  # the bookings reference it
    bookings = []
    for start in plan.to_book:
        breakdown, code = await pricing.price(
            session, org, service, duration, data.discount_code, now, take_use=True
        )
        requested = service.requires_approval
        booking = new_booking(
            booking_id=uuid.uuid4(),
            service=service,
            provider=provider,
            user=user,
            customer=customer,
            notes=data.notes,
            status=S.REQUESTED if requested else S.CONFIRMED,
            expires=min(now + request_ttl, start) if requested else None,
            rules=rules,
            start=start,
            duration_minutes=duration,
            breakdown=breakdown,
            code=code,
            token=token,
            now=now,
        )
        booking.series_id, booking.series_index = series.id, starts.index(start)
        session.add(booking)
        record(
            session,
            booking,
            None,
            Actor.CUSTOMER if user else Actor.GUEST,
            now,
            user,
            f"occurrence {booking.series_index + 1} of {len(starts)} of a weekly series",
        )
        bookings.append(booking)
    await flush_or_taken(session)
    return series, bookings, token


async def _free_starts(
    session: AsyncSession,
    provider: Provider,
    rules: SlotRules,
    starts: list[datetime],
    now: datetime,
) -> set[datetime]:
    """The starts that are offered and free, from one read of the provider's calendar
    (only over the starts within the service's notice and horizon: the rest are taken).

    Holds and requests that ran out in the way are marked expired first; their events
    tell the waitlist after commit, once the series is in.
    """
    bookable = [s for s in starts if now + rules.min_notice <= s <= now + rules.max_advance]
    if not bookable:
        return set()
    span = TimeRange(bookable[0], bookable[-1] + timedelta(microseconds=1))
    calendar = (await calendars(session, [provider], span, rules, now))[provider.id]
    if calendar.stale_holds:
        blocks = TimeRange(rules.block(bookable[0]).start, rules.block(bookable[-1]).end)
        expired = await repository.expire_run_out(session, now, provider.id, blocks)
        await settle_expired(session, expired, now)
    return {s for s in bookable if _is_free(s, calendar, rules, now)}


def _is_free(start: datetime, calendar: Calendar, rules: SlotRules, now: datetime) -> bool:
    """``start`` checked against only the windows holding it and the busy time in its way
    (a series spans months: checking every window for every occurrence would not scale)."""
    windows = [w for w in calendar.windows if w.start <= start < w.end]
    if not windows:
        return False
    origins = [o for o in calendar.origins if any(w.start < o < w.end for w in windows)]
    block = rules.block(start)
    busy = [b for b in calendar.busy if b.block.overlaps(block)]
    probe = TimeRange(start, start + timedelta(microseconds=1))
    return is_offered(start, windows, rules, now, origins) and bool(
        generate_slots(windows, busy, rules, now, probe, origins)
    )


async def get_series(session: AsyncSession, series_id: uuid.UUID) -> Series:
    series = await session.get(Series, series_id)
    if series is None:
        raise NotFound(f"No series {series_id}.")
    return series


async def occurrences_of(session: AsyncSession, series: Series) -> list[Booking]:
    rows = await session.scalars(
        select(Booking).where(Booking.series_id == series.id).order_by(Booking.series_index)
    )
    return list(rows)


async def require_series_actor(
    session: AsyncSession, series: Series, user: User | None, token: str | None
) -> Actor:
    """Who may see the series: whoever may see its occurrences (its first one decides)."""
    bookings = await occurrences_of(session, series)
    if not bookings:
        raise NotFound(f"No series {series.id}.")
    return await actor_for(session, bookings[0], user, token)


async def cancel_following(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    reason: str | None,
    now: datetime,
) -> list[Booking]:
    """Cancel ``booking`` and every later occurrence of its series still on."""
    if booking.series_id is None or booking.series_index is None:
        raise Invalid("This booking is not part of a series; cancel it on its own.")
    live = [
        b
        for b in await _locked_occurrences(session, booking.series_id)
        if can_transition(S(b.status), S.CANCELLED) and not ran_out(b, now)
    ]
    if booking not in live:  # cancel() refuses it, saying why
        await cancel(session, booking, actor, user, reason, now)
        return [booking]
    chosen = {
        index
        for index, _ in cancellation(
            [(b.series_index or 0, b.start_at) for b in live],
            booking.series_index,
            "this_and_following",
        )
    }
    cancelled = []
    for occurrence in live:
        if occurrence.series_index in chosen and (
            actor in STAFF or occurrence.start_at > now or occurrence is booking
        ):
            await cancel(session, occurrence, actor, user, reason, now)
            cancelled.append(occurrence)
    return cancelled


async def _locked_occurrences(session: AsyncSession, series_id: uuid.UUID) -> list[Booking]:
    query = select(Booking).where(Booking.series_id == series_id).order_by(Booking.series_index)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return list(await session.scalars(query))
