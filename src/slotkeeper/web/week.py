"""A provider's week as a grid: seven day columns, quarter-hour rows, availability,
time off and bookings placed on grid lines (CSS classes, since the pages allow no inline
styles)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from slotkeeper.bookings.models import Booking
from slotkeeper.domain.availability import day_span
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.kit.types import zone

# Statuses drawn on the calendar (cancelled, declined and expired ones free their time).
SHOWN = ("held", "requested", "time_suggested", "confirmed", "completed", "no_show")
LEGEND = {
    "held": "Held",
    "requested": "Request",
    "time_suggested": "Times suggested",
    "confirmed": "Confirmed",
    "completed": "Completed",
    "no_show": "No-show",
}
QUARTERS = 4  # rows per hour


@dataclass(frozen=True)
class Block:
    column: int  # CSS grid column line (2 = Monday)
    row_start: int  # CSS grid row lines (2 = the first hour shown)
    row_end: int
    kind: str  # "available", "off" or a booking status
    label: str
    detail: str = ""
    booking_id: uuid.UUID | None = None


@dataclass
class Week:
    monday: date
    tz: str
    first_hour: int
    last_hour: int
    blocks: list[Block] = field(default_factory=list)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    @property
    def hours(self) -> list[tuple[int, int, int]]:
        """(hour, first row line, last row line) of each hour shown."""
        return [
            (h, self.line(h * 60), self.line((h + 1) * 60))
            for h in range(self.first_hour, self.last_hour)
        ]

    @property
    def rows(self) -> int:
        return (self.last_hour - self.first_hour) * QUARTERS

    def line(self, minutes: int) -> int:
        """The row line of a local time of day (minutes since midnight), clipped."""
        quarter = (minutes - self.first_hour * 60) // (60 // QUARTERS)
        return 2 + max(0, min(quarter, self.rows))


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def span_of(monday: date, tz: str) -> TimeRange:
    return day_span(monday, monday + timedelta(days=6), zone(tz))


def _pieces(start: datetime, end: datetime, monday: date, tz: str) -> list[tuple[int, int, int]]:
    """``[start, end)`` cut at local midnights: (day index, start minute, end minute)."""
    found = []
    for index in range(7):
        day = day_span(monday + timedelta(days=index), monday + timedelta(days=index), zone(tz))
        a, b = max(start, day.start), min(end, day.end)
        if a >= b:
            continue
        local_a, local_b = a.astimezone(zone(tz)), b.astimezone(zone(tz))
        first = local_a.hour * 60 + local_a.minute
        last = 24 * 60 if b == day.end else local_b.hour * 60 + local_b.minute
        found.append((index, first, max(last, first + 15)))
    return found


def build_week(
    monday: date,
    tz: str,
    windows: list[TimeRange],
    time_off: list[tuple[datetime, datetime, str | None]],
    bookings: list[tuple[Booking, str]],
) -> Week:
    """The grid of a week (``bookings``: each with the text its block shows). Hours shown:
    8 to 18, widened to whatever the week holds. Bookings of one group session (same
    start, service and status) share a block."""
    placed: list[tuple[str, int, int, int, str, str, uuid.UUID | None]] = []
    for window in windows:
        for index, a, b in _pieces(window.start, window.end, monday, tz):
            placed.append(("available", index, a, b, "Available", "", None))
    for start, end, reason in time_off:
        for index, a, b in _pieces(start, end, monday, tz):
            placed.append(("off", index, a, b, "Time off", reason or "", None))
    groups: dict[tuple[datetime, datetime, uuid.UUID, str], list[tuple[Booking, str]]] = {}
    for booking, text in bookings:
        if booking.status in SHOWN:
            key = (booking.start_at, booking.end_at, booking.service_id, booking.status)
            groups.setdefault(key, []).append((booking, text))
    for (start, end, _, status), members in groups.items():
        first, text = members[0]
        if len(members) > 1:
            text = f"{text} + {len(members) - 1} more"
        for index, a, b in _pieces(start, end, monday, tz):
            placed.append((status, index, a, b, LEGEND[status], text, first.id))
    first_hour = min([8, *(a // 60 for _, _, a, _, _, _, _ in placed)])
    last_hour = max([18, *(-(-b // 60) for _, _, _, b, _, _, _ in placed)])
    week = Week(monday, tz, first_hour, min(last_hour, 24))
    for kind, index, a, b, label, detail, booking_id in placed:
        row_start, row_end = week.line(a), week.line(b)
        if row_end <= row_start:
            continue  # outside the hours shown (only availability can be)
        week.blocks.append(Block(index + 2, row_start, row_end, kind, label, detail, booking_id))
    return week
