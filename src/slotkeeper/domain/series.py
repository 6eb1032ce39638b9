"""Recurring bookings: a weekly series, its occurrences, a booking plan and cancellation scope.

A series repeats every ``every_weeks`` weeks at the same LOCAL wall-clock time in its zone,
so a 09:00 Europe/London session stays 09:00 across daylight-saving changes; the UTC
instants move instead. A time that does not exist on an occurrence's date (spring forward)
moves to the instant the clocks jump; an ambiguous one (fall back) takes its first
occurrence, exactly as weekly availability does (``availability.local_to_utc``).

The series ends after ``count`` occurrences or on the last occurrence on or before
``until`` (inclusive, a local date); never more than ``MAX_OCCURRENCES``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from slotkeeper.domain.availability import local_to_utc

MAX_OCCURRENCES = 104  # two years of weekly sessions

SeriesMode = Literal["all_or_nothing", "book_free"]
SERIES_MODES: tuple[str, ...] = get_args(SeriesMode)

CancelScope = Literal["this", "this_and_following"]
CANCEL_SCOPES: tuple[str, ...] = get_args(CancelScope)


class SeriesError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class SeriesRule:
    """The first occurrence (local date and time in ``timezone``) and how it repeats."""

    first_date: date
    at: time
    timezone: ZoneInfo
    every_weeks: int = 1
    count: int | None = None
    until: date | None = None  # inclusive, a local date in ``timezone``

    def __post_init__(self) -> None:
        if self.at.tzinfo is not None:
            raise SeriesError("the series time is a local wall-clock time, without a zone")
        if isinstance(self.every_weeks, bool) or self.every_weeks < 1:
            raise SeriesError(f"every_weeks must be at least 1, got {self.every_weeks}")
        if (self.count is None) == (self.until is None):
            raise SeriesError("give exactly one of count and until")
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            raise SeriesError(f"count must be 1..{MAX_OCCURRENCES}, got {self.count}")
        if self.until is not None:
            if self.until < self.first_date:
                raise SeriesError(f"until {self.until} is before the first date {self.first_date}")
            if self.size > MAX_OCCURRENCES:
                raise SeriesError(
                    f"until {self.until} gives {self.size} occurrences, more than {MAX_OCCURRENCES}"
                )

    @property
    def interval(self) -> timedelta:
        return timedelta(weeks=self.every_weeks)

    @property
    def size(self) -> int:
        """How many occurrences the series has."""
        if self.count is not None:
            return self.count
        assert self.until is not None
        return (self.until - self.first_date) // self.interval + 1


def occurrence_dates(rule: SeriesRule) -> list[date]:
    """The local date of every occurrence, in order."""
    return [rule.first_date + n * rule.interval for n in range(rule.size)]


def occurrences(rule: SeriesRule) -> list[datetime]:
    """The UTC start of every occurrence: same local wall-clock time on every date."""
    return [local_to_utc(day, rule.at, rule.timezone) for day in occurrence_dates(rule)]


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    """What to book for a series, and the occurrences whose time is taken."""

    mode: SeriesMode
    to_book: tuple[datetime, ...]
    clashes: tuple[datetime, ...]

    @property
    def rejected(self) -> bool:
        """All-or-nothing with a clash: nothing is booked."""
        return not self.to_book and bool(self.clashes)


def plan_series(
    occurrence_starts: Sequence[datetime],
    is_free: Callable[[datetime], bool],
    mode: SeriesMode,
) -> SeriesPlan:
    """Split the occurrences into those to book and those that clash.

    ``is_free`` is asked once per occurrence, in order, so the clash report is complete in
    both modes. ``all_or_nothing`` books nothing when any occurrence clashes;
    ``book_free`` books every free occurrence.
    """
    if mode not in SERIES_MODES:
        raise SeriesError(f"mode must be one of {', '.join(SERIES_MODES)}, got {mode!r}")
    for start in occurrence_starts:
        if start.tzinfo is None:
            raise SeriesError("occurrence starts must be timezone-aware")
    for earlier, later in pairwise(occurrence_starts):
        if later <= earlier:
            raise SeriesError("occurrence starts must be strictly increasing")
    free: list[datetime] = []
    clashes: list[datetime] = []
    for start in occurrence_starts:
        (free if is_free(start) else clashes).append(start)
    if mode == "all_or_nothing" and clashes:
        free = []
    return SeriesPlan(mode, tuple(free), tuple(clashes))


# --- cancellation -------------------------------------------------------------------------

Occurrence = tuple[int, datetime]  # (position in the series, from 0; start)


def _checked(occurrences: Sequence[Occurrence], index: int) -> list[Occurrence]:
    indices = [i for i, _ in occurrences]
    if len(set(indices)) != len(indices):
        raise SeriesError("occurrence indices must be unique")
    if index not in indices:
        raise SeriesError(f"occurrence {index} is not among the series' occurrences")
    return sorted(occurrences, key=lambda occurrence: occurrence[0])


def cancel_this(occurrences: Sequence[Occurrence], index: int) -> list[Occurrence]:
    """The occurrence to cancel for "cancel this occurrence"."""
    return [o for o in _checked(occurrences, index) if o[0] == index]


def cancel_this_and_following(occurrences: Sequence[Occurrence], index: int) -> list[Occurrence]:
    """The occurrences to cancel for "this and all following", by series position.

    Following means a later position in the series, not a later start: an occurrence
    moved earlier than its predecessor still follows it.
    """
    return [o for o in _checked(occurrences, index) if o[0] >= index]


def cancellation(
    occurrences: Sequence[Occurrence], index: int, scope: CancelScope
) -> list[Occurrence]:
    """The occurrences ``scope`` cancels when the customer picks occurrence ``index``.

    ``occurrences`` are the series' live (still cancellable) occurrences; ``index`` must
    be one of them. The result is sorted by position.
    """
    if scope == "this":
        return cancel_this(occurrences, index)
    if scope == "this_and_following":
        return cancel_this_and_following(occurrences, index)
    raise SeriesError(f"scope must be one of {', '.join(CANCEL_SCOPES)}, got {scope!r}")
