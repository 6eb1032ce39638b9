"""Property tests: random schedules around DST changes, random busy time, random rules.

The oracles here are deliberately naive (read the wall clock every five minutes, try
every grid point, probe both sides of every boundary) so they share none of the engine's
shortcuts.
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slotkeeper.domain.availability import (
    LocalWindow,
    Schedule,
    WeeklyWindow,
    availability_windows,
    day_span,
)
from slotkeeper.domain.ranges import TimeRange, intersect, merge, subtract
from slotkeeper.domain.slots import Busy, Slot, SlotRules, generate_slots

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # half-hour DST shift
ZONES = [LONDON, NEW_YORK, SYDNEY, LORD_HOWE]
GRID = timedelta(minutes=5)  # every boundary drawn below lies on this UTC grid
SLOW = settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(deadline=None, max_examples=200)


def dst_dates(zone: ZoneInfo, year: int = 2027) -> list[date]:
    """Local dates on which the zone's UTC offset changes."""
    changes = []
    day = date(year, 1, 1)
    while day.year == year:
        before = datetime.combine(day, time(0), zone).utcoffset()
        after = datetime.combine(day + timedelta(days=1), time(0), zone).utcoffset()
        if before != after:
            changes.append(day)
        day += timedelta(days=1)
    return changes


DST_DATES = {zone: dst_dates(zone) for zone in ZONES}


def test_dst_dates_are_the_ones_the_examples_use() -> None:
    assert DST_DATES[LONDON] == [date(2027, 3, 28), date(2027, 10, 31)]
    assert DST_DATES[NEW_YORK] == [date(2027, 3, 14), date(2027, 11, 7)]
    assert DST_DATES[SYDNEY] == [date(2027, 4, 4), date(2027, 10, 3)]


# --- data ---------------------------------------------------------------------------------

Declared = tuple[int, int | None]  # window as minutes after local midnight; None = midnight


@dataclass(frozen=True)
class Case:
    zone: ZoneInfo
    first: date
    last: date
    weekly: list[tuple[int, Declared]]
    overrides: dict[date, list[Declared]]

    def declared_on(self, day: date) -> list[Declared]:
        if day in self.overrides:
            return self.overrides[day]
        return [w for weekday, w in self.weekly if weekday == day.weekday()]


def minutes_to_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def make_local_window(declared: Declared) -> LocalWindow:
    start, end = declared
    return LocalWindow(minutes_to_time(start), None if end is None else minutes_to_time(end))


def make_schedule(case: Case) -> Schedule:
    return Schedule(
        timezone=case.zone,
        weekly=[WeeklyWindow(weekday, make_local_window(w)) for weekday, w in case.weekly],
        overrides={
            day: [make_local_window(w) for w in windows] for day, windows in case.overrides.items()
        },
    )


def make_span(case: Case) -> TimeRange:
    return day_span(case.first, case.last, case.zone)


@st.composite
def declared_windows(draw: st.DrawFn) -> Declared:
    if draw(st.booleans()):
        # 00:00-08:00, where every DST change in these zones happens (01:00-03:00)
        start = draw(st.one_of(st.just(0), st.integers(0, 48), st.integers(12, 35))) * 5
        return (start, start + draw(st.integers(1, 48)) * 5)
    start = draw(st.integers(0, 287)) * 5
    if start == 1435 or draw(st.integers(0, 3)) == 0:
        return (start, None)  # until midnight, to join a window starting at 00:00
    return (start, draw(st.integers(start // 5 + 1, 287)) * 5)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    zone = draw(st.sampled_from(ZONES))
    anchor = draw(st.sampled_from(DST_DATES[zone]))
    first = anchor - timedelta(days=draw(st.integers(0, 2)))
    last = anchor + timedelta(days=draw(st.integers(0, 1)))
    # Mostly weekdays the dates actually have, so most schedules are open somewhere.
    seen = sorted({(first + timedelta(days=n)).weekday() for n in range((last - first).days + 1)})
    weekdays = st.one_of(st.just(anchor.weekday()), st.sampled_from(seen), st.integers(0, 6))
    weekly = draw(st.lists(st.tuples(weekdays, declared_windows()), min_size=1, max_size=10))
    # Evenings running into the next morning: windows that join across midnight.
    five_minutes = st.integers(1, 287).map(lambda n: n * 5)
    for weekday, evening, morning in draw(
        st.lists(st.tuples(weekdays, five_minutes, five_minutes), max_size=2)
    ):
        weekly += [(weekday, (evening, None)), ((weekday + 1) % 7, (0, morning))]
    override_days = st.integers(-1, (last - first).days + 1).map(
        lambda n: first + timedelta(days=n)
    )
    overrides = draw(
        st.dictionaries(override_days, st.lists(declared_windows(), max_size=2), max_size=2)
    )
    return Case(zone, first, last, weekly, overrides)


@st.composite
def rules(draw: st.DrawFn) -> SlotRules:
    def minutes(*choices: int) -> timedelta:
        return timedelta(minutes=draw(st.sampled_from(choices)))

    return SlotRules(
        duration=minutes(5, 15, 20, 30, 45, 50, 60, 90, 120, 180),
        step=minutes(5, 10, 15, 20, 25, 30, 40, 45, 60, 90),
        buffer_before=minutes(0, 0, 5, 10, 15, 30),
        buffer_after=minutes(0, 0, 5, 10, 15, 30),
        min_notice=minutes(0, 0, 30, 60, 240, 1440),
        max_advance=draw(
            st.one_of(
                st.just(timedelta(days=90)), st.integers(0, 144).map(lambda n: timedelta(hours=n))
            )
        ),
        capacity=draw(st.sampled_from([1, 1, 2, 3])),
        service_key="svc",
    )


def draw_busy(
    data: st.DataObject, span: TimeRange, rules: SlotRules, windows: list[TimeRange]
) -> list[Busy]:
    """Free-form busy time (any minute, any length) plus seats at real grid starts."""
    total = int(span.duration.total_seconds() // 60)
    free_form = st.tuples(st.integers(-120, total + 120), st.integers(0, 300))
    busy = [
        Busy(TimeRange(span.start + timedelta(minutes=at), span.start + timedelta(minutes=at + n)))
        for at, n in data.draw(st.lists(free_form, max_size=8))
    ]
    grid_starts = [w.start + k * rules.step for w in windows for k in range(6)]
    if grid_starts:
        for start in data.draw(st.lists(st.sampled_from(grid_starts), max_size=4)):
            seats = data.draw(st.integers(1, rules.capacity))
            busy.append(Busy(rules.block(start), rules.occurrence_key(start), seats))
    return busy


def draw_now(data: st.DataObject, span: TimeRange, windows: list[TimeRange]) -> datetime:
    """Mostly inside or near a window, so minimum notice and horizon matter."""
    near_a_window = data.draw(st.integers(0, 3)) > 0
    if windows and near_a_window:
        around = data.draw(st.sampled_from(windows)).start
        return around + timedelta(minutes=data.draw(st.integers(-600, 600)))
    return span.start + timedelta(minutes=data.draw(st.integers(-2 * 1440, 1440)))


# --- oracles ------------------------------------------------------------------------------


def shares_time(x: TimeRange, y: TimeRange) -> bool:
    """Half-open ranges with an instant in common (an empty range has none)."""
    return max(x.start, y.start) < min(x.end, y.end)


def repeated_hour_end(instant: datetime, zone: ZoneInfo) -> datetime:
    """For an instant in the second pass of a repeated hour: where that hour ends (naive)."""
    local = instant.astimezone(zone)
    offset_after = local.utcoffset()
    offset_before = local.replace(fold=0).utcoffset()
    assert offset_after is not None and offset_before is not None
    probe = local.replace(fold=0).astimezone(UTC)  # first pass of the same wall time
    while probe.astimezone(zone).utcoffset() != offset_after:
        probe += timedelta(minutes=1)
    return (probe + offset_before).replace(tzinfo=None)


def available_by_wall_clock(instant: datetime, case: Case) -> bool:
    """Is ``instant`` inside a declared window, read straight off the wall clock?

    On a first pass (or any ordinary time) that is ``start <= wall < end``; a gap needs no
    special case because no instant shows a wall time inside it. In the second pass of a
    repeated hour, only windows that began before the repeat ended and end after it
    cover the instant (first occurrence rule).
    """
    local = instant.astimezone(case.zone)
    day = local.date()
    wall = local.replace(tzinfo=None)
    midnight = datetime.combine(day, time(0))
    for start, end in case.declared_on(day):
        begin = midnight + timedelta(minutes=start)
        finish = midnight + timedelta(days=1) if end is None else midnight + timedelta(minutes=end)
        if local.fold == 0:
            if begin <= wall < finish:
                return True
        else:
            repeat_end = repeated_hour_end(instant, case.zone)
            if begin < repeat_end <= finish:
                return True
    return False


def expected_slots(
    windows: list[TimeRange],
    busy: list[Busy],
    rules: SlotRules,
    now: datetime,
    within: TimeRange,
) -> list[Slot]:
    """Every grid point of every window, kept if it passes every rule."""
    found = []
    for window in windows:
        start = window.start
        while start < window.end:
            block = rules.block(start)
            key = rules.occurrence_key(start)
            fits = window.start <= block.start and block.end <= window.end
            timely = (
                within.start <= start < within.end
                and start >= now + rules.min_notice
                and start <= now + rules.max_advance
            )
            hits = [b for b in busy if shares_time(b.block, block)]
            foreign = [b for b in hits if key is None or b.occurrence != key]
            left = rules.capacity - sum(b.seats for b in hits)
            if fits and timely and not foreign and left > 0:
                found.append(Slot(start, start + rules.duration, left))
            start += rules.step
    return sorted(found, key=lambda s: s.start)


# --- availability and slot properties -----------------------------------------------------


@SLOW
@given(case=cases())
def test_windows_are_exactly_the_declared_wall_clock_hours(case: Case) -> None:
    span = make_span(case)
    windows = availability_windows(make_schedule(case), span)
    # sorted, non-empty, neither overlapping nor touching, each reaching into the span
    assert all(w.start < w.end and w.overlaps(span) for w in windows)
    assert all(a.end < b.start for a, b in pairwise(windows))
    # Declared boundaries are whole 5 minutes and offsets whole half hours, so every
    # window boundary is on the 5-minute UTC grid: sampling that grid is then exact.
    epoch = datetime(2027, 1, 1, tzinfo=UTC)
    assert all((w.start - epoch) % GRID == (w.end - epoch) % GRID == timedelta(0) for w in windows)
    instant = span.start
    while instant < span.end:
        inside = any(w.contains_instant(instant) for w in windows)
        assert inside == available_by_wall_clock(instant, case), instant
        instant += GRID


@SLOW
@given(case=cases(), rules=rules(), data=st.data())
def test_offered_slots(case: Case, rules: SlotRules, data: st.DataObject) -> None:
    span = make_span(case)
    schedule = make_schedule(case)
    windows = availability_windows(schedule, span)
    busy = draw_busy(data, span, rules, windows)
    now = draw_now(data, span, windows)
    slots = generate_slots(windows, busy, rules, now, span)

    starts = [s.start for s in slots]
    assert starts == sorted(set(starts)), "sorted, no duplicates"
    for slot in slots:
        block = rules.block(slot.start)
        key = rules.occurrence_key(slot.start)
        # (1) the block overlaps no busy time, except seats of its own group occurrence
        for item in busy:
            if shares_time(item.block, block):
                assert key is not None and item.occurrence == key, (slot, item)
        # (2) the block lies inside one availability window
        (window,) = [w for w in windows if w.contains(block)]
        # (3) on the step grid measured from that window's start
        assert (slot.start - window.start) % rules.step == timedelta(0)
        # (4) in local time: a declared start plus whole steps, unless DST moved it
        assert_local_grid(slot, window, rules, case)
        assert slot.end == slot.start + rules.duration
        assert 1 <= slot.seats_left <= rules.capacity
        assert span.start <= slot.start < span.end
        assert now + rules.min_notice <= slot.start <= now + rules.max_advance
    # and nothing that passes every rule is missing
    assert slots == expected_slots(windows, busy, rules, now, span)


def assert_local_grid(slot: Slot, window: TimeRange, rules: SlotRules, case: Case) -> None:
    zone = case.zone
    origin = window.start.astimezone(zone)
    local = slot.start.astimezone(zone)
    # The origin is a declared start on its local date, at its first occurrence ...
    declared = {
        datetime.combine(origin.date(), time(0)) + timedelta(minutes=start)
        for start, _ in case.declared_on(origin.date())
    }
    wall = origin.replace(tzinfo=None)
    if wall in declared:
        assert origin.fold == 0, "ambiguous start must take the first occurrence"
    else:
        # ... or a declared start fell into a gap and moved to the instant of the jump.
        just_before = (window.start - timedelta(microseconds=1)).astimezone(zone)
        assert just_before.utcoffset() != origin.utcoffset(), (slot, window)
        gap_start = just_before.replace(tzinfo=None) + timedelta(microseconds=1)
        assert any(gap_start <= moment < wall for moment in declared), (slot, window)
    # Same UTC offset at both ends: wall-clock distance is whole steps.
    if origin.utcoffset() == local.utcoffset():
        distance = local.replace(tzinfo=None) - origin.replace(tzinfo=None)
        assert distance % rules.step == timedelta(0)


@SLOW
@given(case=cases(), rules=rules(), data=st.data())
def test_slots_of_one_day_do_not_depend_on_the_span_asked(
    case: Case, rules: SlotRules, data: st.DataObject
) -> None:
    schedule = make_schedule(case)
    span = make_span(case)
    windows = availability_windows(schedule, span)
    # A chain of windows longer than a day reaches past the one-day margin either query
    # looks at; its origin is then genuinely ambiguous, so leave such schedules out.
    if any(w.duration >= timedelta(hours=22) for w in windows):
        return
    busy = draw_busy(data, span, rules, windows)
    now = span.start - timedelta(days=1)
    rules = replace(rules, max_advance=timedelta(days=90))
    wide = generate_slots(windows, busy, rules, now, span)
    day = case.first
    while day <= case.last:
        one_day = day_span(day, day, case.zone)
        alone = generate_slots(availability_windows(schedule, one_day), busy, rules, now, one_day)
        assert alone == [s for s in wide if one_day.contains_instant(s.start)], day
        day += timedelta(days=1)


# --- interval algebra ---------------------------------------------------------------------

BASE = datetime(2027, 3, 28, tzinfo=UTC)


def make_range(start: int, length: int) -> TimeRange:
    return TimeRange(BASE + timedelta(minutes=start), BASE + timedelta(minutes=start + length))


ranges = st.lists(
    st.builds(make_range, st.integers(0, 600), st.integers(0, 120)),
    max_size=8,
)
HALF_MINUTE = timedelta(seconds=30)


def probes(*sets: list[TimeRange]) -> set[datetime]:
    """Instants either side of every boundary: coverage only changes at boundaries."""
    edges = {edge for items in sets for r in items for edge in (r.start, r.end)}
    return {edge + delta for edge in edges for delta in (-HALF_MINUTE, HALF_MINUTE)}


def covers(items: list[TimeRange], instant: datetime) -> bool:
    return any(r.contains_instant(instant) for r in items)


def assert_canonical(items: list[TimeRange]) -> None:
    """Sorted, non-empty, and neither overlapping nor touching."""
    assert all(not r.is_empty for r in items)
    assert all(a.end < b.start for a, b in pairwise(items))


@FAST
@given(a=ranges)
def test_merge(a: list[TimeRange]) -> None:
    merged = merge(a)
    assert_canonical(merged)
    assert merge(merged) == merged
    assert merge(list(reversed(a))) == merged
    for probe in probes(a, merged):
        assert covers(merged, probe) == covers(a, probe)


@FAST
@given(a=ranges, b=ranges)
def test_subtract(a: list[TimeRange], b: list[TimeRange]) -> None:
    rest = subtract(a, b)
    assert_canonical(rest)
    assert not any(shares_time(r, cut) for r in rest for cut in b)
    merged_a = merge(a)
    assert all(any(outer.contains(r) for outer in merged_a) for r in rest)
    for probe in probes(a, b, rest):
        assert covers(rest, probe) == (covers(a, probe) and not covers(b, probe))


@FAST
@given(a=ranges, b=ranges)
def test_intersect(a: list[TimeRange], b: list[TimeRange]) -> None:
    both = intersect(a, b)
    assert both == intersect(b, a)
    assert_canonical(both)
    assert both == subtract(a, subtract(a, b))
    for probe in probes(a, b, both):
        assert covers(both, probe) == (covers(a, probe) and covers(b, probe))
