"""Complete histories: every step of a booking's life is one event, in order, with the
status it left and entered, who acted, why, and when.

(a) a request answered with suggested times, one of them accepted (after another was
    taken meanwhile: a refused step leaves no event);
(b) a booking moved twice (by its guest, then by staff) and then cancelled.
"""

from __future__ import annotations

from datetime import timedelta

from tests.support import API, book, login, make_world, ok, problem, register

DAY = "2027-03-03"  # a Wednesday; the frozen clock is 2027-03-01 08:00 UTC
TEN, ELEVEN, NOON, TWO = (f"{DAY}T{h}:00:00Z" for h in ("10", "11", "12", "14"))


def _post(client, booking: dict, action: str, *, headers=None, **body):  # type: ignore[no-untyped-def]
    params = {} if headers else {"token": booking["manage_token"]}
    return client.post(
        f"{API}/bookings/{booking['id']}/{action}",
        params=params,
        json=body or None,
        headers=headers,
    )


def _events(client, booking: dict, headers: dict | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    params = {} if headers else {"token": booking["manage_token"]}
    return ok(client.get(f"{API}/bookings/{booking['id']}/history", params=params, headers=headers))


def _steps(events: list[dict]) -> list[tuple]:
    return [(e["from_status"], e["to_status"], e["actor"], e["reason"]) for e in events]


def _times(events: list[dict]) -> list[str]:
    return [e["at"] for e in events]


def test_request_suggest_accept_leaves_a_complete_history(client, clock) -> None:
    world = make_world(client, timezone="UTC", requires_approval=True, slot_step_minutes=60)
    owner = world["owner"]
    # The provider acts through its own linked account, not as an organization admin.
    person = register(client)
    ok(
        client.put(
            f"{API}/providers/{world['provider']['id']}/account",
            json={"user_id": person["id"]},
            headers=owner["headers"],
        )
    )

    request = book(client, world, TEN)  # 08:00
    assert request["status"] == "requested"

    clock.advance(timedelta(minutes=5))  # 08:05
    suggested = ok(
        _post(
            client,
            request,
            "suggest-times",
            headers=person["headers"],
            starts=[TWO, ELEVEN],
            reason="10:00 is taken by a meeting",
        )
    )
    assert suggested["status"] == "time_suggested"

    clock.advance(timedelta(minutes=5))  # 08:10: someone else takes 11:00 meanwhile
    other = book(client, world, ELEVEN, customer={"name": "B", "email": "b@example.com"})
    assert other["status"] == "requested"
    problem(_post(client, request, "accept-suggestion", start=ELEVEN), 409)  # no event
    problem(_post(client, request, "accept-suggestion", start=NOON), 422)  # not suggested

    clock.advance(timedelta(minutes=5))  # 08:15
    picked = ok(_post(client, request, "accept-suggestion", start=TWO))
    assert (picked["status"], picked["start"]) == ("confirmed", "2027-03-03T14:00:00Z")

    expected = [
        (None, "requested", "guest", None),
        ("requested", "time_suggested", "provider", "10:00 is taken by a meeting"),
        ("time_suggested", "confirmed", "guest", "picked 2027-03-03T14:00:00+00:00"),
    ]
    times = ["2027-03-01T08:00:00Z", "2027-03-01T08:05:00Z", "2027-03-01T08:15:00Z"]
    as_guest = _events(client, request)
    assert _steps(as_guest) == expected
    assert _times(as_guest) == times
    # Staff see the same history: the provider's own account and the organization's owner.
    assert _events(client, request, person["headers"]) == as_guest
    assert _events(client, request, owner["headers"]) == as_guest
    # The other customer's request has its own, separate history.
    assert _steps(_events(client, other)) == [(None, "requested", "guest", None)]


def test_book_reschedule_twice_then_cancel_leaves_a_complete_history(client, clock) -> None:
    world = make_world(client, timezone="UTC", price="80.00", free_cancellation_hours=24)
    owner = world["owner"]
    booking = book(client, world, TEN)  # 08:00
    assert booking["status"] == "confirmed"

    clock.advance(timedelta(minutes=10))  # 08:10: the guest moves it to 11:00
    moved = ok(_post(client, booking, "reschedule", start=ELEVEN))
    assert moved["start"] == "2027-03-03T11:00:00Z"

    problem(_post(client, booking, "reschedule", start=f"{DAY}T20:00:00Z"), 422)  # no event

    clock.advance(timedelta(minutes=10))  # 08:20: staff move it to 14:00
    headers = login(client, owner)
    moved = ok(_post(client, booking, "reschedule", headers=headers, start=TWO))
    assert moved["start"] == "2027-03-03T14:00:00Z"

    clock.advance(timedelta(minutes=10))  # 08:30: the guest cancels, well before the window
    cancelled = ok(_post(client, booking, "cancel", reason="plans changed"))
    assert (
        cancelled["status"],
        cancelled["cancelled_by"],
        cancelled["refund_due"],
        cancelled["cancel_reason"],
    ) == ("cancelled", "customer", "80.00", "plans changed")

    expected = [
        (None, "confirmed", "guest", None),
        (
            "confirmed",
            "confirmed",
            "guest",
            "rescheduled from 2027-03-03T10:00:00+00:00 to 2027-03-03T11:00:00+00:00",
        ),
        (
            "confirmed",
            "confirmed",
            "admin",
            "rescheduled from 2027-03-03T11:00:00+00:00 to 2027-03-03T14:00:00+00:00",
        ),
        ("confirmed", "cancelled", "guest", "plans changed"),
    ]
    times = [
        "2027-03-01T08:00:00Z",
        "2027-03-01T08:10:00Z",
        "2027-03-01T08:20:00Z",
        "2027-03-01T08:30:00Z",
    ]
    as_guest = _events(client, booking)
    assert _steps(as_guest) == expected
    assert _times(as_guest) == times
    assert _events(client, booking, headers) == as_guest
    # Every time it held is free again: 10:00, 11:00 and 14:00 can be booked by others.
    for start in (TEN, ELEVEN, TWO):
        book(client, world, start, customer={"name": "C", "email": "c@example.com"})
