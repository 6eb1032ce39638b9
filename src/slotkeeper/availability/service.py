"""Weekly hours, date overrides, time off, and the slots query built from them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.accounts.service import is_manager
from slotkeeper.availability import repository
from slotkeeper.availability.models import DateOverride, TimeOff, WeeklyHours
from slotkeeper.availability.schemas import DateOverrideIn, TimeOffIn, WeeklyWindowIn, parse_clock
from slotkeeper.bookings import repository as bookings_repository
from slotkeeper.catalog.models import Provider, Service
from slotkeeper.catalog.service import visible_provider
from slotkeeper.domain.availability import (
    LocalWindow,
    Schedule,
    WeeklyWindow,
    availability_windows,
    grid_origins,
    local_dates_covering,
)
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import Busy, Slot, SlotRules, generate_slots
from slotkeeper.kit.problems import Forbidden, Invalid, NotFound, Unauthorized
from slotkeeper.kit.types import zone


async def require_provider_manager(
    session: AsyncSession, user: User | None, provider: Provider
) -> None:
    """The provider's own account or a manager of the provider's organization."""
    if user is None:
        raise Unauthorized("Sign in to manage a provider's availability.")
    if provider.user_id == user.id:
        return
    if not await is_manager(session, user, provider.organization_id):
        raise Forbidden("Only the provider or an admin of the organization may do this.")


async def managed_provider(
    session: AsyncSession, provider_id: uuid.UUID, user: User | None
) -> Provider:
    """The provider, if the caller may manage its availability (else 401/403/404; a
    provider hidden from the caller is 404)."""
    provider = await visible_provider(session, provider_id, user)
    await require_provider_manager(session, user, provider)
    return provider


async def set_weekly_hours(
    session: AsyncSession, provider: Provider, windows: Sequence[WeeklyWindowIn]
) -> list[WeeklyHours]:
    await repository.delete_weekly_hours(session, provider.id)
    rows = [
        WeeklyHours(
            organization_id=provider.organization_id,
            provider_id=provider.id,
            weekday=w.weekday,
            start_time=parse_clock(w.start),
            end_time=parse_clock(w.end),
        )
        for w in windows
    ]
    session.add_all(rows)
    await session.flush()
    return sorted(rows, key=lambda r: (r.weekday, r.start_time))


async def put_date_override(
    session: AsyncSession, provider: Provider, data: DateOverrideIn
) -> DateOverride:
    windows = [[w.start, w.end] for w in sorted(data.windows, key=lambda w: w.start)]
    row = await repository.override_on(session, provider.id, data.date)
    if row is None:
        row = DateOverride(
            organization_id=provider.organization_id,
            provider_id=provider.id,
            day=data.date,
            windows=windows,
        )
        session.add(row)
    else:
        row.windows = windows
    await session.flush()
    return row


async def add_time_off(session: AsyncSession, provider: Provider, data: TimeOffIn) -> TimeOff:
    row = TimeOff(
        organization_id=provider.organization_id,
        provider_id=provider.id,
        start_at=data.start,
        end_at=data.end,
        reason=data.reason,
    )
    session.add(row)
    await session.flush()
    return row


async def delete_date_override(session: AsyncSession, provider: Provider, day: date) -> None:
    """The date goes back to the weekly hours."""
    row = await repository.override_on(session, provider.id, day)
    if row is None:
        raise NotFound(f"No special hours on {day.isoformat()}.")
    await session.delete(row)
    await session.flush()


async def delete_time_off(
    session: AsyncSession, provider: Provider, time_off_id: uuid.UUID
) -> None:
    """The stretch can be booked again (within the weekly hours and overrides)."""
    row = await repository.time_off_entry(session, provider.id, time_off_id)
    if row is None:
        raise NotFound(f"No time off {time_off_id}.")
    await session.delete(row)
    await session.flush()


@dataclass(frozen=True, slots=True)
class Calendar:
    """One provider's availability windows and busy time over a span (UTC)."""

    windows: list[TimeRange]
    busy: list[Busy]
    # Holds that ran out but are not marked expired yet: they no longer block.
    stale_holds: list[TimeRange] = field(default_factory=list)
    # Where step grids start (each local day's windows), whatever span was asked.
    origins: list[datetime] = field(default_factory=list)


def rules_for(service: Service, duration_minutes: int) -> SlotRules:
    return SlotRules(
        duration=timedelta(minutes=duration_minutes),
        step=timedelta(minutes=service.slot_step_minutes),
        buffer_before=timedelta(minutes=service.buffer_before_minutes),
        buffer_after=timedelta(minutes=service.buffer_after_minutes),
        min_notice=timedelta(minutes=service.min_notice_minutes),
        max_advance=timedelta(days=service.max_advance_days),
        capacity=service.capacity,
        service_key=str(service.id),
    )


def _local_windows(pairs: Sequence[Sequence[str]]) -> tuple[LocalWindow, ...]:
    return tuple(
        LocalWindow(parse_clock(a) or datetime.min.time(), parse_clock(b)) for a, b in pairs
    )


async def calendars(
    session: AsyncSession,
    providers: Sequence[Provider],
    span: TimeRange,
    rules: SlotRules,
    now: datetime,
    exclude: uuid.UUID | None = None,
) -> dict[uuid.UUID, Calendar]:
    """Windows and busy time of every provider, in a constant number of queries."""
    ids = [p.id for p in providers]
    if not ids:
        return {}
    # Bookings reaching into a candidate's buffers count too.
    reach = span.widen(rules.buffer_before, rules.duration + rules.buffer_after)
    dates = [d for p in providers for d in local_dates_covering(span, zone(p.timezone))]
    weekly: dict[uuid.UUID, list[WeeklyWindow]] = defaultdict(list)
    for row in await repository.weekly_hours(session, ids):
        weekly[row.provider_id].append(
            WeeklyWindow(row.weekday, LocalWindow(row.start_time, row.end_time))
        )
    overrides: dict[uuid.UUID, dict[date, tuple[LocalWindow, ...]]] = defaultdict(dict)
    for ov in await repository.overrides(session, ids, min(dates), max(dates)):
        overrides[ov.provider_id][ov.day] = _local_windows(ov.windows)
    busy: dict[uuid.UUID, list[Busy]] = defaultdict(list)
    stale: dict[uuid.UUID, list[TimeRange]] = defaultdict(list)
    for off in await repository.time_off(session, ids, reach):
        busy[off.provider_id].append(Busy(TimeRange(off.start_at, off.end_at)))
    for b in await bookings_repository.blocking_in(session, ids, reach, exclude):
        block = TimeRange(b.block_start, b.block_end)
        if b.ran_out(now):
            stale[b.provider_id].append(block)
        else:
            busy[b.provider_id].append(Busy(block, occurrence=b.slot_key, seats=b.seats))
    result = {}
    for p in providers:
        schedule = Schedule(zone(p.timezone), weekly[p.id], overrides[p.id])
        result[p.id] = Calendar(
            availability_windows(schedule, span),
            busy[p.id],
            stale[p.id],
            grid_origins(schedule, span),
        )
    return result


async def find_slots(
    session: AsyncSession,
    service: Service,
    providers: Sequence[Provider],
    span: TimeRange,
    duration_minutes: int,
    now: datetime,
    rules: SlotRules | None = None,
) -> list[tuple[uuid.UUID, Slot]]:
    """Free starts of ``service`` in ``span``, ordered by start then provider (``rules``
    replace the service's own for a multi-service visit)."""
    if duration_minutes not in service.duration_options:
        options = ", ".join(str(d) for d in service.duration_options)
        raise Invalid(f"duration_minutes must be one of {options} for this service.")
    rules = rules or rules_for(service, duration_minutes)
    found: list[tuple[uuid.UUID, Slot]] = []
    for provider_id, cal in (await calendars(session, providers, span, rules, now)).items():
        found.extend(
            (provider_id, s)
            for s in generate_slots(cal.windows, cal.busy, rules, now, span, cal.origins)
        )
    found.sort(key=lambda item: (item[1].start, str(item[0])))
    return found
