from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from slotkeeper.domain.ranges import TimeRange, intersect, merge, subtract

BASE = datetime(2027, 6, 7, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return BASE + timedelta(minutes=minutes)


def make_range(start: int, end: int) -> TimeRange:
    """A range given in minutes after BASE."""
    return TimeRange(at(start), at(end))


def as_pairs(ranges: list[TimeRange]) -> list[tuple[int, int]]:
    return [
        (int((r.start - BASE).total_seconds() // 60), int((r.end - BASE).total_seconds() // 60))
        for r in ranges
    ]


class TestTimeRange:
    def test_refuses_naive_datetimes(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            TimeRange(datetime(2027, 6, 7, 9), at(60))
        with pytest.raises(ValueError, match="timezone-aware"):
            TimeRange(at(0), datetime(2027, 6, 7, 9))

    def test_refuses_end_before_start(self) -> None:
        with pytest.raises(ValueError, match="ends before it starts"):
            make_range(60, 59)

    def test_empty_range_is_allowed(self) -> None:
        empty = make_range(30, 30)
        assert empty.is_empty
        assert empty.duration == timedelta(0)
        assert not make_range(30, 31).is_empty

    def test_duration(self) -> None:
        assert make_range(15, 105).duration == timedelta(minutes=90)

    @pytest.mark.parametrize(
        ("a", "b", "expected"),
        [
            ((0, 60), (30, 90), True),
            ((0, 60), (60, 120), False),  # touching: half-open ranges do not overlap
            ((60, 120), (0, 60), False),
            ((0, 60), (10, 20), True),  # containment
            ((10, 20), (0, 60), True),
            ((0, 60), (59, 61), True),
            ((0, 60), (61, 70), False),
            ((0, 60), (0, 60), True),
            ((30, 30), (0, 60), False),  # an empty range shares no instant with anything
            ((0, 60), (30, 30), False),
            ((30, 30), (30, 30), False),
        ],
    )
    def test_overlaps(self, a: tuple[int, int], b: tuple[int, int], expected: bool) -> None:
        assert make_range(*a).overlaps(make_range(*b)) is expected

    def test_overlaps_compares_instants_across_zones(self) -> None:
        london = ZoneInfo("Europe/London")
        # 09:00-10:00 BST is 08:00-09:00Z: it ends exactly where the UTC range starts.
        local = TimeRange(
            datetime(2027, 6, 7, 9, tzinfo=london), datetime(2027, 6, 7, 10, tzinfo=london)
        )
        utc = TimeRange(datetime(2027, 6, 7, 9, tzinfo=UTC), datetime(2027, 6, 7, 10, tzinfo=UTC))
        assert not local.overlaps(utc)
        assert local.overlaps(utc.widen(timedelta(minutes=1), timedelta(0)))

    def test_contains(self) -> None:
        outer = make_range(0, 60)
        assert outer.contains(make_range(0, 60))
        assert outer.contains(make_range(10, 20))
        assert not outer.contains(make_range(10, 61))
        assert not outer.contains(make_range(-1, 20))

    def test_contains_instant_excludes_the_end(self) -> None:
        r = make_range(0, 60)
        assert r.contains_instant(at(0))
        assert r.contains_instant(at(59))
        assert not r.contains_instant(at(60))
        assert not r.contains_instant(at(-1))

    def test_widen(self) -> None:
        widened = make_range(60, 120).widen(timedelta(minutes=15), timedelta(minutes=30))
        assert widened == make_range(45, 150)

    def test_ranges_sort_by_start_then_end(self) -> None:
        ranges = [make_range(10, 20), make_range(0, 30), make_range(0, 5)]
        assert as_pairs(sorted(ranges)) == [(0, 5), (0, 30), (10, 20)]


class TestMerge:
    def test_nothing(self) -> None:
        assert merge([]) == []

    def test_sorts_disjoint_ranges(self) -> None:
        assert as_pairs(merge([make_range(100, 120), make_range(0, 10), make_range(50, 60)])) == [
            (0, 10),
            (50, 60),
            (100, 120),
        ]

    def test_touching_ranges_join(self) -> None:
        assert as_pairs(merge([make_range(60, 120), make_range(0, 60)])) == [(0, 120)]

    def test_overlapping_and_contained_ranges_join(self) -> None:
        ranges = [make_range(0, 30), make_range(20, 50), make_range(25, 35), make_range(49, 70)]
        assert as_pairs(merge(ranges)) == [(0, 70)]

    def test_contained_range_does_not_shrink_the_union(self) -> None:
        assert as_pairs(merge([make_range(0, 100), make_range(10, 20)])) == [(0, 100)]

    def test_empty_ranges_vanish(self) -> None:
        assert as_pairs(merge([make_range(5, 5), make_range(10, 20), make_range(40, 40)])) == [
            (10, 20)
        ]

    def test_one_minute_gap_keeps_ranges_apart(self) -> None:
        assert as_pairs(merge([make_range(0, 60), make_range(61, 90)])) == [(0, 60), (61, 90)]

    def test_joins_ranges_given_in_different_zones(self) -> None:
        plus_one = timezone(timedelta(hours=1))
        # 10:00+01:00 == 09:00Z: the two ranges touch.
        a = TimeRange(datetime(2027, 6, 7, 8, tzinfo=UTC), datetime(2027, 6, 7, 9, tzinfo=UTC))
        b = TimeRange(
            datetime(2027, 6, 7, 10, tzinfo=plus_one), datetime(2027, 6, 7, 11, tzinfo=plus_one)
        )
        (joined,) = merge([b, a])
        assert joined.start == datetime(2027, 6, 7, 8, tzinfo=UTC)
        assert joined.end == datetime(2027, 6, 7, 10, tzinfo=UTC)


class TestSubtract:
    def test_cut_in_the_middle_splits(self) -> None:
        assert as_pairs(subtract([make_range(0, 120)], [make_range(30, 60)])) == [
            (0, 30),
            (60, 120),
        ]

    def test_cut_covering_everything_leaves_nothing(self) -> None:
        assert subtract([make_range(10, 20), make_range(30, 40)], [make_range(0, 50)]) == []

    def test_touching_cut_changes_nothing(self) -> None:
        assert as_pairs(subtract([make_range(0, 60)], [make_range(60, 90)])) == [(0, 60)]
        assert as_pairs(subtract([make_range(0, 60)], [make_range(-30, 0)])) == [(0, 60)]

    def test_cuts_at_both_ends(self) -> None:
        assert as_pairs(
            subtract([make_range(0, 100)], [make_range(-10, 10), make_range(90, 110)])
        ) == [(10, 90)]

    def test_several_cuts_over_several_ranges(self) -> None:
        result = subtract(
            [make_range(0, 60), make_range(100, 200)],
            [make_range(50, 110), make_range(150, 160), make_range(190, 300)],
        )
        assert as_pairs(result) == [(0, 50), (110, 150), (160, 190)]

    def test_ranges_are_merged_first(self) -> None:
        assert as_pairs(subtract([make_range(30, 60), make_range(0, 30)], [])) == [(0, 60)]

    def test_empty_cut_removes_nothing(self) -> None:
        assert as_pairs(subtract([make_range(0, 60)], [make_range(30, 30)])) == [(0, 60)]


class TestIntersect:
    def test_overlap(self) -> None:
        assert as_pairs(intersect([make_range(0, 60)], [make_range(30, 90)])) == [(30, 60)]

    def test_touching_ranges_share_nothing(self) -> None:
        assert intersect([make_range(0, 60)], [make_range(60, 90)]) == []

    def test_disjoint(self) -> None:
        assert intersect([make_range(0, 10)], [make_range(20, 30)]) == []
        assert intersect([], [make_range(20, 30)]) == []

    def test_many_against_one(self) -> None:
        a = [make_range(0, 10), make_range(20, 30), make_range(40, 50)]
        assert as_pairs(intersect(a, [make_range(5, 45)])) == [(5, 10), (20, 30), (40, 45)]
        assert as_pairs(intersect([make_range(5, 45)], a)) == [(5, 10), (20, 30), (40, 45)]

    def test_equal_ends(self) -> None:
        a = [make_range(0, 30), make_range(40, 60)]
        b = [make_range(10, 30), make_range(30, 50)]  # b merges to (10, 50)
        assert as_pairs(intersect(a, b)) == [(10, 30), (40, 50)]
