from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from slotkeeper.domain.series import (
    MAX_OCCURRENCES,
    SeriesError,
    SeriesMode,
    SeriesRule,
    cancel_this,
    cancel_this_and_following,
    cancellation,
    occurrence_dates,
    occurrences,
    plan_series,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def t(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_rule(
    first: date = date(2027, 3, 21),
    at: str = "09:00",
    zone: ZoneInfo = LONDON,
    every_weeks: int = 1,
    count: int | None = None,
    until: date | None = None,
) -> SeriesRule:
    if count is None and until is None:
        count = 3
    return SeriesRule(first, t(at), zone, every_weeks, count, until)


def local(starts: Iterable[datetime], zone: ZoneInfo = LONDON) -> list[tuple[date, str]]:
    return [(s.astimezone(zone).date(), s.astimezone(zone).strftime("%H:%M")) for s in starts]


def free_except(*taken: datetime) -> "FreeExcept":
    return FreeExcept(set(taken))


class FreeExcept:
    """An ``is_free`` that records every time it was asked about."""

    def __init__(self, taken: set[datetime]) -> None:
        self.taken = taken
        self.asked: list[datetime] = []

    def __call__(self, start: datetime) -> bool:
        self.asked.append(start)
        return start not in self.taken


class TestOccurrences:
    def test_weekly_0900_london_stays_0900_local_across_the_spring_change(self) -> None:
        # Clocks go forward on Sunday 2027-03-28: 09:00 GMT, then 09:00 BST = 08:00 UTC.
        starts = occurrences(make_rule(date(2027, 3, 21), "09:00", count=3))
        assert starts == [utc(2027, 3, 21, 9), utc(2027, 3, 28, 8), utc(2027, 4, 4, 8)]
        assert local(starts) == [
            (date(2027, 3, 21), "09:00"),
            (date(2027, 3, 28), "09:00"),
            (date(2027, 4, 4), "09:00"),
        ]

    def test_weekly_across_the_autumn_change(self) -> None:
        starts = occurrences(make_rule(date(2027, 10, 24), "09:00", count=2))
        assert starts == [utc(2027, 10, 24, 8), utc(2027, 10, 31, 9)]

    def test_new_york_keeps_its_wall_clock_too(self) -> None:
        starts = occurrences(make_rule(date(2027, 3, 7), "18:30", NEW_YORK, count=2))
        assert starts == [utc(2027, 3, 7, 23, 30), utc(2027, 3, 14, 22, 30)]

    def test_every_two_weeks(self) -> None:
        rule = make_rule(date(2027, 3, 14), "09:00", every_weeks=2, count=3)
        assert occurrence_dates(rule) == [date(2027, 3, 14), date(2027, 3, 28), date(2027, 4, 11)]
        assert occurrences(rule) == [utc(2027, 3, 14, 9), utc(2027, 3, 28, 8), utc(2027, 4, 11, 8)]

    def test_count(self) -> None:
        assert len(occurrences(make_rule(count=1))) == 1
        assert len(occurrences(make_rule(count=MAX_OCCURRENCES))) == MAX_OCCURRENCES

    def test_until_is_inclusive(self) -> None:
        rule = make_rule(date(2027, 6, 7), until=date(2027, 6, 28))
        assert rule.size == 4
        assert occurrence_dates(rule) == [
            date(2027, 6, 7),
            date(2027, 6, 14),
            date(2027, 6, 21),
            date(2027, 6, 28),
        ]

    def test_until_between_occurrences_stops_before_it(self) -> None:
        rule = make_rule(date(2027, 6, 7), every_weeks=2, until=date(2027, 7, 4))
        assert occurrence_dates(rule) == [date(2027, 6, 7), date(2027, 6, 21)]

    def test_until_on_the_first_date_gives_one_occurrence(self) -> None:
        rule = make_rule(date(2027, 6, 7), "10:15", until=date(2027, 6, 7))
        assert occurrences(rule) == [utc(2027, 6, 7, 9, 15)]

    def test_a_time_in_the_spring_gap_moves_to_the_jump(self) -> None:
        # 01:30 does not exist in London on 2027-03-28; the clocks jump at 01:00 UTC.
        starts = occurrences(make_rule(date(2027, 3, 21), "01:30", count=3))
        assert starts == [utc(2027, 3, 21, 1, 30), utc(2027, 3, 28, 1), utc(2027, 4, 4, 0, 30)]
        assert local(starts)[1] == (date(2027, 3, 28), "02:00")

    def test_an_ambiguous_time_takes_its_first_occurrence(self) -> None:
        # 01:30 happens twice in London on 2027-10-31: first in BST (00:30 UTC).
        starts = occurrences(make_rule(date(2027, 10, 24), "01:30", count=3))
        assert starts == [
            utc(2027, 10, 24, 0, 30),
            utc(2027, 10, 31, 0, 30),
            utc(2027, 11, 7, 1, 30),
        ]


class TestRuleValidation:
    @pytest.mark.parametrize("every_weeks", [0, -1])
    def test_every_weeks_at_least_one(self, every_weeks: int) -> None:
        with pytest.raises(SeriesError, match="every_weeks"):
            make_rule(every_weeks=every_weeks)

    @pytest.mark.parametrize("count", [0, -3, MAX_OCCURRENCES + 1])
    def test_count_in_range(self, count: int) -> None:
        with pytest.raises(SeriesError, match="count must be"):
            make_rule(count=count)

    def test_not_both_count_and_until(self) -> None:
        with pytest.raises(SeriesError, match="exactly one"):
            make_rule(count=3, until=date(2027, 6, 1))

    def test_one_of_count_and_until(self) -> None:
        with pytest.raises(SeriesError, match="exactly one"):
            SeriesRule(date(2027, 6, 7), t("09:00"), LONDON)

    def test_until_before_first_date(self) -> None:
        with pytest.raises(SeriesError, match="before the first date"):
            make_rule(date(2027, 6, 7), until=date(2027, 6, 6))

    def test_until_too_far_for_the_cap(self) -> None:
        first = date(2027, 1, 4)
        assert make_rule(first, until=first + timedelta(weeks=103)).size == MAX_OCCURRENCES
        with pytest.raises(SeriesError, match="more than 104"):
            make_rule(first, until=first + timedelta(weeks=104))
        # Every two weeks the same date range is fine.
        assert make_rule(first, every_weeks=2, until=first + timedelta(weeks=104)).size == 53

    def test_time_must_be_local(self) -> None:
        with pytest.raises(SeriesError, match="wall-clock"):
            SeriesRule(date(2027, 6, 7), time(9, tzinfo=UTC), LONDON, count=2)


STARTS = [utc(2027, 6, 7, 9), utc(2027, 6, 14, 9), utc(2027, 6, 21, 9), utc(2027, 6, 28, 9)]


class TestPlanSeries:
    @pytest.mark.parametrize("mode", ["all_or_nothing", "book_free"])
    def test_all_free_books_everything_in_both_modes(self, mode: SeriesMode) -> None:
        plan = plan_series(STARTS, free_except(), mode)
        assert plan.to_book == tuple(STARTS)
        assert plan.clashes == ()
        assert not plan.rejected

    def test_all_or_nothing_books_nothing_and_reports_every_clash(self) -> None:
        is_free = free_except(STARTS[1], STARTS[3])
        plan = plan_series(STARTS, is_free, "all_or_nothing")
        assert plan.to_book == ()
        assert plan.clashes == (STARTS[1], STARTS[3])
        assert plan.rejected
        assert is_free.asked == STARTS  # the report is complete, not cut at the first clash

    def test_book_free_books_the_rest_and_reports_the_clashes(self) -> None:
        plan = plan_series(STARTS, free_except(STARTS[1], STARTS[3]), "book_free")
        assert plan.to_book == (STARTS[0], STARTS[2])
        assert plan.clashes == (STARTS[1], STARTS[3])
        assert not plan.rejected

    def test_book_free_with_everything_taken(self) -> None:
        plan = plan_series(STARTS, free_except(*STARTS), "book_free")
        assert plan.to_book == ()
        assert plan.clashes == tuple(STARTS)

    def test_works_with_occurrences_of_a_rule(self) -> None:
        starts = occurrences(make_rule(date(2027, 3, 21), "09:00", count=3))
        plan = plan_series(starts, free_except(utc(2027, 3, 28, 8)), "book_free")
        assert plan.to_book == (utc(2027, 3, 21, 9), utc(2027, 4, 4, 8))
        assert plan.clashes == (utc(2027, 3, 28, 8),)

    def test_empty_series(self) -> None:
        plan = plan_series([], free_except(), "all_or_nothing")
        assert plan.to_book == plan.clashes == ()
        assert not plan.rejected

    def test_unknown_mode(self) -> None:
        with pytest.raises(SeriesError, match="mode must be"):
            plan_series(STARTS, free_except(), "some")  # type: ignore[arg-type]

    def test_starts_must_increase(self) -> None:
        with pytest.raises(SeriesError, match="strictly increasing"):
            plan_series([STARTS[1], STARTS[0]], free_except(), "book_free")
        with pytest.raises(SeriesError, match="strictly increasing"):
            plan_series([STARTS[0], STARTS[0]], free_except(), "book_free")

    def test_starts_must_be_aware(self) -> None:
        with pytest.raises(SeriesError, match="aware"):
            plan_series([datetime(2027, 6, 7, 9)], free_except(), "book_free")


LIVE = [(0, STARTS[0]), (1, STARTS[1]), (2, STARTS[2]), (3, STARTS[3])]


class TestCancellation:
    def test_cancel_one(self) -> None:
        assert cancel_this(LIVE, 2) == [(2, STARTS[2])]
        assert cancellation(LIVE, 2, "this") == [(2, STARTS[2])]

    def test_cancel_this_and_following(self) -> None:
        assert cancel_this_and_following(LIVE, 1) == [
            (1, STARTS[1]),
            (2, STARTS[2]),
            (3, STARTS[3]),
        ]
        assert cancellation(LIVE, 3, "this_and_following") == [(3, STARTS[3])]
        assert cancellation(LIVE, 0, "this_and_following") == LIVE

    def test_gaps_from_earlier_cancellations_and_any_input_order(self) -> None:
        live = [(4, STARTS[3]), (0, STARTS[0]), (2, STARTS[1])]  # 1 and 3 already cancelled
        assert cancel_this_and_following(live, 2) == [(2, STARTS[1]), (4, STARTS[3])]
        assert cancel_this(live, 4) == [(4, STARTS[3])]

    def test_following_means_later_in_the_series_not_later_in_time(self) -> None:
        moved = utc(2027, 6, 1, 9)  # occurrence 3 rescheduled before occurrence 1
        live = [(1, STARTS[1]), (2, STARTS[2]), (3, moved)]
        assert cancel_this_and_following(live, 2) == [(2, STARTS[2]), (3, moved)]

    def test_unknown_index(self) -> None:
        with pytest.raises(SeriesError, match="not among"):
            cancel_this(LIVE, 7)
        with pytest.raises(SeriesError, match="not among"):
            cancel_this_and_following(LIVE[:2], 2)

    def test_duplicate_indices(self) -> None:
        with pytest.raises(SeriesError, match="unique"):
            cancel_this([(0, STARTS[0]), (0, STARTS[1])], 0)

    def test_unknown_scope(self) -> None:
        with pytest.raises(SeriesError, match="scope must be"):
            cancellation(LIVE, 0, "everything")  # type: ignore[arg-type]
