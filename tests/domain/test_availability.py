from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from slotkeeper.domain.availability import (
    LocalWindow,
    Schedule,
    WeeklyWindow,
    availability_windows,
    day_span,
    local_dates_covering,
    local_to_utc,
    weekly_from_pairs,
    window_to_utc,
)
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import SlotRules, generate_slots

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = range(7)


def t(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_window(start: str, end: str | None) -> LocalWindow:
    return LocalWindow(t(start), None if end is None else t(end))


def make_schedule(
    zone: ZoneInfo,
    weekly: Iterable[tuple[int, str, str | None]] = (),
    overrides: Mapping[date, Iterable[tuple[str, str | None]]] | None = None,
) -> Schedule:
    return Schedule(
        timezone=zone,
        weekly=[WeeklyWindow(day, make_window(start, end)) for day, start, end in weekly],
        overrides={
            day: [make_window(start, end) for start, end in windows]
            for day, windows in (overrides or {}).items()
        },
    )


def every_day(start: str, end: str | None) -> list[tuple[int, str, str | None]]:
    return [(weekday, start, end) for weekday in EVERY_DAY]


def windows_between(schedule: Schedule, first: date, last: date) -> list[TimeRange]:
    return availability_windows(schedule, day_span(first, last, schedule.timezone))


def local_view(windows: list[TimeRange], zone: ZoneInfo) -> list[tuple[date, str, str]]:
    return [
        (
            w.start.astimezone(zone).date(),
            w.start.astimezone(zone).strftime("%H:%M"),
            w.end.astimezone(zone).strftime("%H:%M"),
        )
        for w in windows
    ]


class TestWeeklyHoursAcrossDaylightSaving:
    def test_london_spring_forward_keeps_nine_local(self) -> None:
        schedule = make_schedule(LONDON, every_day("09:00", "17:00"))
        windows = windows_between(schedule, date(2027, 3, 26), date(2027, 3, 30))
        assert windows == [
            TimeRange(utc(2027, 3, 26, 9), utc(2027, 3, 26, 17)),
            TimeRange(utc(2027, 3, 27, 9), utc(2027, 3, 27, 17)),
            # 2027-03-28: clocks go forward, BST = UTC+1
            TimeRange(utc(2027, 3, 28, 8), utc(2027, 3, 28, 16)),
            TimeRange(utc(2027, 3, 29, 8), utc(2027, 3, 29, 16)),
            TimeRange(utc(2027, 3, 30, 8), utc(2027, 3, 30, 16)),
        ]
        assert {(start, end) for _, start, end in local_view(windows, LONDON)} == {
            ("09:00", "17:00")
        }

    def test_london_fall_back_keeps_nine_local(self) -> None:
        schedule = make_schedule(LONDON, every_day("09:00", "17:00"))
        windows = windows_between(schedule, date(2027, 10, 29), date(2027, 11, 2))
        assert windows == [
            TimeRange(utc(2027, 10, 29, 8), utc(2027, 10, 29, 16)),
            TimeRange(utc(2027, 10, 30, 8), utc(2027, 10, 30, 16)),
            # 2027-10-31: clocks go back, GMT = UTC
            TimeRange(utc(2027, 10, 31, 9), utc(2027, 10, 31, 17)),
            TimeRange(utc(2027, 11, 1, 9), utc(2027, 11, 1, 17)),
            TimeRange(utc(2027, 11, 2, 9), utc(2027, 11, 2, 17)),
        ]
        assert {(start, end) for _, start, end in local_view(windows, LONDON)} == {
            ("09:00", "17:00")
        }

    def test_new_york_spring_forward_keeps_nine_local(self) -> None:
        schedule = make_schedule(NEW_YORK, every_day("09:00", "17:00"))
        windows = windows_between(schedule, date(2027, 3, 12), date(2027, 3, 16))
        assert windows == [
            TimeRange(utc(2027, 3, 12, 14), utc(2027, 3, 12, 22)),
            TimeRange(utc(2027, 3, 13, 14), utc(2027, 3, 13, 22)),
            # 2027-03-14: EST (UTC-5) becomes EDT (UTC-4)
            TimeRange(utc(2027, 3, 14, 13), utc(2027, 3, 14, 21)),
            TimeRange(utc(2027, 3, 15, 13), utc(2027, 3, 15, 21)),
            TimeRange(utc(2027, 3, 16, 13), utc(2027, 3, 16, 21)),
        ]

    def test_new_york_fall_back_keeps_nine_local(self) -> None:
        schedule = make_schedule(NEW_YORK, every_day("09:00", "17:00"))
        windows = windows_between(schedule, date(2027, 11, 5), date(2027, 11, 9))
        assert windows == [
            TimeRange(utc(2027, 11, 5, 13), utc(2027, 11, 5, 21)),
            TimeRange(utc(2027, 11, 6, 13), utc(2027, 11, 6, 21)),
            # 2027-11-07: EDT (UTC-4) becomes EST (UTC-5)
            TimeRange(utc(2027, 11, 7, 14), utc(2027, 11, 7, 22)),
            TimeRange(utc(2027, 11, 8, 14), utc(2027, 11, 8, 22)),
            TimeRange(utc(2027, 11, 9, 14), utc(2027, 11, 9, 22)),
        ]

    def test_weekly_hours_only_on_their_weekdays(self) -> None:
        # Mondays and Wednesdays only; 2027-06-07 is a Monday.
        schedule = make_schedule(LONDON, [(0, "09:00", "12:00"), (2, "14:00", "18:00")])
        windows = windows_between(schedule, date(2027, 6, 7), date(2027, 6, 13))
        assert local_view(windows, LONDON) == [
            (date(2027, 6, 7), "09:00", "12:00"),
            (date(2027, 6, 9), "14:00", "18:00"),
        ]


class TestNonexistentAndAmbiguousTimes:
    def test_time_in_new_york_gap_maps_to_the_jump(self) -> None:
        # 02:30 does not exist on 2027-03-14: clocks jump from 02:00 EST to 03:00 EDT.
        assert local_to_utc(date(2027, 3, 14), t("02:30"), NEW_YORK) == utc(2027, 3, 14, 7)

    def test_time_in_london_gap_maps_to_the_jump(self) -> None:
        # 01:30 does not exist on 2027-03-28: clocks jump from 01:00 GMT to 02:00 BST.
        assert local_to_utc(date(2027, 3, 28), t("01:30"), LONDON) == utc(2027, 3, 28, 1)

    def test_existing_times_convert_with_the_local_offset(self) -> None:
        assert local_to_utc(date(2027, 3, 14), t("01:59"), NEW_YORK) == utc(2027, 3, 14, 6, 59)
        assert local_to_utc(date(2027, 3, 14), t("03:00"), NEW_YORK) == utc(2027, 3, 14, 7)
        assert local_to_utc(date(2027, 1, 4), t("09:00"), LONDON) == utc(2027, 1, 4, 9)

    def test_new_york_window_across_the_gap_is_three_real_hours(self) -> None:
        window = window_to_utc(date(2027, 3, 14), make_window("01:00", "05:00"), NEW_YORK)
        assert window == TimeRange(utc(2027, 3, 14, 6), utc(2027, 3, 14, 9))
        assert window.duration == timedelta(hours=3)

    def test_london_window_across_the_gap_is_three_real_hours(self) -> None:
        window = window_to_utc(date(2027, 3, 28), make_window("01:00", "05:00"), LONDON)
        assert window == TimeRange(utc(2027, 3, 28, 1), utc(2027, 3, 28, 4))
        assert window.duration == timedelta(hours=3)

    def test_window_starting_in_the_gap_starts_at_the_jump(self) -> None:
        window = window_to_utc(date(2027, 3, 14), make_window("02:30", "04:00"), NEW_YORK)
        assert window == TimeRange(utc(2027, 3, 14, 7), utc(2027, 3, 14, 8))
        assert window.start.astimezone(NEW_YORK).strftime("%H:%M") == "03:00"

    def test_window_ending_in_the_gap_ends_at_the_jump(self) -> None:
        window = window_to_utc(date(2027, 3, 28), make_window("00:30", "01:30"), LONDON)
        assert window == TimeRange(utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 1))

    @pytest.mark.parametrize(
        ("zone", "day", "start", "end"),
        [
            (NEW_YORK, date(2027, 3, 14), "02:15", "02:45"),
            (NEW_YORK, date(2027, 3, 14), "02:00", "03:00"),
            (LONDON, date(2027, 3, 28), "01:10", "01:50"),
        ],
    )
    def test_window_wholly_inside_the_gap_yields_nothing(
        self, zone: ZoneInfo, day: date, start: str, end: str
    ) -> None:
        assert window_to_utc(day, make_window(start, end), zone) is None
        schedule = make_schedule(zone, overrides={day: [(start, end)]})
        assert windows_between(schedule, day, day) == []

    def test_same_window_exists_the_day_before_the_gap(self) -> None:
        window = window_to_utc(date(2027, 3, 13), make_window("02:15", "02:45"), NEW_YORK)
        assert window == TimeRange(utc(2027, 3, 13, 7, 15), utc(2027, 3, 13, 7, 45))

    def test_ambiguous_new_york_time_takes_the_first_occurrence(self) -> None:
        # 01:30 happens twice on 2027-11-07: first in EDT (05:30Z), then in EST (06:30Z).
        instant = local_to_utc(date(2027, 11, 7), t("01:30"), NEW_YORK)
        assert instant == utc(2027, 11, 7, 5, 30)
        assert instant.astimezone(NEW_YORK).utcoffset() == timedelta(hours=-4)

    def test_ambiguous_london_time_takes_the_first_occurrence(self) -> None:
        assert local_to_utc(date(2027, 10, 31), t("01:30"), LONDON) == utc(2027, 10, 31, 0, 30)

    def test_window_over_the_repeated_hour_lasts_longer(self) -> None:
        # 01:00 EDT -> 02:00 EST: one wall-clock hour, two real hours.
        window = window_to_utc(date(2027, 11, 7), make_window("01:00", "02:00"), NEW_YORK)
        assert window == TimeRange(utc(2027, 11, 7, 5), utc(2027, 11, 7, 7))

    def test_window_inside_the_repeated_hour_is_the_first_pass(self) -> None:
        window = window_to_utc(date(2027, 11, 7), make_window("01:15", "01:45"), NEW_YORK)
        assert window == TimeRange(utc(2027, 11, 7, 5, 15), utc(2027, 11, 7, 5, 45))

    @pytest.mark.parametrize(
        ("zone", "day", "hours"),
        [
            (NEW_YORK, date(2027, 3, 14), 23),
            (NEW_YORK, date(2027, 11, 7), 25),
            (NEW_YORK, date(2027, 6, 7), 24),
            (LONDON, date(2027, 3, 28), 23),
            (LONDON, date(2027, 10, 31), 25),
        ],
    )
    def test_whole_day_window_lasts_the_real_length_of_the_day(
        self, zone: ZoneInfo, day: date, hours: int
    ) -> None:
        window = window_to_utc(day, make_window("00:00", None), zone)
        assert window is not None
        assert window.duration == timedelta(hours=hours)
        assert window == day_span(day, day, zone)


class TestOverrides:
    WEEKDAYS_9_TO_5 = [(weekday, "09:00", "17:00") for weekday in range(5)]

    def test_override_replaces_the_day(self) -> None:
        schedule = make_schedule(
            LONDON,
            self.WEEKDAYS_9_TO_5,
            {date(2027, 6, 8): [("13:00", "15:00"), ("16:00", "18:30")]},
        )
        windows = windows_between(schedule, date(2027, 6, 7), date(2027, 6, 9))
        assert local_view(windows, LONDON) == [
            (date(2027, 6, 7), "09:00", "17:00"),
            (date(2027, 6, 8), "13:00", "15:00"),
            (date(2027, 6, 8), "16:00", "18:30"),
            (date(2027, 6, 9), "09:00", "17:00"),
        ]

    def test_empty_override_closes_the_day(self) -> None:
        schedule = make_schedule(LONDON, self.WEEKDAYS_9_TO_5, {date(2027, 6, 8): []})
        windows = windows_between(schedule, date(2027, 6, 7), date(2027, 6, 9))
        assert [day for day, _, _ in local_view(windows, LONDON)] == [
            date(2027, 6, 7),
            date(2027, 6, 9),
        ]
        assert windows_between(schedule, date(2027, 6, 8), date(2027, 6, 8)) == []

    def test_override_opens_a_day_without_weekly_hours(self) -> None:
        # 2027-06-12 is a Saturday.
        schedule = make_schedule(
            LONDON, self.WEEKDAYS_9_TO_5, {date(2027, 6, 12): [("10:00", "12:00")]}
        )
        windows = windows_between(schedule, date(2027, 6, 12), date(2027, 6, 13))
        assert windows == [TimeRange(utc(2027, 6, 12, 9), utc(2027, 6, 12, 11))]

    def test_override_on_a_dst_day(self) -> None:
        schedule = make_schedule(NEW_YORK, overrides={date(2027, 11, 7): [("08:00", "10:00")]})
        assert windows_between(schedule, date(2027, 11, 7), date(2027, 11, 7)) == [
            TimeRange(utc(2027, 11, 7, 13), utc(2027, 11, 7, 15))
        ]

    def test_windows_on(self) -> None:
        schedule = make_schedule(LONDON, self.WEEKDAYS_9_TO_5, {date(2027, 6, 8): []})
        assert schedule.windows_on(date(2027, 6, 7)) == [make_window("09:00", "17:00")]
        assert list(schedule.windows_on(date(2027, 6, 8))) == []
        assert schedule.windows_on(date(2027, 6, 12)) == []


class TestMergingAndMidnight:
    def test_separate_windows_stay_apart(self) -> None:
        schedule = make_schedule(LONDON, [(0, "13:00", "17:00"), (0, "09:00", "12:00")])
        windows = windows_between(schedule, date(2027, 6, 7), date(2027, 6, 7))
        assert local_view(windows, LONDON) == [
            (date(2027, 6, 7), "09:00", "12:00"),
            (date(2027, 6, 7), "13:00", "17:00"),
        ]

    def test_touching_windows_merge(self) -> None:
        schedule = make_schedule(LONDON, [(0, "12:00", "17:00"), (0, "09:00", "12:00")])
        windows = windows_between(schedule, date(2027, 6, 7), date(2027, 6, 7))
        assert local_view(windows, LONDON) == [(date(2027, 6, 7), "09:00", "17:00")]

    def test_overlapping_windows_merge(self) -> None:
        schedule = make_schedule(LONDON, [(0, "09:00", "13:00"), (0, "12:00", "17:00")])
        windows = windows_between(schedule, date(2027, 6, 7), date(2027, 6, 7))
        assert local_view(windows, LONDON) == [(date(2027, 6, 7), "09:00", "17:00")]

    def test_end_none_means_the_following_midnight(self) -> None:
        schedule = make_schedule(LONDON, [(0, "20:00", None)])
        assert windows_between(schedule, date(2027, 6, 7), date(2027, 6, 7)) == [
            TimeRange(utc(2027, 6, 7, 19), utc(2027, 6, 7, 23))
        ]

    def test_end_none_on_the_fall_back_day(self) -> None:
        # Sunday 2027-10-31, London is back on GMT.
        schedule = make_schedule(LONDON, [(6, "22:00", None)])
        assert windows_between(schedule, date(2027, 10, 31), date(2027, 10, 31)) == [
            TimeRange(utc(2027, 10, 31, 22), utc(2027, 11, 1, 0))
        ]

    def test_windows_touching_across_midnight_merge(self) -> None:
        # Saturday 22:00-24:00 BST and Sunday 00:00-03:00 on the fall-back night:
        # 21:00Z to 03:00Z, six real hours for five wall-clock hours.
        schedule = make_schedule(LONDON, [(5, "22:00", None), (6, "00:00", "03:00")])
        windows = windows_between(schedule, date(2027, 10, 30), date(2027, 10, 31))
        assert windows == [TimeRange(utc(2027, 10, 30, 21), utc(2027, 10, 31, 3))]

    def test_span_selects_windows_but_does_not_clip_them(self) -> None:
        schedule = make_schedule(LONDON, every_day("09:00", "17:00"))
        span = TimeRange(utc(2027, 6, 7, 11), utc(2027, 6, 7, 12))
        assert availability_windows(schedule, span) == [
            TimeRange(utc(2027, 6, 7, 8), utc(2027, 6, 7, 16))
        ]
        evening = TimeRange(utc(2027, 6, 7, 17), utc(2027, 6, 7, 18))
        assert availability_windows(schedule, evening) == []

    def test_window_touching_the_span_still_sets_the_grid_of_the_one_it_joins(self) -> None:
        # Monday 22:00-24:00 joins Tuesday 00:00-03:00; Tuesday's 45-minute grid starts
        # at Monday 22:00 whichever span the caller asks about.
        schedule = make_schedule(LONDON, [(0, "22:00", None), (1, "00:00", "03:00")])
        tuesday = day_span(date(2027, 6, 8), date(2027, 6, 8), LONDON)
        both_days = day_span(date(2027, 6, 7), date(2027, 6, 8), LONDON)
        merged = TimeRange(utc(2027, 6, 7, 21), utc(2027, 6, 8, 2))
        assert availability_windows(schedule, tuesday) == [merged]
        assert availability_windows(schedule, both_days) == [merged]

        rules = SlotRules(duration=timedelta(minutes=60), step=timedelta(minutes=45))
        now = utc(2027, 6, 1, 0)
        alone = generate_slots(availability_windows(schedule, tuesday), (), rules, now, tuesday)
        wide = generate_slots(availability_windows(schedule, both_days), (), rules, now, tuesday)
        assert [s.start.astimezone(LONDON).strftime("%H:%M") for s in alone] == [
            "00:15",
            "01:00",
            "01:45",
        ]
        assert alone == wide


class TestHelpers:
    def test_local_window_refuses_end_before_start(self) -> None:
        with pytest.raises(ValueError, match="before it starts"):
            LocalWindow(t("17:00"), t("09:00"))
        with pytest.raises(ValueError, match="before it starts"):
            LocalWindow(t("09:00"), t("09:00"))
        with pytest.raises(ValueError, match="before it starts"):
            LocalWindow(t("09:00"), t("00:00"))  # midnight is written as None

    def test_weekly_window_refuses_bad_weekday(self) -> None:
        with pytest.raises(ValueError, match="weekday"):
            WeeklyWindow(7, make_window("09:00", "10:00"))
        with pytest.raises(ValueError, match="weekday"):
            WeeklyWindow(-1, make_window("09:00", "10:00"))

    def test_weekly_from_pairs(self) -> None:
        assert weekly_from_pairs([(0, t("09:00"), t("12:00")), (6, t("20:00"), None)]) == [
            WeeklyWindow(0, LocalWindow(t("09:00"), t("12:00"))),
            WeeklyWindow(6, LocalWindow(t("20:00"), None)),
        ]

    def test_day_span_on_dst_days(self) -> None:
        assert day_span(date(2027, 3, 28), date(2027, 3, 28), LONDON) == TimeRange(
            utc(2027, 3, 28, 0), utc(2027, 3, 28, 23)
        )
        assert day_span(date(2027, 10, 31), date(2027, 11, 1), LONDON) == TimeRange(
            utc(2027, 10, 30, 23), utc(2027, 11, 2, 0)
        )

    def test_local_dates_covering_adds_a_day_each_side(self) -> None:
        span = TimeRange(utc(2027, 6, 7, 10), utc(2027, 6, 8, 10))
        assert local_dates_covering(span, NEW_YORK) == [
            date(2027, 6, 6),
            date(2027, 6, 7),
            date(2027, 6, 8),
            date(2027, 6, 9),
        ]
        # 02:00Z on 2027-06-07 is still 2027-06-06 in New York.
        late = TimeRange(utc(2027, 6, 7, 2), utc(2027, 6, 7, 3))
        assert local_dates_covering(late, NEW_YORK) == [
            date(2027, 6, 5),
            date(2027, 6, 6),
            date(2027, 6, 7),
        ]
