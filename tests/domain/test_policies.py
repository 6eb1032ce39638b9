from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from slotkeeper.domain.policies import (
    CancellationPolicy,
    CancelledBy,
    can_customer_cancel,
    refund_due,
    reschedule_allowed,
)

START = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)
PAID = 5000


def make_policy(hours: int = 24, late: str = "50") -> CancellationPolicy:
    return CancellationPolicy(free_window_hours=hours, late_refund_percent=Decimal(late))


def before(**delta: float) -> datetime:
    return START - timedelta(**delta)


@pytest.mark.parametrize(
    ("cancelled_at", "refund"),
    [
        (before(days=30), 5000),
        (before(hours=25), 5000),
        (before(hours=24, seconds=1), 5000),  # more than 24 hours ahead
        (before(hours=24), 2500),  # exactly 24 hours ahead is inside the window
        (before(hours=1), 2500),
        (before(seconds=1), 2500),
        (START, 0),  # at the start
        (START + timedelta(minutes=5), 0),
    ],
)
def test_customer_refund_by_time(cancelled_at: datetime, refund: int) -> None:
    assert refund_due(PAID, make_policy(), cancelled_at, START, "customer") == refund
    assert refund_due(PAID, make_policy(), cancelled_at, START, CancelledBy.CUSTOMER) == refund


@pytest.mark.parametrize(
    "cancelled_at", [before(days=30), before(hours=1), START, START + timedelta(hours=2)]
)
def test_provider_cancellation_refunds_in_full(cancelled_at: datetime) -> None:
    assert refund_due(PAID, make_policy(late="0"), cancelled_at, START, "provider") == PAID


@pytest.mark.parametrize("by", ["customer", "provider"])
def test_no_show_refunds_nothing(by: str) -> None:
    assert refund_due(PAID, make_policy(), START + timedelta(hours=1), START, by, no_show=True) == 0
    assert refund_due(PAID, make_policy(), before(days=3), START, by, no_show=True) == 0


@pytest.mark.parametrize(
    ("paid", "late", "refund"),
    [
        (5000, "0", 0),
        (5000, "100", 5000),
        (1005, "50", 503),  # 5.025 -> 5.03 (half up)
        (999, "33.3", 333),  # JPY: 332.667 -> 333
        (12345, "50", 6173),  # KWD: 6.1725 -> 6.173
        (1, "49.99", 0),
        (1, "50", 1),
        (0, "50", 0),
    ],
)
def test_late_refund_rounds_once_half_up(paid: int, late: str, refund: int) -> None:
    assert refund_due(paid, make_policy(late=late), before(hours=2), START, "customer") == refund


def test_zero_hour_window_is_full_refund_until_the_start() -> None:
    policy = make_policy(hours=0, late="0")
    assert refund_due(PAID, policy, before(seconds=1), START, "customer") == PAID
    assert refund_due(PAID, policy, START, START, "customer") == 0


def test_window_is_measured_in_real_time_across_dst() -> None:
    london = ZoneInfo("Europe/London")
    start = datetime(2027, 3, 28, 10, 0, tzinfo=london)  # BST; clocks went forward at 01:00
    # The same wall-clock time the day before is only 23 real hours earlier: late.
    for hour, minute, refund in [(10, 0, 2500), (9, 1, 2500), (9, 0, 2500), (8, 59, PAID)]:
        cancelled_at = datetime(2027, 3, 27, hour, minute, tzinfo=london)
        assert refund_due(PAID, make_policy(), cancelled_at, start, "customer") == refund
    # Autumn: 25 real hours between the same wall-clock times.
    start = datetime(2027, 10, 31, 10, 0, tzinfo=london)
    cancelled_at = datetime(2027, 10, 30, 10, 30, tzinfo=london)  # 24h30m before
    assert refund_due(PAID, make_policy(), cancelled_at, start, "customer") == PAID
    assert reschedule_allowed(cancelled_at, start, timedelta(hours=24, minutes=29))
    assert not reschedule_allowed(cancelled_at, start, timedelta(hours=24, minutes=30))


def test_ambiguous_local_times_compare_as_instants() -> None:
    london = ZoneInfo("Europe/London")
    first = datetime(2027, 10, 31, 1, 30, tzinfo=london, fold=0)  # 00:30 UTC
    second = datetime(2027, 10, 31, 1, 30, tzinfo=london, fold=1)  # 01:30 UTC
    assert can_customer_cancel(first, second)
    assert not can_customer_cancel(second, first)


def test_refund_due_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        refund_due(PAID, make_policy(), datetime(2027, 3, 9), START, "customer")
    with pytest.raises(ValueError, match="timezone-aware"):
        refund_due(PAID, make_policy(), before(hours=1), START.replace(tzinfo=None), "customer")
    with pytest.raises(ValueError, match="negative"):
        refund_due(-1, make_policy(), before(hours=1), START, "customer")
    with pytest.raises(TypeError):
        refund_due(50.0, make_policy(), before(hours=1), START, "customer")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        refund_due(PAID, make_policy(), before(hours=1), START, "admin")


@pytest.mark.parametrize(
    ("hours", "late"), [(-1, "50"), (24, "-1"), (24, "100.01"), (24, "NaN"), (24, "Infinity")]
)
def test_policy_validation(hours: int, late: str) -> None:
    with pytest.raises(ValueError):
        make_policy(hours=hours, late=late)


def test_policy_refuses_floats() -> None:
    with pytest.raises(TypeError):
        CancellationPolicy(24, 50.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        CancellationPolicy(24.5, Decimal(50))  # type: ignore[arg-type]
    assert make_policy(hours=48).free_window == timedelta(hours=48)
    assert CancellationPolicy() == CancellationPolicy(24, Decimal(0))


def test_can_customer_cancel_only_before_the_start() -> None:
    assert can_customer_cancel(before(days=1), START)
    assert can_customer_cancel(before(microseconds=1), START)
    assert not can_customer_cancel(START, START)
    assert not can_customer_cancel(START + timedelta(hours=1), START)
    with pytest.raises(ValueError, match="timezone-aware"):
        can_customer_cancel(datetime(2027, 3, 9), START)


def test_reschedule_allowed_while_more_than_cutoff_ahead() -> None:
    cutoff = timedelta(hours=12)
    assert reschedule_allowed(before(hours=13), START, cutoff)
    assert reschedule_allowed(before(hours=12, seconds=1), START, cutoff)
    assert not reschedule_allowed(before(hours=12), START, cutoff)
    assert not reschedule_allowed(before(hours=1), START, cutoff)
    assert not reschedule_allowed(START + timedelta(hours=1), START, cutoff)
    assert reschedule_allowed(before(seconds=1), START, timedelta(0))
    assert not reschedule_allowed(START, START, timedelta(0))
    with pytest.raises(ValueError, match="negative"):
        reschedule_allowed(before(days=1), START, timedelta(hours=-1))
    with pytest.raises(ValueError, match="timezone-aware"):
        reschedule_allowed(before(days=1), START.replace(tzinfo=None), cutoff)
