"""The report of an organization over a range of its local dates, for its managers.

"Booked" means confirmed, completed or no-show (the time was kept for the customer);
revenue counts confirmed and completed bookings at the price they were booked at.
Utilisation is booked minutes over available minutes (weekly hours and date overrides,
less time off). Hours and weeks are the organization's local ones.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.availability import repository as availability
from slotkeeper.availability.service import calendars
from slotkeeper.catalog import repository as catalog
from slotkeeper.catalog.models import Organization
from slotkeeper.catalog.service import managed_organization
from slotkeeper.domain.availability import local_to_utc
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.ranges import TimeRange, intersect, merge, subtract
from slotkeeper.domain.slots import SlotRules
from slotkeeper.kit.problems import Invalid
from slotkeeper.kit.types import zone
from slotkeeper.reports import repository

S = BookingStatus
BOOKED = (S.CONFIRMED.value, S.COMPLETED.value, S.NO_SHOW.value)
EARNING = (S.CONFIRMED.value, S.COMPLETED.value)
# Every status, in the order a booking usually goes through them.
STATUS_ORDER = [
    S.HELD,
    S.REQUESTED,
    S.TIME_SUGGESTED,
    S.CONFIRMED,
    S.COMPLETED,
    S.NO_SHOW,
    S.CANCELLED,
    S.DECLINED,
    S.EXPIRED,
    S.PAYMENT_FAILED,
]
MAX_DAYS = 366
AROUND_TODAY = 30


@dataclass(frozen=True)
class ProviderUse:
    provider_id: uuid.UUID
    name: str
    booked_minutes: int
    available_minutes: int

    @property
    def percent(self) -> Decimal | None:
        """Booked over available, one decimal; ``None`` without available time."""
        if not self.available_minutes:
            return None
        share = Decimal(100 * self.booked_minutes) / Decimal(self.available_minutes)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Report:
    org: Organization
    start_date: date
    end_date: date
    by_status: list[tuple[BookingStatus, int]]
    utilisation: list[ProviderUse]
    # Booked bookings by the local hour they start at, 0 to 23.
    by_hour: list[int]
    # Revenue (minor units) by local week, each week named by its Monday.
    revenue: list[tuple[date, int]]

    @property
    def revenue_total(self) -> int:
        return sum(minor for _, minor in self.revenue)


def default_range(today: date) -> tuple[date, date]:
    return today - timedelta(days=AROUND_TODAY), today + timedelta(days=AROUND_TODAY)


def check_range(start: date, end: date) -> None:
    if end < start:
        raise Invalid("end_date must not be before start_date.")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(f"A report covers at most {MAX_DAYS} days.")


def _span(org: Organization, start: date, end: date) -> TimeRange:
    tz = zone(org.timezone)
    return TimeRange(
        local_to_utc(start, time(0), tz), local_to_utc(end + timedelta(1), time(0), tz)
    )


def _minutes(ranges: list[TimeRange]) -> int:
    return int(sum((r.duration for r in ranges), timedelta(0)) / timedelta(minutes=1))


async def _available_minutes(
    session: AsyncSession, org: Organization, span: TimeRange, now: datetime
) -> list[ProviderUse]:
    providers = await catalog.providers_of_org(session, org.id)
    # Only the windows are used; the rules matter for booking checks, not here.
    rules = SlotRules(duration=timedelta(minutes=1), max_advance=timedelta(days=MAX_DAYS * 2))
    found = await calendars(session, providers, span, rules, now)
    off: dict[uuid.UUID, list[TimeRange]] = {p.id: [] for p in providers}
    for row in await availability.time_off(session, [p.id for p in providers], span):
        off[row.provider_id].append(TimeRange(row.start_at, row.end_at))
    booked = await repository.booked_minutes(session, org.id, span, BOOKED)
    uses = []
    for p in providers:
        windows = intersect(merge(found[p.id].windows), [span]) if p.id in found else []
        free = subtract(windows, merge(off[p.id]))
        uses.append(ProviderUse(p.id, p.name, booked.get(p.id, 0), _minutes(free)))
    return uses


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def build_report(
    session: AsyncSession, org: Organization, start: date, end: date, now: datetime
) -> Report:
    """The report of ``org`` over its local dates ``start`` to ``end`` (both included),
    in a constant number of queries."""
    check_range(start, end)
    span = _span(org, start, end)
    counts = await repository.count_by_status(session, org.id, span)
    tz = zone(org.timezone)
    by_hour = [0] * 24
    weeks = {}
    monday = _monday(start)
    while monday <= end:
        weeks[monday] = 0
        monday += timedelta(days=7)
    for at, n, minor in await repository.starts_with_revenue(
        session, org.id, span, BOOKED, EARNING
    ):
        local = at.astimezone(tz)
        by_hour[local.hour] += n
        weeks[_monday(local.date())] += minor
    return Report(
        org=org,
        start_date=start,
        end_date=end,
        by_status=[(s, counts.get(s.value, 0)) for s in STATUS_ORDER],
        utilisation=await _available_minutes(session, org, span, now),
        by_hour=by_hour,
        revenue=list(weeks.items()),
    )


async def report_for(
    session: AsyncSession,
    org_id: uuid.UUID,
    user: User | None,
    start: date | None,
    end: date | None,
    now: datetime,
) -> Report:
    """The report, for an owner or admin of the organization (else 401/403/404); the
    range defaults to the last and the next 30 days."""
    org = await managed_organization(session, org_id, user)
    today = now.astimezone(zone(org.timezone)).date()
    first, last = default_range(today)
    return await build_report(session, org, start or first, end or last, now)
