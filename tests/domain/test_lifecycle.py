from itertools import product

import pytest

from slotkeeper.domain.lifecycle import (
    BLOCKING,
    FINAL,
    TRANSITIONS,
    BookingStatus,
    IllegalTransition,
    can_transition,
    transition,
)

S = BookingStatus

# Written out from SPEC.md "Booking lifecycle", independently of TRANSITIONS.
ALLOWED: frozenset[tuple[BookingStatus, BookingStatus]] = frozenset(
    {
        (S.HELD, S.CONFIRMED),
        (S.HELD, S.EXPIRED),
        (S.HELD, S.PAYMENT_FAILED),
        (S.HELD, S.CANCELLED),
        (S.REQUESTED, S.CONFIRMED),
        (S.REQUESTED, S.DECLINED),
        (S.REQUESTED, S.TIME_SUGGESTED),
        (S.REQUESTED, S.CANCELLED),
        (S.REQUESTED, S.EXPIRED),
        (S.TIME_SUGGESTED, S.CONFIRMED),
        (S.TIME_SUGGESTED, S.DECLINED),
        (S.TIME_SUGGESTED, S.CANCELLED),
        (S.CONFIRMED, S.COMPLETED),
        (S.CONFIRMED, S.NO_SHOW),
        (S.CONFIRMED, S.CANCELLED),
    }
)
REFUSED = sorted(set(product(S, S)) - ALLOWED)


def make_pair_id(pair: tuple[BookingStatus, BookingStatus]) -> str:
    return f"{pair[0].value}->{pair[1].value}"


def test_statuses_are_the_spec_values() -> None:
    assert {s.value for s in S} == {
        "held",
        "requested",
        "time_suggested",
        "confirmed",
        "completed",
        "no_show",
        "cancelled",
        "declined",
        "expired",
        "payment_failed",
    }


def test_every_status_has_a_transition_entry() -> None:
    assert set(TRANSITIONS) == set(S)


def test_pair_counts() -> None:
    assert len(ALLOWED) == 15
    assert len(REFUSED) == 100 - 15


@pytest.mark.parametrize("pair", sorted(ALLOWED), ids=make_pair_id)
def test_allowed_transition(pair: tuple[BookingStatus, BookingStatus]) -> None:
    current, target = pair
    assert can_transition(current, target)
    assert transition(current, target) is target


@pytest.mark.parametrize("pair", REFUSED, ids=make_pair_id)
def test_refused_transition(pair: tuple[BookingStatus, BookingStatus]) -> None:
    current, target = pair
    assert not can_transition(current, target)
    with pytest.raises(IllegalTransition) as caught:
        transition(current, target)
    assert caught.value.current is current
    assert caught.value.target is target
    message = str(caught.value)
    assert f"is {current.value} " in message
    assert f"become {target.value} " in message


def test_message_lists_what_is_allowed_next() -> None:
    with pytest.raises(IllegalTransition) as caught:
        transition(S.HELD, S.COMPLETED)
    assert str(caught.value) == (
        "A booking that is held cannot become completed "
        "(allowed next: cancelled, confirmed, expired, payment_failed)."
    )


def test_message_says_when_a_status_is_final() -> None:
    with pytest.raises(IllegalTransition) as caught:
        transition(S.CANCELLED, S.CONFIRMED)
    assert str(caught.value) == (
        "A booking that is cancelled cannot become confirmed (allowed next: none: it is final)."
    )


def test_staying_in_the_same_status_is_not_a_transition() -> None:
    for status in S:
        with pytest.raises(IllegalTransition):
            transition(status, status)


def test_blocking_statuses() -> None:
    assert frozenset({S.HELD, S.REQUESTED, S.CONFIRMED}) == BLOCKING
    # A suggestion waits for the customer without holding the provider's time.
    assert S.TIME_SUGGESTED not in BLOCKING


def test_final_statuses() -> None:
    assert (
        frozenset({S.COMPLETED, S.NO_SHOW, S.CANCELLED, S.DECLINED, S.EXPIRED, S.PAYMENT_FAILED})
        == FINAL
    )
    assert not BLOCKING & FINAL
    for status in FINAL:
        assert not any(can_transition(status, target) for target in S)


def test_every_non_final_status_can_reach_a_final_one() -> None:
    for status in set(S) - FINAL:
        seen, frontier = {status}, [status]
        while frontier:
            for target in TRANSITIONS[frontier.pop()]:
                if target not in seen:
                    seen.add(target)
                    frontier.append(target)
        assert seen & FINAL, status
