"""Requests: services that need approval; accept, decline, suggest other times, the
customer picks one; unanswered requests expire; completed and no-show."""

from __future__ import annotations

from datetime import timedelta

from tests.support import API, book, login, make_world, ok, problem, register, slots

DAY = "2027-03-03"  # a Wednesday; the frozen clock is 2027-03-01 08:00 UTC
TEN, ELEVEN, NOON, TWO = (f"{DAY}T{h}:00:00Z" for h in ("10", "11", "12", "14"))


def _world(client):  # type: ignore[no-untyped-def]
    return make_world(client, timezone="UTC", requires_approval=True, slot_step_minutes=60)


def _post(client, booking: dict, action: str, *, headers=None, token=True, **body):  # type: ignore[no-untyped-def]
    params = {"token": booking["manage_token"]} if token and booking.get("manage_token") else {}
    return client.post(f"{API}/bookings/{booking['id']}/{action}", params=params,
                       json=body or None, headers=headers)


def _history(client, booking: dict, owner: dict) -> list[tuple]:
    events = ok(client.get(f"{API}/bookings/{booking['id']}/history", headers=owner["headers"]))
    return [(e["from_status"], e["to_status"], e["actor"], e["reason"]) for e in events]


def test_a_request_blocks_its_time_until_answered(client) -> None:
    world = _world(client)
    request = book(client, world, TEN)
    assert request["status"] == "requested"
    assert request["respond_by"] == "2027-03-03T08:00:00Z"  # 48 h after it was made
    assert TEN.replace("Z", "+00:00") not in [s["start"] for s in slots(client, world, DAY)]
    problem(client.post(f"{API}/bookings", json={
        "service_id": world["service"]["id"], "provider_id": world["provider"]["id"],
        "start": TEN, "customer": {"name": "B", "email": "b@example.com"}}), 409)


def test_provider_accepts_and_customer_cannot(client) -> None:
    world = _world(client)
    request = book(client, world, TEN)
    body = problem(_post(client, request, "confirm"), 403)
    assert "provider" in body["detail"]
    accepted = ok(_post(client, request, "confirm", headers=world["owner"]["headers"],
                        token=False))
    assert (accepted["status"], accepted["respond_by"]) == ("confirmed", None)


def test_provider_declines_and_the_time_is_free_again(client) -> None:
    world = _world(client)
    request = book(client, world, TEN)
    problem(_post(client, request, "decline", reason="no"), 403)  # the customer cannot
    declined = ok(_post(client, request, "decline", headers=world["owner"]["headers"],
                        token=False, reason="Fully booked that week"))
    assert declined["status"] == "declined"
    assert TEN.replace("Z", "+00:00") in [s["start"] for s in slots(client, world, DAY)]
    assert _history(client, request, world["owner"])[-1] == (
        "requested", "declined", "admin", "Fully booked that week")
    problem(_post(client, request, "confirm", headers=world["owner"]["headers"], token=False),
            409)


def test_suggested_times_free_the_request_and_the_customer_picks_one(client) -> None:
    world = _world(client)
    owner = world["owner"]
    request = book(client, world, TEN)
    suggested = ok(_post(client, request, "suggest-times", headers=owner["headers"], token=False,
                         starts=[TWO, ELEVEN], reason="10:00 is taken by a meeting"))
    assert suggested["status"] == "time_suggested"
    assert suggested["suggested_starts"] == ["2027-03-03T11:00:00Z", "2027-03-03T14:00:00Z"]
    # The requested time is free again; suggestions are offers, they do not block.
    free = [s["start"] for s in slots(client, world, DAY)]
    assert {TEN, ELEVEN, TWO} <= {f.replace("+00:00", "Z") for f in free}

    problem(_post(client, request, "accept-suggestion", start=NOON), 422)  # not suggested
    picked = ok(_post(client, request, "accept-suggestion", start=ELEVEN))
    assert (picked["status"], picked["start"], picked["end"]) == (
        "confirmed", "2027-03-03T11:00:00Z", "2027-03-03T12:00:00Z")
    assert picked["suggested_starts"] == []
    assert ELEVEN.replace("Z", "+00:00") not in [s["start"] for s in slots(client, world, DAY)]
    assert [(h[0], h[1], h[2]) for h in _history(client, request, owner)] == [
        (None, "requested", "guest"),
        ("requested", "time_suggested", "admin"),
        ("time_suggested", "confirmed", "guest"),
    ]


def test_a_suggested_time_taken_meanwhile_gives_409_and_the_others_stay(client) -> None:
    world = _world(client)
    owner = world["owner"]
    request = book(client, world, TEN)
    ok(_post(client, request, "suggest-times", headers=owner["headers"], token=False,
             starts=[ELEVEN, TWO]))
    other = book(client, world, ELEVEN)  # someone else requests 11:00 meanwhile
    assert other["status"] == "requested"

    body = problem(_post(client, request, "accept-suggestion", start=ELEVEN), 409)
    assert "available" in body["detail"]
    still = ok(client.get(f"{API}/bookings/{request['id']}",
                          params={"token": request["manage_token"]}))
    assert still["status"] == "time_suggested"
    assert len(still["suggested_starts"]) == 2
    assert ok(_post(client, request, "accept-suggestion", start=TWO))["status"] == "confirmed"
    # No overlap: the 11:00 request and the 14:00 booking both stand.
    owner_view = ok(client.get(f"{API}/bookings", headers=owner["headers"]))
    assert sorted((b["start"], b["status"]) for b in owner_view) == [
        ("2027-03-03T11:00:00Z", "requested"), ("2027-03-03T14:00:00Z", "confirmed")]


def test_suggestions_must_be_free_and_at_most_five(client) -> None:
    world = _world(client)
    owner = world["owner"]
    taken = book(client, world, NOON)
    assert taken["status"] == "requested"
    request = book(client, world, TEN)
    problem(_post(client, request, "suggest-times", headers=owner["headers"], token=False,
                  starts=[NOON]), 409)
    problem(_post(client, request, "suggest-times", headers=owner["headers"], token=False,
                  starts=[f"{DAY}T20:00:00Z"]), 422)  # outside the hours
    problem(_post(client, request, "suggest-times", headers=owner["headers"], token=False,
                  starts=[]), 422)
    six = [f"{DAY}T{h:02d}:00:00Z" for h in range(9, 15)]
    problem(_post(client, request, "suggest-times", headers=owner["headers"], token=False,
                  starts=six), 422)
    stranger = register(client)
    problem(_post(client, request, "suggest-times", headers=stranger["headers"], token=False,
                  starts=[TWO]), 403)
    # Nothing changed on refusal.
    assert ok(client.get(f"{API}/bookings/{request['id']}",
                         params={"token": request["manage_token"]}))["status"] == "requested"


def test_the_customer_may_decline_the_suggestions(client) -> None:
    world = _world(client)
    request = book(client, world, TEN)
    ok(_post(client, request, "suggest-times", headers=world["owner"]["headers"], token=False,
             starts=[TWO]))
    assert ok(_post(client, request, "decline", reason="none suit me"))["status"] == "declined"


def test_an_unanswered_request_expires_at_its_deadline(client, clock) -> None:
    world = _world(client)
    request = book(client, world, TEN)
    clock.advance(timedelta(hours=48))  # 2027-03-03 08:00: the deadline
    world["owner"]["headers"] = login(client, world["owner"])  # the old token ran out
    assert TEN.replace("Z", "+00:00") in [s["start"] for s in slots(client, world, DAY)]
    body = problem(_post(client, request, "confirm", headers=world["owner"]["headers"],
                         token=False), 409)
    assert "not answered" in body["detail"]
    assert ok(client.get(f"{API}/bookings/{request['id']}", params={
        "token": request["manage_token"]}))["status"] == "expired"
    assert _history(client, request, world["owner"])[-1] == (
        "requested", "expired", "system", "request was not answered in time")


def test_a_request_close_to_its_start_expires_at_the_start(client, clock) -> None:
    world = _world(client)
    clock.advance(timedelta(days=1, hours=20))  # 2027-03-03 04:00, six hours before
    request = book(client, world, TEN)
    assert request["respond_by"] == "2027-03-03T10:00:00Z"


def test_completed_and_no_show_only_by_staff_after_the_start(client, clock) -> None:
    world = make_world(client, timezone="UTC")
    owner = world["owner"]
    first, second = book(client, world, TEN), book(client, world, TWO)
    problem(_post(client, first, "complete", headers=owner["headers"], token=False), 409)
    clock.set(clock.now().replace(day=3, hour=15))
    owner["headers"] = login(client, owner)
    problem(_post(client, first, "complete", headers=register(client)["headers"],
                  token=False), 403)
    assert ok(_post(client, first, "complete", headers=owner["headers"],
                    token=False))["status"] == "completed"
    assert ok(_post(client, second, "no-show", headers=owner["headers"],
                    token=False))["status"] == "no_show"
    problem(_post(client, second, "complete", headers=owner["headers"], token=False), 409)
