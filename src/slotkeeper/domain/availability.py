"""A provider's schedule (local wall-clock rules) turned into UTC availability windows.

Weekly hours are wall-clock times in the provider's zone on every date, so a window
09:00-17:00 stays 09:00 local across daylight-saving changes. Local times that do not
exist on a date (spring forward) are skipped: a boundary inside the gap moves to the
instant the clocks jump. Ambiguous local times (fall back) take their first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slotkeeper.domain.ranges import TimeRange, merge

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class LocalWindow:
    """Wall-clock window on one day; ``end`` of ``None`` means the following midnight."""

    start: time
    end: time | None

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"window ends at {self.end} before it starts at {self.start}")


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    weekday: int  # 0 = Monday ... 6 = Sunday, as date.weekday()
    window: LocalWindow

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")


@dataclass(frozen=True, slots=True)
class Schedule:
    """Everything that defines when a provider works, in the provider's own zone."""

    timezone: ZoneInfo
    weekly: Sequence[WeeklyWindow] = ()
    # A date present here replaces that day's weekly windows; an empty tuple closes it.
    overrides: Mapping[date, Sequence[LocalWindow]] = field(default_factory=dict)

    def windows_on(self, day: date) -> Sequence[LocalWindow]:
        if day in self.overrides:
            return self.overrides[day]
        weekday = day.weekday()
        return [w.window for w in self.weekly if w.weekday == weekday]


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``zone``.

    Ambiguous times resolve to their first occurrence (fold=0). A time inside a
    spring-forward gap maps to the instant the gap starts, so a window boundary in the
    gap keeps only the wall-clock times that exist.
    """
    naive = datetime.combine(day, at)
    if _exists(naive, zone):
        return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    # In a gap: fold=1 interprets it with the offset after the jump (an instant just
    # before the transition), fold=0 with the offset before (just after it). The
    # transition is the first instant whose local time is past ``naive``.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if low > high:
        low, high = high, low
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) > naive:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0) if high.microsecond else high


def window_to_utc(day: date, window: LocalWindow, zone: ZoneInfo) -> TimeRange | None:
    start = local_to_utc(day, window.start, zone)
    if window.end is None:
        end = local_to_utc(day + timedelta(days=1), time(0), zone)
    else:
        end = local_to_utc(day, window.end, zone)
    if end <= start:  # the whole window fell inside a DST gap
        return None
    return TimeRange(start, end)


def local_dates_covering(span: TimeRange, zone: ZoneInfo) -> list[date]:
    """Every local date in ``zone`` that overlaps ``span`` (with a day's margin)."""
    first = span.start.astimezone(zone).date() - timedelta(days=1)
    last = span.end.astimezone(zone).date() + timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def availability_windows(schedule: Schedule, span: TimeRange) -> list[TimeRange]:
    """UTC availability windows of ``schedule`` that overlap ``span``.

    Windows of one day that touch or overlap are merged, so a step grid measured from a
    window's start is well defined. Windows are not clipped to ``span``: the grid origin
    must stay the window's own start.
    """
    ranges: list[TimeRange] = []
    for day in local_dates_covering(span, schedule.timezone):
        for window in schedule.windows_on(day):
            utc = window_to_utc(day, window, schedule.timezone)
            if utc is not None:
                ranges.append(utc)
    # Merge before filtering: a window that only touches ``span`` (22:00-24:00 the day
    # before) still moves the start of the window it joins, and with it the step grid.
    return [window for window in merge(ranges) if window.overlaps(span)]


def grid_origins(schedule: Schedule, span: TimeRange) -> list[datetime]:
    """Where step grids start: the start of each local day's (merged) windows.

    A window chained across midnight (22:00-24:00 then 00:00-03:00) restarts its grid at
    each local day, so the grid never depends on which dates a caller asked for: a start
    listed for one range is offered for any other range, and when booked.
    """
    origins: list[datetime] = []
    for day in local_dates_covering(span, schedule.timezone):
        day_ranges = []
        for window in schedule.windows_on(day):
            utc = window_to_utc(day, window, schedule.timezone)
            if utc is not None:
                day_ranges.append(utc)
        origins.extend(r.start for r in merge(day_ranges))
    return sorted(set(origins))


def day_span(first: date, last: date, zone: ZoneInfo) -> TimeRange:
    """From local midnight starting ``first`` to local midnight after ``last`` (inclusive)."""
    return TimeRange(
        local_to_utc(first, time(0), zone),
        local_to_utc(last + timedelta(days=1), time(0), zone),
    )


def weekly_from_pairs(pairs: Iterable[tuple[int, time, time | None]]) -> list[WeeklyWindow]:
    return [WeeklyWindow(weekday, LocalWindow(start, end)) for weekday, start, end in pairs]
