"""Property tests for recurring series: random zones, dates near DST changes, k and ends.

The oracle reads the wall clock of each returned instant rather than recomputing it.
"""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from slotkeeper.domain.series import (
    MAX_OCCURRENCES,
    SeriesRule,
    occurrence_dates,
    occurrences,
    plan_series,
)

ZONES = [
    ZoneInfo("Europe/London"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Australia/Sydney"),
    ZoneInfo("Australia/Lord_Howe"),  # half-hour DST shift
    ZoneInfo("UTC"),
]
SETTINGS = settings(deadline=None, max_examples=150)


@st.composite
def rules(draw: st.DrawFn) -> SeriesRule:
    zone = draw(st.sampled_from(ZONES))
    first = draw(st.dates(date(2026, 1, 1), date(2029, 12, 31)))
    # Often early morning, where every DST change of these zones happens.
    minute = draw(st.one_of(st.integers(0, 24 * 60 - 1), st.integers(0, 4 * 60)))
    at = time(minute // 60, minute % 60)
    every_weeks = draw(st.integers(1, 8))
    if draw(st.booleans()):
        return SeriesRule(first, at, zone, every_weeks, count=draw(st.integers(1, MAX_OCCURRENCES)))
    most = (MAX_OCCURRENCES - 1) * 7 * every_weeks
    until = first + timedelta(days=draw(st.integers(0, min(most, 3 * 366))))
    return SeriesRule(first, at, zone, every_weeks, until=until)


def wall_clock(instant: datetime, zone: ZoneInfo) -> datetime:
    # Through UTC: astimezone() into the datetime's own zone would not normalize it.
    return instant.astimezone(UTC).astimezone(zone).replace(tzinfo=None)


def exists(day: date, at: time, zone: ZoneInfo) -> bool:
    naive = datetime.combine(day, at)
    return wall_clock(naive.replace(tzinfo=zone), zone) == naive


@SETTINGS
@given(rules())
def test_occurrences_strictly_increase(rule: SeriesRule) -> None:
    starts = occurrences(rule)
    assert all(start.utcoffset() == timedelta(0) for start in starts)
    assert all(a < b for a, b in pairwise(starts))


@SETTINGS
@given(rules())
def test_every_k_weeks_at_the_same_local_time(rule: SeriesRule) -> None:
    starts = occurrences(rule)
    local_dates = [start.astimezone(rule.timezone).date() for start in starts]
    assert local_dates[0] == rule.first_date
    assert all((b - a).days == 7 * rule.every_weeks for a, b in pairwise(local_dates))
    assert local_dates == occurrence_dates(rule)
    for day, start in zip(local_dates, starts, strict=True):
        if exists(day, rule.at, rule.timezone):
            # The same wall-clock time, its first occurrence when ambiguous.
            assert wall_clock(start, rule.timezone) == datetime.combine(day, rule.at)
            for shift in (30, 60, 120):  # no earlier instant shows it (first occurrence)
                earlier = start - timedelta(minutes=shift)
                assert wall_clock(earlier, rule.timezone) != datetime.combine(day, rule.at)
        else:
            # In a spring-forward gap: the instant the clocks jump past it.
            naive = datetime.combine(day, rule.at)
            assert wall_clock(start, rule.timezone) > naive
            assert wall_clock(start - timedelta(seconds=1), rule.timezone) < naive


@SETTINGS
@given(rules())
def test_count_or_until_is_respected(rule: SeriesRule) -> None:
    dates = occurrence_dates(rule)
    assert 1 <= len(dates) <= MAX_OCCURRENCES
    if rule.count is not None:
        assert len(dates) == rule.count
    else:
        assert rule.until is not None
        assert dates[-1] <= rule.until
        assert dates[-1] + timedelta(weeks=rule.every_weeks) > rule.until


@SETTINGS
@given(rules(), st.data())
def test_plans_partition_the_occurrences(rule: SeriesRule, data: st.DataObject) -> None:
    starts = occurrences(rule)
    taken = set(data.draw(st.lists(st.sampled_from(starts), max_size=5)))

    def is_free(start: datetime) -> bool:
        return start not in taken

    free = [s for s in starts if s not in taken]
    clashes = [s for s in starts if s in taken]
    book_free = plan_series(starts, is_free, "book_free")
    assert (list(book_free.to_book), list(book_free.clashes)) == (free, clashes)
    strict = plan_series(starts, is_free, "all_or_nothing")
    assert list(strict.clashes) == clashes
    assert list(strict.to_book) == ([] if clashes else starts)
    assert strict.rejected == bool(clashes)


def test_utc_zone_is_plain_arithmetic() -> None:
    rule = SeriesRule(date(2027, 3, 21), time(9), ZoneInfo("UTC"), 1, count=3)
    assert occurrences(rule) == [datetime(2027, 3, d, 9, tzinfo=UTC) for d in (21, 28)] + [
        datetime(2027, 4, 4, 9, tzinfo=UTC)
    ]
