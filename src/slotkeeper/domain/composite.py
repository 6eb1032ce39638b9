"""Multi-service bookings: several services back to back with one provider, one visit.

The items run in the given order with no gap. The visit as a whole is what the provider's
calendar sees: its duration is the sum of the items' durations, its leading buffer is the
first item's ``buffer_before`` and its trailing buffer the last item's ``buffer_after``.

Inner buffers are ignored: the ``buffer_after`` of an item and the ``buffer_before`` of the
next one do not separate items of one visit (they exist to separate different customers;
a haircut followed by a colour for the same customer needs no turnover time). Whoever
wants a pause between items models it as part of an item's duration.

Prices are summed in minor units; all items are assumed to be priced in one currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import SlotRules

MAX_ITEMS = 10


class CompositeError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Item:
    """One service of a visit, with the service's own duration, buffers and price."""

    service_key: str
    duration: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    price_minor: int = 0

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise CompositeError(f"{self.service_key}: duration must be positive")
        if self.buffer_before < timedelta(0) or self.buffer_after < timedelta(0):
            raise CompositeError(f"{self.service_key}: buffers must not be negative")
        if self.price_minor < 0:
            raise CompositeError(f"{self.service_key}: price must not be negative")


@dataclass(frozen=True, slots=True)
class ItemTime:
    """When one item of a visit takes place."""

    service_key: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class CombinedPlan:
    """The visit made of ``items`` back to back; build it with ``combine``."""

    items: tuple[Item, ...]

    def __post_init__(self) -> None:
        if not self.items:
            raise CompositeError("a visit needs at least one item")
        if len(self.items) > MAX_ITEMS:
            raise CompositeError(f"a visit has at most {MAX_ITEMS} items")

    @property
    def duration(self) -> timedelta:
        return sum((item.duration for item in self.items), timedelta(0))

    @property
    def buffer_before(self) -> timedelta:
        return self.items[0].buffer_before

    @property
    def buffer_after(self) -> timedelta:
        return self.items[-1].buffer_after

    @property
    def price_minor(self) -> int:
        return sum(item.price_minor for item in self.items)

    @property
    def service_key(self) -> str:
        """A key naming the combination, e.g. ``haircut+colour``."""
        return "+".join(item.service_key for item in self.items)

    def item_times(self, start: datetime) -> list[ItemTime]:
        """Start and end of every item when the visit starts at ``start``."""
        times: list[ItemTime] = []
        at = start
        for item in self.items:
            times.append(ItemTime(item.service_key, at, at + item.duration))
            at += item.duration
        return times

    def end(self, start: datetime) -> datetime:
        return start + self.duration

    def block(self, start: datetime) -> TimeRange:
        """The time the visit keeps the provider busy, outer buffers included."""
        return TimeRange(start - self.buffer_before, self.end(start) + self.buffer_after)


def combine(items: Sequence[Item]) -> CombinedPlan:
    """The visit of ``items`` in the given order."""
    return CombinedPlan(tuple(items))


def combined_slot_rules(
    plan: CombinedPlan,
    *,
    step: timedelta = timedelta(minutes=15),
    min_notice: timedelta = timedelta(0),
    max_advance: timedelta = timedelta(days=90),
) -> SlotRules:
    """Rules under which ``generate_slots`` offers starts for the whole visit (capacity 1).

    ``rules.block(start)`` then equals ``plan.block(start)``.
    """
    return SlotRules(
        duration=plan.duration,
        step=step,
        buffer_before=plan.buffer_before,
        buffer_after=plan.buffer_after,
        min_notice=min_notice,
        max_advance=max_advance,
        capacity=1,
        service_key=plan.service_key,
    )
