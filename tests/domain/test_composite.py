from datetime import UTC, datetime, timedelta

import pytest

from slotkeeper.domain.composite import (
    MAX_ITEMS,
    CombinedPlan,
    CompositeError,
    Item,
    ItemTime,
    combine,
    combined_slot_rules,
)
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import Busy, generate_slots, is_offered

NOW = datetime(2027, 6, 1, 8, 0, tzinfo=UTC)


def at(hhmm: str, day: int = 7) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime(2027, 6, day, int(hours), int(minutes), tzinfo=UTC)


def make_item(
    key: str, duration: int, before: int = 0, after: int = 0, price_minor: int = 0
) -> Item:
    return Item(
        key, timedelta(minutes=duration), timedelta(minutes=before), timedelta(minutes=after),
        price_minor,
    )  # fmt: skip


def haircut_and_colour() -> CombinedPlan:
    return combine(
        [
            make_item("haircut", 45, before=5, after=10, price_minor=3500),
            make_item("colour", 90, before=15, after=20, price_minor=8000),
        ]
    )


def starts(plan: CombinedPlan, windows: list[TimeRange], busy: list[Busy] = []) -> list[str]:  # noqa: B006
    rules = combined_slot_rules(plan, step=timedelta(minutes=15))
    within = TimeRange(at("00:00"), at("00:00", day=8))
    return [s.start.strftime("%H:%M") for s in generate_slots(windows, busy, rules, NOW, within)]


class TestCombine:
    def test_haircut_and_colour_is_135_minutes(self) -> None:
        plan = haircut_and_colour()
        assert plan.duration == timedelta(minutes=135)
        assert plan.price_minor == 11500
        assert plan.service_key == "haircut+colour"

    def test_outer_buffers_come_from_the_first_and_last_items(self) -> None:
        plan = haircut_and_colour()
        assert plan.buffer_before == timedelta(minutes=5)  # haircut's leading buffer
        assert plan.buffer_after == timedelta(minutes=20)  # colour's trailing buffer
        assert plan.block(at("10:00")) == TimeRange(at("09:55"), at("12:35"))

    def test_item_times_back_to_back_ignoring_inner_buffers(self) -> None:
        assert haircut_and_colour().item_times(at("10:00")) == [
            ItemTime("haircut", at("10:00"), at("10:45")),
            ItemTime("colour", at("10:45"), at("12:15")),
        ]
        assert haircut_and_colour().end(at("10:00")) == at("12:15")

    def test_the_given_order_is_kept(self) -> None:
        plan = combine([make_item("colour", 90, before=15), make_item("haircut", 45, after=10)])
        assert [t.service_key for t in plan.item_times(at("10:00"))] == ["colour", "haircut"]
        assert plan.item_times(at("10:00"))[1] == ItemTime("haircut", at("11:30"), at("12:15"))
        assert (plan.buffer_before, plan.buffer_after) == (
            timedelta(minutes=15),
            timedelta(minutes=10),
        )

    def test_three_items(self) -> None:
        plan = combine(
            [
                make_item("wash", 15, price_minor=500),
                make_item("cut", 30, price_minor=2500),
                make_item("dry", 20, price_minor=1000),
            ]
        )
        assert plan.duration == timedelta(minutes=65)
        assert plan.price_minor == 4000
        assert [(t.start, t.end) for t in plan.item_times(at("09:00"))] == [
            (at("09:00"), at("09:15")),
            (at("09:15"), at("09:45")),
            (at("09:45"), at("10:05")),
        ]

    def test_one_item_is_that_service(self) -> None:
        plan = combine([make_item("haircut", 45, before=5, after=10, price_minor=3500)])
        assert (plan.duration, plan.price_minor) == (timedelta(minutes=45), 3500)
        assert plan.block(at("10:00")) == TimeRange(at("09:55"), at("10:55"))


class TestValidation:
    def test_no_items(self) -> None:
        with pytest.raises(CompositeError, match="at least one"):
            combine([])

    def test_too_many_items(self) -> None:
        with pytest.raises(CompositeError, match="at most"):
            combine([make_item(f"s{n}", 10) for n in range(MAX_ITEMS + 1)])

    @pytest.mark.parametrize(
        ("duration", "before", "after", "price", "message"),
        [
            (0, 0, 0, 0, "duration"),
            (-5, 0, 0, 0, "duration"),
            (30, -1, 0, 0, "buffers"),
            (30, 0, -1, 0, "buffers"),
            (30, 0, 0, -1, "price"),
        ],
    )
    def test_bad_item(
        self, duration: int, before: int, after: int, price: int, message: str
    ) -> None:
        with pytest.raises(CompositeError, match=message):
            make_item("x", duration, before, after, price)


class TestSlotsForTheWholeVisit:
    def test_rules_describe_the_visit(self) -> None:
        plan = haircut_and_colour()
        rules = combined_slot_rules(
            plan,
            step=timedelta(minutes=30),
            min_notice=timedelta(hours=2),
            max_advance=timedelta(days=30),
        )
        assert rules.duration == timedelta(minutes=135)
        assert (rules.buffer_before, rules.buffer_after) == (
            timedelta(minutes=5),
            timedelta(minutes=20),
        )
        assert (rules.step, rules.min_notice, rules.max_advance) == (
            timedelta(minutes=30),
            timedelta(hours=2),
            timedelta(days=30),
        )
        assert rules.capacity == 1
        assert rules.occurrence_key(at("10:00")) is None
        assert rules.block(at("10:00")) == plan.block(at("10:00"))

    def test_a_window_fits_only_starts_for_the_combined_duration(self) -> None:
        # 09:00-13:00: the 5-minute lead needs a start from 09:15 on the grid; the visit
        # (135 min) plus 20 minutes after must end by 13:00, so the last start is 10:25 ->
        # on the 15-minute grid, 10:15.
        windows = [TimeRange(at("09:00"), at("13:00"))]
        assert starts(haircut_and_colour(), windows) == [
            "09:15",
            "09:30",
            "09:45",
            "10:00",
            "10:15",
        ]
        # Either service alone would offer far more starts.
        assert len(starts(combine([make_item("haircut", 45, 5, 10)]), windows)) == 12

    def test_a_window_too_short_for_the_visit_offers_nothing(self) -> None:
        assert starts(haircut_and_colour(), [TimeRange(at("09:00"), at("11:30"))]) == []

    def test_busy_time_blocks_any_start_whose_visit_overlaps_it(self) -> None:
        windows = [TimeRange(at("09:00"), at("17:00"))]
        busy = [Busy(TimeRange(at("12:00"), at("12:30")))]
        offered = starts(haircut_and_colour(), windows, busy)
        # A start s overlaps when s - 5min < 12:30 and s + 155min > 12:00: 09:30 .. 12:30.
        assert offered[:2] == ["09:15", "12:45"]
        assert offered[-1] == "14:15"  # 14:15 + 135 + 20 = 16:50 <= 17:00

    def test_is_offered_for_the_visit(self) -> None:
        plan = haircut_and_colour()
        rules = combined_slot_rules(plan)
        windows = [TimeRange(at("09:00"), at("13:00"))]
        assert is_offered(at("10:15"), windows, rules, NOW)
        assert not is_offered(at("10:30"), windows, rules, NOW)
