from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest

from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import (
    Busy,
    Slot,
    SlotRules,
    generate_slots,
    is_offered,
    occurrence_key,
    seats_left,
)

DAY = (2027, 6, 7)  # a Monday
NOW = datetime(2027, 6, 1, 8, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def at(hhmm: str, day: int = DAY[2]) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime(DAY[0], DAY[1], day, int(hours), int(minutes), tzinfo=UTC)


def make_range(start: str, end: str, day: int = DAY[2]) -> TimeRange:
    return TimeRange(at(start, day), at(end, day))


def make_rules(duration: int = 60, step: int = 15, **minutes: int) -> SlotRules:
    """Rules with every timedelta given in minutes; ``capacity``/``service_key`` pass through."""
    capacity = minutes.pop("capacity", 1)
    return SlotRules(
        duration=timedelta(minutes=duration),
        step=timedelta(minutes=step),
        capacity=capacity,
        service_key="yoga",
        **{name: timedelta(minutes=value) for name, value in minutes.items()},
    )


def make_busy(start: str, end: str, occurrence: str | None = None, seats: int = 1) -> Busy:
    return Busy(make_range(start, end), occurrence, seats)


def make_booking(start: str, rules: SlotRules, seats: int = 1) -> Busy:
    """A blocking booking made with ``rules``: its block includes its own buffers."""
    begin = at(start)
    return Busy(rules.block(begin), rules.occurrence_key(begin), seats)


def slots_for(
    windows: Sequence[TimeRange],
    rules: SlotRules,
    busy: Iterable[Busy] = (),
    now: datetime = NOW,
    within: TimeRange | None = None,
) -> list[Slot]:
    within = within or TimeRange(at("00:00"), at("00:00") + timedelta(days=7))
    return generate_slots(windows, busy, rules, now, within)


def starts(slots: Iterable[Slot]) -> list[str]:
    return [s.start.strftime("%H:%M") for s in slots]


def grid(first: str, last: str, step: int) -> list[str]:
    begin, end = at(first), at(last)
    out = []
    while begin <= end:
        out.append(begin.strftime("%H:%M"))
        begin += timedelta(minutes=step)
    return out


NINE_TO_FIVE = [make_range("09:00", "17:00")]


class TestGrid:
    def test_grid_is_measured_from_the_window_start(self) -> None:
        slots = slots_for([make_range("09:10", "12:00")], make_rules(duration=30, step=15))
        assert starts(slots) == grid("09:10", "11:25", 15)
        assert starts(slots)[:3] == ["09:10", "09:25", "09:40"]

    def test_default_step_is_fifteen_minutes(self) -> None:
        rules = SlotRules(duration=timedelta(minutes=30))
        assert rules.step == timedelta(minutes=15)
        assert starts(slots_for([make_range("09:00", "10:00")], rules)) == [
            "09:00",
            "09:15",
            "09:30",
        ]

    def test_slot_carries_end_and_seats(self) -> None:
        (first, *_) = slots_for(NINE_TO_FIVE, make_rules(duration=45))
        assert first == Slot(at("09:00"), at("09:45"), 1)

    def test_last_start_ends_exactly_at_window_end(self) -> None:
        slots = slots_for(NINE_TO_FIVE, make_rules(duration=60, step=30))
        assert starts(slots) == grid("09:00", "16:00", 30)
        assert slots[-1].end == at("17:00")

    def test_window_shorter_than_the_service_offers_nothing(self) -> None:
        assert slots_for([make_range("09:00", "09:45")], make_rules(duration=60)) == []

    def test_several_windows_come_back_sorted(self) -> None:
        windows = [make_range("14:00", "15:00"), make_range("09:00", "10:00")]
        assert starts(slots_for(windows, make_rules(duration=30, step=30))) == [
            "09:00",
            "09:30",
            "14:00",
            "14:30",
        ]

    def test_each_window_keeps_its_own_grid(self) -> None:
        windows = [make_range("09:00", "10:00"), make_range("13:10", "14:00")]
        assert starts(slots_for(windows, make_rules(duration=20, step=20))) == [
            "09:00",
            "09:20",
            "09:40",
            "13:10",
            "13:30",
        ]


class TestBuffers:
    def test_buffer_before_moves_the_first_start(self) -> None:
        rules = make_rules(duration=30, step=15, buffer_before=15)
        assert starts(slots_for([make_range("09:00", "10:00")], rules)) == [
            "09:15",
            "09:30",
        ]

    def test_buffer_before_off_the_grid_rounds_up_to_the_grid(self) -> None:
        rules = make_rules(duration=30, step=15, buffer_before=10)
        assert starts(slots_for([make_range("09:00", "10:00")], rules)) == ["09:15", "09:30"]

    def test_buffer_after_moves_the_last_start(self) -> None:
        rules = make_rules(duration=30, step=15, buffer_after=15)
        assert starts(slots_for([make_range("09:00", "10:00")], rules)) == ["09:00", "09:15"]

    def test_both_buffers(self) -> None:
        rules = make_rules(duration=30, step=15, buffer_before=15, buffer_after=15)
        assert starts(slots_for([make_range("09:00", "10:00")], rules)) == ["09:15"]

    def test_existing_booking_blocks_its_own_buffers(self) -> None:
        # Someone else's service: 60 minutes plus 30 minutes of clean-up afterwards.
        other = make_rules(duration=60, buffer_after=30)
        booking = make_booking("11:00", other)
        assert booking.block == make_range("11:00", "12:30")
        slots = slots_for(NINE_TO_FIVE, make_rules(duration=60, step=30), [booking])
        assert starts(slots) == ["09:00", "09:30", "10:00", *grid("12:30", "16:00", 30)]

    def test_existing_booking_buffer_before_blocks_earlier_starts(self) -> None:
        other = make_rules(duration=30, buffer_before=30)
        booking = make_booking("12:00", other)  # block 11:30-12:30
        slots = slots_for(NINE_TO_FIVE, make_rules(duration=60, step=30), [booking])
        assert "10:30" in starts(slots)
        assert not {"11:00", "11:30", "12:00"} & set(starts(slots))
        assert "12:30" in starts(slots)

    def test_our_buffers_must_clear_busy_time(self) -> None:
        rules = make_rules(duration=60, step=15, buffer_after=15)
        busy = [make_busy("11:00", "12:00")]
        offered = starts(slots_for(NINE_TO_FIVE, rules, busy))
        # 09:45 ends at 10:45, buffer until 11:00: touching is fine. 10:00 is not.
        assert "09:45" in offered
        assert "10:00" not in offered
        assert "12:00" in offered


class TestBusy:
    def test_a_two_pm_hour_hides_exactly_the_overlapping_starts(self) -> None:
        rules = make_rules(duration=60, step=30)
        without = starts(slots_for(NINE_TO_FIVE, rules))
        with_booking = starts(slots_for(NINE_TO_FIVE, rules, [make_booking("14:00", rules)]))
        assert set(without) - set(with_booking) == {"13:30", "14:00", "14:30"}
        assert "13:00" in with_booking
        assert "15:00" in with_booking

    def test_thirty_minute_start_conflicts_with_a_booked_hour(self) -> None:
        # Seed 004, test case 4: 14:00 (60 min) booked, 14:30 is not available.
        rules = make_rules(duration=60, step=30)
        booking = make_booking("14:00", rules)
        assert "14:30" not in starts(slots_for(NINE_TO_FIVE, rules, [booking]))

    @pytest.mark.parametrize(
        ("duration", "expected"),
        [
            (30, ["09:00", "09:30", "10:30", "11:00", "11:30"]),
            (60, ["09:00", "10:30", "11:00"]),
            (90, ["10:30"]),
            (120, []),
        ],
    )
    def test_longer_durations_offer_fewer_starts(self, duration: int, expected: list[str]) -> None:
        # Seed 004, test case 5: a 30-minute booking at 10:00 in a 09:00-12:00 morning.
        busy = [make_busy("10:00", "10:30")]
        window = [make_range("09:00", "12:00")]
        assert starts(slots_for(window, make_rules(duration=duration, step=30), busy)) == expected

    def test_time_off_removes_exactly_the_starts_it_covers(self) -> None:
        rules = make_rules(duration=30, step=30)
        time_off = [make_busy("12:00", "13:00")]
        removed = set(starts(slots_for(NINE_TO_FIVE, rules))) - set(
            starts(slots_for(NINE_TO_FIVE, rules, time_off))
        )
        assert removed == {"12:00", "12:30"}

    def test_time_off_with_a_longer_service(self) -> None:
        rules = make_rules(duration=60, step=30)
        time_off = [make_busy("12:00", "13:00")]
        removed = set(starts(slots_for(NINE_TO_FIVE, rules))) - set(
            starts(slots_for(NINE_TO_FIVE, rules, time_off))
        )
        assert removed == {"11:30", "12:00", "12:30"}

    def test_busy_time_touching_a_slot_does_not_block_it(self) -> None:
        rules = make_rules(duration=60, step=60)
        busy = [make_busy("08:00", "09:00"), make_busy("10:00", "11:00")]
        assert starts(slots_for(NINE_TO_FIVE, rules, busy)) == [
            "09:00",
            *grid("11:00", "16:00", 60),
        ]

    def test_long_early_busy_blocks_later_starts(self) -> None:
        # A long block followed by short ones: the long one must still be found.
        busy = [
            make_busy("09:00", "15:00"),
            make_busy("09:30", "09:45"),
            make_busy("10:00", "10:15"),
            make_busy("15:30", "15:45"),
        ]
        offered = starts(slots_for(NINE_TO_FIVE, make_rules(duration=30, step=15), busy))
        assert offered == ["15:00", "15:45", "16:00", "16:15", "16:30"]

    def test_empty_busy_interval_blocks_nothing(self) -> None:
        rules = make_rules(duration=60, step=60)
        assert starts(slots_for(NINE_TO_FIVE, rules, [make_busy("12:30", "12:30")])) == grid(
            "09:00", "16:00", 60
        )

    def test_busy_in_another_zone_is_compared_by_instant(self) -> None:
        plus_two = timezone(timedelta(hours=2))
        busy = Busy(
            TimeRange(
                datetime(2027, 6, 7, 14, tzinfo=plus_two), datetime(2027, 6, 7, 15, tzinfo=plus_two)
            )
        )
        offered = starts(slots_for(NINE_TO_FIVE, make_rules(duration=60, step=60), [busy]))
        assert "12:00" not in offered
        assert {"11:00", "13:00"} <= set(offered)


class TestNoticeHorizonAndWithin:
    def test_min_notice(self) -> None:
        rules = make_rules(duration=60, step=15, min_notice=120)
        now = at("08:00")
        assert starts(slots_for(NINE_TO_FIVE, rules, now=now))[0] == "10:00"
        # 08:05 + 2 h = 10:05: the next start on the 15-minute grid is 10:15.
        assert starts(slots_for(NINE_TO_FIVE, rules, now=at("08:05")))[0] == "10:15"

    def test_nothing_in_the_past(self) -> None:
        rules = make_rules(duration=60, step=60)
        assert starts(slots_for(NINE_TO_FIVE, rules, now=at("13:30"))) == grid("14:00", "16:00", 60)

    def test_horizon_is_inclusive(self) -> None:
        rules = make_rules(duration=60, step=60, max_advance=10 * 60)
        now = at("00:00")  # horizon: 10:00 the same day
        assert starts(slots_for(NINE_TO_FIVE, rules, now=now)) == ["09:00", "10:00"]

    def test_horizon_cuts_later_days(self) -> None:
        windows = [make_range("09:00", "10:00", day) for day in (7, 8, 9, 10)]
        rules = SlotRules(duration=timedelta(hours=1), max_advance=timedelta(days=2))
        slots = slots_for(windows, rules, now=at("09:00", 7))
        assert [s.start for s in slots] == [at("09:00", 7), at("09:00", 8), at("09:00", 9)]

    def test_default_horizon_is_ninety_days(self) -> None:
        rules = SlotRules(duration=timedelta(hours=1))
        assert rules.max_advance == timedelta(days=90)

    def test_within_limits_the_starts_but_not_the_grid(self) -> None:
        within = TimeRange(at("10:05"), at("11:00"))
        slots = slots_for(NINE_TO_FIVE, make_rules(duration=30, step=15), within=within)
        assert starts(slots) == ["10:15", "10:30", "10:45"]

    def test_within_end_is_exclusive(self) -> None:
        within = TimeRange(at("10:00"), at("11:00"))
        slots = slots_for(NINE_TO_FIVE, make_rules(duration=60, step=60), within=within)
        assert starts(slots) == ["10:00"]


class TestGroupCapacity:
    CLASS = make_rules(duration=60, step=60, capacity=3)
    MORNING = [make_range("09:00", "12:00")]

    def test_empty_class_offers_every_seat(self) -> None:
        slots = slots_for(self.MORNING, self.CLASS)
        assert [(s.start.strftime("%H:%M"), s.seats_left) for s in slots] == [
            ("09:00", 3),
            ("10:00", 3),
            ("11:00", 3),
        ]

    def test_seats_of_the_same_occurrence_count(self) -> None:
        busy = [make_booking("10:00", self.CLASS, seats=2)]
        slots = slots_for(self.MORNING, self.CLASS, busy)
        assert [(s.start.strftime("%H:%M"), s.seats_left) for s in slots] == [
            ("09:00", 3),
            ("10:00", 1),
            ("11:00", 3),
        ]

    def test_several_bookings_of_one_occurrence_add_up(self) -> None:
        busy = [make_booking("10:00", self.CLASS), make_booking("10:00", self.CLASS)]
        (ten,) = [s for s in slots_for(self.MORNING, self.CLASS, busy) if s.start == at("10:00")]
        assert ten.seats_left == 1

    def test_full_occurrence_is_not_offered(self) -> None:
        busy = [make_booking("10:00", self.CLASS, seats=3)]
        assert starts(slots_for(self.MORNING, self.CLASS, busy)) == ["09:00", "11:00"]

    def test_other_busy_time_blocks_the_occurrence_entirely(self) -> None:
        busy = [make_booking("10:00", self.CLASS), make_busy("11:30", "11:45")]
        slots = slots_for(self.MORNING, self.CLASS, busy)
        assert [(s.start.strftime("%H:%M"), s.seats_left) for s in slots] == [
            ("09:00", 3),
            ("10:00", 2),
        ]

    def test_overlapping_occurrence_at_another_start_blocks(self) -> None:
        rules = make_rules(duration=60, step=30, capacity=3)
        busy = [make_booking("10:00", rules)]
        slots = slots_for(self.MORNING, rules, busy)
        assert [(s.start.strftime("%H:%M"), s.seats_left) for s in slots] == [
            ("09:00", 3),
            ("10:00", 2),
            ("11:00", 3),
        ]

    def test_same_time_of_another_service_blocks(self) -> None:
        other_class = SlotRules(duration=timedelta(hours=1), capacity=3, service_key="pilates")
        busy = [Busy(other_class.block(at("10:00")), other_class.occurrence_key(at("10:00")))]
        assert starts(slots_for(self.MORNING, self.CLASS, busy)) == ["09:00", "11:00"]

    def test_same_start_with_another_duration_blocks(self) -> None:
        longer = make_rules(duration=90, step=60, capacity=3)
        busy = [make_booking("10:00", longer)]
        assert starts(slots_for(self.MORNING, self.CLASS, busy)) == ["09:00"]


class TestSeatsLeft:
    BLOCK = make_range("10:00", "11:00")
    KEY = "yoga@1"

    def test_no_busy(self) -> None:
        assert seats_left(self.BLOCK, self.KEY, 4, []) == 4

    def test_ignores_busy_that_does_not_overlap(self) -> None:
        busy = [make_busy("09:00", "10:00"), make_busy("11:00", "12:00")]
        assert seats_left(self.BLOCK, None, 1, busy) == 1

    def test_single_seat_blocked_by_any_overlap(self) -> None:
        assert seats_left(self.BLOCK, None, 1, [make_busy("10:59", "11:30")]) == 0
        assert seats_left(self.BLOCK, None, 1, [make_busy("10:00", "11:00", self.KEY)]) == 0

    def test_counts_seats_and_never_goes_negative(self) -> None:
        busy = [make_busy("10:00", "11:00", self.KEY, 3), make_busy("10:00", "11:00", self.KEY, 2)]
        assert seats_left(self.BLOCK, self.KEY, 6, busy) == 1
        assert seats_left(self.BLOCK, self.KEY, 4, busy) == 0

    def test_other_occurrence_blocks(self) -> None:
        busy = [make_busy("10:00", "11:00", self.KEY), make_busy("10:30", "11:30", "yoga@2")]
        assert seats_left(self.BLOCK, self.KEY, 10, busy) == 0


class TestRulesAndKeys:
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"duration": timedelta(0)},
            {"duration": -MINUTE},
            {"duration": MINUTE, "step": timedelta(0)},
            {"duration": MINUTE, "capacity": 0},
        ],
    )
    def test_rules_refuse_nonsense(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(ValueError):
            SlotRules(**kwargs)  # type: ignore[arg-type]

    def test_block_includes_buffers(self) -> None:
        rules = make_rules(duration=45, buffer_before=10, buffer_after=5)
        assert rules.block(at("10:00")) == make_range("09:50", "10:50")

    def test_single_seat_services_have_no_occurrence(self) -> None:
        assert make_rules(capacity=1).occurrence_key(at("10:00")) is None

    def test_occurrence_key_names_service_start_and_duration(self) -> None:
        rules = make_rules(duration=60, capacity=3)
        assert rules.occurrence_key(at("10:00")) == occurrence_key(
            "yoga", at("10:00"), timedelta(minutes=60)
        )
        assert occurrence_key("yoga", at("10:00"), timedelta(minutes=60)) == (
            f"yoga@{int(at('10:00').timestamp())}+3600"
        )

    def test_occurrence_key_depends_on_instant_not_zone(self) -> None:
        plus_two = timezone(timedelta(hours=2))
        same_instant = at("10:00").astimezone(plus_two)
        hour = timedelta(hours=1)
        assert occurrence_key("yoga", same_instant, hour) == occurrence_key(
            "yoga", at("10:00"), hour
        )
        assert occurrence_key("yoga", at("10:00"), hour) != occurrence_key(
            "yoga", at("10:00"), 2 * hour
        )
        assert occurrence_key("yoga", at("10:00"), hour) != occurrence_key(
            "yoga", at("11:00"), hour
        )
        assert occurrence_key("yoga", at("10:00"), hour) != occurrence_key(
            "pilates", at("10:00"), hour
        )


class TestIsOffered:
    RULES = make_rules(duration=60, step=30, buffer_after=15, min_notice=60)

    @pytest.mark.parametrize(
        ("start", "now", "expected"),
        [
            ("09:00", "07:00", True),
            ("09:30", "07:00", True),
            ("09:15", "07:00", False),  # off the grid
            ("15:30", "07:00", True),  # ends 16:30, buffer until 16:45
            ("16:00", "07:00", False),  # buffer would run past 17:00
            ("08:30", "07:00", False),  # before the window
            ("09:00", "08:30", False),  # inside the minimum notice
            ("09:30", "08:30", True),  # exactly the minimum notice
        ],
    )
    def test_is_offered(self, start: str, now: str, expected: bool) -> None:
        assert is_offered(at(start), NINE_TO_FIVE, self.RULES, at(now)) is expected

    def test_beyond_the_horizon(self) -> None:
        rules = make_rules(duration=60, step=60, max_advance=24 * 60)
        windows = [make_range("09:00", "17:00", day) for day in (7, 8)]
        now = at("10:00", 7)
        assert is_offered(at("10:00", 8), windows, rules, now)
        assert not is_offered(at("11:00", 8), windows, rules, now)

    def test_ignores_bookings(self) -> None:
        # Bookings are the caller's business: is_offered only answers for the schedule.
        assert is_offered(at("14:00"), NINE_TO_FIVE, make_rules(duration=60, step=60), NOW)
