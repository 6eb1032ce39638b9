from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slotkeeper.domain.suggestions import MAX_SUGGESTIONS, suggest_times


def at(hhmm: str, day: int = 7) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime(2027, 6, day, int(hours), int(minutes), tzinfo=UTC)


def make_free(*hhmm: str) -> list[datetime]:
    return [at(x) for x in hhmm]


def hhmm(starts: list[datetime]) -> list[str]:
    return [s.strftime("%H:%M") for s in starts]


FREE = make_free("09:00", "09:30", "10:00", "11:00", "11:30", "13:00", "15:00", "16:30")


class TestSuggestTimes:
    def test_five_closest_returned_sorted(self) -> None:
        assert hhmm(suggest_times(FREE, at("11:15"))) == [
            "09:30",
            "10:00",
            "11:00",
            "11:30",
            "13:00",
        ]

    def test_limit(self) -> None:
        assert hhmm(suggest_times(FREE, at("11:15"), limit=1)) == ["11:00"]  # tie: earlier
        assert hhmm(suggest_times(FREE, at("11:15"), limit=2)) == ["11:00", "11:30"]
        # 11:30 and 16:30 are both 2.5 hours away from 14:00: the earlier one wins.
        assert hhmm(suggest_times(FREE, at("14:00"), limit=3)) == ["11:30", "13:00", "15:00"]

    def test_ties_go_to_the_earlier_time(self) -> None:
        free = make_free("10:00", "12:00")
        assert hhmm(suggest_times(free, at("11:00"), limit=1)) == ["10:00"]
        free = make_free("09:00", "10:30", "11:30", "13:00")
        assert hhmm(suggest_times(free, at("11:00"), limit=3)) == ["09:00", "10:30", "11:30"]

    def test_the_requested_time_is_not_suggested(self) -> None:
        assert hhmm(suggest_times(FREE, at("11:00"), limit=2)) == ["10:00", "11:30"]

    def test_fewer_free_times_than_the_limit(self) -> None:
        assert hhmm(suggest_times(make_free("08:00", "18:00"), at("12:00"))) == ["08:00", "18:00"]
        assert suggest_times([], at("12:00")) == []

    def test_unsorted_input_and_duplicates(self) -> None:
        free = make_free("15:00", "10:00", "10:00", "12:30")
        assert hhmm(suggest_times(free, at("12:00"), limit=3)) == ["10:00", "12:30", "15:00"]

    def test_other_days(self) -> None:
        free = [at("09:00", day=6), at("17:00", day=7), at("09:00", day=8)]
        assert suggest_times(free, at("12:00"), limit=2) == [at("17:00"), at("09:00", day=8)]

    def test_zones_compare_as_instants(self) -> None:
        plus_two = timezone(timedelta(hours=2))
        free = [datetime(2027, 6, 7, 13, 0, tzinfo=plus_two), at("14:00")]  # 11:00 UTC, 14:00
        assert suggest_times(free, at("12:00"), limit=1) == [free[0]]

    @pytest.mark.parametrize("limit", [0, -1, 6])
    def test_limit_is_1_to_5(self, limit: int) -> None:
        with pytest.raises(ValueError, match="limit"):
            suggest_times(FREE, at("12:00"), limit=limit)

    def test_naive_datetimes_are_refused(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            suggest_times(FREE, datetime(2027, 6, 7, 12))
        with pytest.raises(ValueError, match="aware"):
            suggest_times([datetime(2027, 6, 7, 12)], at("11:00"))


ORIGIN = at("00:00")
minutes = st.integers(0, 3 * 24 * 4).map(lambda n: ORIGIN + timedelta(minutes=15 * n))


@settings(deadline=None, max_examples=200)
@given(st.lists(minutes, max_size=30), minutes, st.integers(1, MAX_SUGGESTIONS))
def test_suggestions_are_the_closest_other_free_times(
    free: list[datetime], around: datetime, limit: int
) -> None:
    chosen = suggest_times(free, around, limit)
    others = set(free) - {around}
    assert chosen == sorted(set(chosen))
    assert set(chosen) <= others
    assert len(chosen) == min(limit, len(others))
    # Nothing left out is closer than anything chosen (nor as close and earlier).
    for left_out in others - set(chosen):
        for pick in chosen:
            assert (abs(pick - around), pick) < (abs(left_out - around), left_out)
