"""Half-open time ranges and the interval algebra the availability engine needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True, order=True)
class TimeRange:
    """The half-open interval ``[start, end)`` between two aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("TimeRange needs timezone-aware datetimes")
        if self.end < self.start:
            raise ValueError(f"TimeRange ends before it starts: {self.start} > {self.end}")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def is_empty(self) -> bool:
        return self.start == self.end

    def overlaps(self, other: TimeRange) -> bool:
        # They share an instant; an empty range shares none (as PostgreSQL's ``&&``).
        return max(self.start, other.start) < min(self.end, other.end)

    def contains(self, other: TimeRange) -> bool:
        return self.start <= other.start and other.end <= self.end

    def contains_instant(self, instant: datetime) -> bool:
        return self.start <= instant < self.end

    def widen(self, before: timedelta, after: timedelta) -> TimeRange:
        return TimeRange(self.start - before, self.end + after)


def merge(ranges: Iterable[TimeRange]) -> list[TimeRange]:
    """Sorted union of ``ranges``; touching ranges join, empty ones vanish."""
    merged: list[TimeRange] = []
    for current in sorted(r for r in ranges if not r.is_empty):
        if merged and current.start <= merged[-1].end:
            last = merged[-1]
            if current.end > last.end:
                merged[-1] = TimeRange(last.start, current.end)
        else:
            merged.append(current)
    return merged


def subtract(ranges: Iterable[TimeRange], cuts: Iterable[TimeRange]) -> list[TimeRange]:
    """What remains of ``ranges`` once every ``cuts`` range is removed (sorted, merged)."""
    remaining = merge(ranges)
    for cut in merge(cuts):
        pieces: list[TimeRange] = []
        for r in remaining:
            if not r.overlaps(cut):
                pieces.append(r)
                continue
            if r.start < cut.start:
                pieces.append(TimeRange(r.start, cut.start))
            if cut.end < r.end:
                pieces.append(TimeRange(cut.end, r.end))
        remaining = pieces
    return remaining


def intersect(a: Iterable[TimeRange], b: Iterable[TimeRange]) -> list[TimeRange]:
    """The parts covered by both ``a`` and ``b`` (sorted, merged)."""
    result: list[TimeRange] = []
    left, right = merge(a), merge(b)
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            result.append(TimeRange(start, end))
        if left[i].end < right[j].end:
            i += 1
        else:
            j += 1
    return result
