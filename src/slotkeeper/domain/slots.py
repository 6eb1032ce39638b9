"""Bookable start times: availability minus busy time, on the service's step grid.

A start ``s`` is offered when ``[s - buffer_before, s + duration + buffer_after)`` lies
inside one availability window, overlaps no busy interval, is at least ``min_notice``
after now and no later than the horizon. Starts lie on a grid of ``step`` measured from
the window's start. Group services (capacity > 1) offer a start while fewer than
``capacity`` seats of that very occurrence are taken; any other busy time blocks it.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from slotkeeper.domain.ranges import TimeRange


@dataclass(frozen=True, slots=True)
class SlotRules:
    duration: timedelta
    step: timedelta = timedelta(minutes=15)
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    min_notice: timedelta = timedelta(0)
    max_advance: timedelta = timedelta(days=90)
    capacity: int = 1
    # Identifies the service in occurrence keys, so seats of a group session are only
    # shared by bookings of the same service, start and duration.
    service_key: str = ""

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError("duration must be positive")
        if self.step <= timedelta(0):
            raise ValueError("step must be positive")
        if self.capacity < 1:
            raise ValueError("capacity must be at least 1")

    def block(self, start: datetime) -> TimeRange:
        """The time a booking starting at ``start`` keeps the provider busy."""
        return TimeRange(start - self.buffer_before, start + self.duration + self.buffer_after)

    def occurrence_key(self, start: datetime) -> str | None:
        if self.capacity == 1:
            return None
        return occurrence_key(self.service_key, start, self.duration)


def occurrence_key(service_key: str, start: datetime, duration: timedelta) -> str:
    """Bookings sharing this key are seats of one group occurrence."""
    return f"{service_key}@{start.timestamp():.0f}+{int(duration.total_seconds())}"


@dataclass(frozen=True, slots=True)
class Busy:
    """Busy time of a provider: a blocking booking (buffers included), time off, ..."""

    block: TimeRange
    occurrence: str | None = None  # set for seats of a group occurrence
    seats: int = 1


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime
    seats_left: int


class _BusyIndex:
    """Busy intervals sorted by start, with a running maximum of ends for fast probes."""

    def __init__(self, busy: Iterable[Busy]) -> None:
        self._items = sorted(busy, key=lambda b: (b.block.start, b.block.end))
        self._starts = [b.block.start for b in self._items]
        self._max_end: list[datetime] = []
        for item in self._items:
            end = item.block.end
            self._max_end.append(max(self._max_end[-1], end) if self._max_end else end)

    def overlapping(self, start: datetime, end: datetime) -> list[Busy]:
        """Items overlapping ``[start, end)``."""
        # Items starting at or after ``end`` cannot overlap; walk back from there while
        # some earlier item may still reach into the probe.
        found: list[Busy] = []
        i = bisect.bisect_left(self._starts, end) - 1
        while i >= 0 and self._max_end[i] > start:
            block = self._items[i].block
            if block.end > start and not block.is_empty:
                found.append(self._items[i])
            i -= 1
        return found


def seats_left(block: TimeRange, key: str | None, capacity: int, busy: Iterable[Busy]) -> int:
    """Seats still free for an occurrence; 0 when anything else blocks its time."""
    taken = 0
    for item in busy:
        if not item.block.overlaps(block):
            continue
        if key is None or item.occurrence != key:
            return 0
        taken += item.seats
    return max(capacity - taken, 0)


def _ceil_to_grid(instant: datetime, origin: datetime, step: timedelta) -> datetime:
    if instant <= origin:
        return origin
    steps = -((origin - instant) // step)  # ceiling division on timedeltas
    return origin + steps * step


def _segments(
    window: TimeRange, origins: Sequence[datetime] | None
) -> list[tuple[datetime, datetime]]:
    """(grid origin, end of the starts it owns) pieces of ``window``: one from the window's
    start, and one more from each later origin inside it (see grid_origins)."""
    inside = [o for o in origins or () if window.start < o < window.end]
    bounds = [window.start, *inside, window.end]
    return list(itertools.pairwise(bounds))


def generate_slots(
    windows: Sequence[TimeRange],
    busy: Iterable[Busy],
    rules: SlotRules,
    now: datetime,
    within: TimeRange,
    origins: Sequence[datetime] | None = None,
) -> list[Slot]:
    """Offered starts in ``within`` (by start time), sorted, with seats left.

    A start must keep its whole block inside its window; it lies on the step grid of the
    last grid origin before it (the window's start, or a later one of ``origins``).
    """
    index = _BusyIndex(busy)
    earliest = max(within.start, now + rules.min_notice)
    latest = now + rules.max_advance
    before, after, duration, step = (
        rules.buffer_before,
        rules.buffer_after,
        rules.duration,
        rules.step,
    )
    slots: list[Slot] = []
    for window, origin, owned_until in (
        (w, o, end) for w in windows for o, end in _segments(w, origins)
    ):
        # The first start whose leading buffer fits the window, then every step after it.
        start = _ceil_to_grid(max(window.start + before, earliest, origin), origin, step)
        last = min(window.end - duration - after, latest)
        while start <= last and start < within.end and start < owned_until:
            hits = index.overlapping(start - before, start + duration + after)
            key = rules.occurrence_key(start)
            if key is None:  # capacity 1: any busy time blocks
                if not hits:
                    slots.append(Slot(start, start + duration, 1))
                    start += step
                    continue
                # Every later start whose block begins before this busy time ends
                # overlaps it too: jump to the first grid start past it.
                reach = max(h.block.end for h in hits)
                start = _ceil_to_grid(reach + before, origin, step)
                continue
            # A group occurrence: seats of this very occurrence count, anything else
            # blocks (and a later start may be that other occurrence, so no jump).
            left = seats_left(rules.block(start), key, rules.capacity, hits)
            if left > 0:
                slots.append(Slot(start, start + duration, left))
            start += step
    slots.sort(key=lambda s: s.start)
    return slots


def is_offered(
    start: datetime,
    windows: Sequence[TimeRange],
    rules: SlotRules,
    now: datetime,
    origins: Sequence[datetime] | None = None,
) -> bool:
    """Whether ``start`` is a start time the schedule offers, ignoring bookings."""
    within = TimeRange(start, start + timedelta(microseconds=1))
    offered = generate_slots(windows, (), rules, now, within, origins)
    return any(s.start == start for s in offered)
