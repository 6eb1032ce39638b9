"""The waitlist: join for a provider + service + date range; when a matching time frees up
(cancel, decline, expiry, reschedule) waiters are told in join order by an in-app
notification, and with the organization's automatic hold on, the first gets a held booking."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from slotkeeper.accounts.models import User
from slotkeeper.catalog.repository import service_with_provider
from slotkeeper.jobs.sweeper import sweep_once
from slotkeeper.waitlist import repository
from slotkeeper.waitlist.service import FreedTime, _offer_hold
from tests.support import (
    API,
    book,
    login,
    make_org,
    make_provider,
    make_service,
    make_world,
    ok,
    problem,
    register,
    set_hours,
    slots,
)

DAY = "2027-03-03"  # a Wednesday; the frozen clock is 2027-03-01 08:00 UTC
TEN, TWO = f"{DAY}T10:00:00Z", f"{DAY}T14:00:00Z"


def _world(client, **fields):  # type: ignore[no-untyped-def]
    return make_world(client, timezone="UTC", slot_step_minutes=60, **fields)


def _join(client, world, user, date_from=DAY, date_to=DAY, **fields):  # type: ignore[no-untyped-def]
    body = {
        "provider_id": world["provider"]["id"],
        "service_id": world["service"]["id"],
        "date_from": date_from,
        "date_to": date_to,
        **fields,
    }
    return client.post(f"{API}/waitlist", json=body, headers=user["headers"])


def _notes(client, user) -> list[dict]:  # type: ignore[no-untyped-def]
    return ok(client.get(f"{API}/me/notifications", headers=user["headers"]))


def _entries(client, user) -> list[dict]:  # type: ignore[no-untyped-def]
    return ok(client.get(f"{API}/me/waitlist", headers=user["headers"]))


def _act(client, booking, action, headers=None, **body):  # type: ignore[no-untyped-def]
    # The guest's manage token, unless someone signed in acts.
    token = booking.get("manage_token") if headers is None else None
    params = {"token": token} if token else {}
    return client.post(
        f"{API}/bookings/{booking['id']}/{action}",
        params=params,
        json=body or None,
        headers=headers,
    )


def _set_hold(client, world, minutes: int):  # type: ignore[no-untyped-def]
    return client.patch(
        f"{API}/organizations/{world['org']['id']}/waitlist",
        json={"hold_minutes": minutes},
        headers=world["owner"]["headers"],
    )


def _sweep(client) -> int:  # type: ignore[no-untyped-def]
    """Run the hold sweeper once, in the app's event loop, on the app's database."""
    state = client.app.state
    return int(client.portal.call(sweep_once, state.db, state.clock))


def login_as(client, user):  # type: ignore[no-untyped-def]
    """Fresh headers for ``user`` (tokens run out when a test moves the clock)."""
    user["headers"] = login(client, user)
    return user


def _told(client, user) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(n["kind"], n["payload"]["start"]) for n in _notes(client, user)]


def test_join_list_and_leave(client) -> None:
    world = _world(client)
    waiter = register(client)
    entry = ok(_join(client, world, waiter, DAY, "2027-03-05"), 201)
    assert {k: entry[k] for k in ("provider_id", "service_id", "date_from", "date_to")} == {
        "provider_id": world["provider"]["id"],
        "service_id": world["service"]["id"],
        "date_from": DAY,
        "date_to": "2027-03-05",
    }
    assert (entry["status"], entry["booking_id"], entry["waiter"]) == ("waiting", None, None)
    assert entry["organization_id"] == world["org"]["id"]
    assert [e["id"] for e in _entries(client, waiter)] == [entry["id"]]

    left = ok(client.delete(f"{API}/waitlist/{entry['id']}", headers=waiter["headers"]))
    assert left["status"] == "left"
    assert [e["status"] for e in _entries(client, waiter)] == ["left"]
    problem(client.delete(f"{API}/waitlist/{entry['id']}", headers=waiter["headers"]), 409)
    # Having left, the same range may be joined again.
    assert ok(_join(client, world, waiter, DAY, "2027-03-05"), 201)["status"] == "waiting"


def test_a_cancel_tells_the_matching_waiters_in_join_order(client) -> None:
    owner = register(client)
    org = make_org(client, owner, timezone="UTC")
    provider, other_provider = (make_provider(client, owner, org) for _ in range(2))
    for p in (provider, other_provider):
        set_hours(client, owner, p)
    service = make_service(client, owner, org, [provider, other_provider], slot_step_minutes=60)
    other_service = make_service(client, owner, org, [provider], slot_step_minutes=60)
    world = {"owner": owner, "org": org, "provider": provider, "service": service}

    first, second, other_day, other_prov, other_svc, gone = (register(client) for _ in range(6))
    a = ok(_join(client, world, first), 201)
    b = ok(_join(client, world, second, "2027-03-02", "2027-03-04"), 201)
    ok(_join(client, world, other_day, "2027-03-04", "2027-03-06"), 201)
    ok(_join(client, {**world, "provider": other_provider}, other_prov), 201)
    ok(_join(client, {**world, "service": other_service}, other_svc), 201)
    left = ok(_join(client, world, gone), 201)
    ok(client.delete(f"{API}/waitlist/{left['id']}", headers=gone["headers"]))

    booking = book(client, world, TEN)
    assert _notes(client, first) == []  # booking takes nothing from anyone
    ok(_act(client, booking, "cancel"))

    told = [_notes(client, first), _notes(client, second)]
    assert [len(n) for n in told] == [1, 1]
    (note_a,), (note_b,) = told
    assert note_a["sequence"] < note_b["sequence"]  # a joined first
    assert note_a["kind"] == note_b["kind"] == "waitlist.time_freed"
    assert note_a["payload"] == {
        "organization_id": org["id"],
        "provider_id": provider["id"],
        "service_id": service["id"],
        "start": TEN,
        "end": f"{DAY}T11:00:00Z",
        "entry_id": a["id"],
    }
    assert note_b["payload"]["entry_id"] == b["id"]
    assert note_a["read_at"] is None
    for user in (other_day, other_prov, other_svc, gone):
        assert _notes(client, user) == []
    # Being told books nothing: the time is free for whoever comes first.
    assert TEN.replace("Z", "+00:00") in [s["start"] for s in slots(client, world, DAY)]
    assert [e["status"] for e in _entries(client, first)] == ["waiting"]


def test_a_declined_request_tells_the_waiters(client) -> None:
    world = _world(client, requires_approval=True)
    ok(_set_hold(client, world, 10))  # no automatic hold for services needing approval
    waiter = register(client)
    ok(_join(client, world, waiter), 201)
    request = book(client, world, TEN)
    assert request["status"] == "requested"
    ok(_act(client, request, "decline", headers=world["owner"]["headers"]))
    assert _told(client, waiter) == [("waitlist.time_freed", TEN)]
    assert [e["status"] for e in _entries(client, waiter)] == ["waiting"]


def test_a_hold_that_runs_out_tells_the_waiters_when_swept(client, clock) -> None:
    world = _world(client)
    waiter = register(client)
    ok(_join(client, world, waiter), 201)
    hold = book(client, world, TEN, hold=True)
    clock.advance(timedelta(minutes=9))
    _sweep(client)  # (the database is shared: other tests' holds may be swept too)
    assert _notes(client, waiter) == []

    clock.advance(timedelta(minutes=2))
    assert _sweep(client) >= 1
    assert _told(client, login_as(client, waiter)) == [("waitlist.time_freed", TEN)]
    status = ok(client.get(f"{API}/bookings/{hold['id']}", params={"token": hold["manage_token"]}))
    assert status["status"] == "expired"


def test_acting_on_a_run_out_hold_tells_the_waiters(client, clock) -> None:
    world = _world(client)
    waiter = register(client)
    ok(_join(client, world, waiter), 201)
    hold = book(client, world, TEN, hold=True)
    clock.advance(timedelta(minutes=11))
    problem(_act(client, hold, "confirm"), 409)  # marks it expired, in a committed transaction
    assert _told(client, login_as(client, waiter)) == [("waitlist.time_freed", TEN)]
    _sweep(client)  # already expired: nobody is told twice
    assert len(_notes(client, waiter)) == 1


def test_a_reschedule_frees_the_old_time(client) -> None:
    world = _world(client)
    waiter = register(client)
    ok(_join(client, world, waiter), 201)
    booking = book(client, world, TEN)
    ok(_act(client, booking, "reschedule", start=TWO))
    assert _told(client, waiter) == [("waitlist.time_freed", TEN)]


def test_nobody_is_told_of_a_time_that_cannot_be_booked(client) -> None:
    world = make_world(client, timezone="UTC", slot_step_minutes=30)
    waiter = register(client)
    ok(_join(client, world, waiter), 201)
    booking = book(client, world, TEN)
    # Moved by half an hour, the booking still covers 10:00-10:30: 10:00 is not free.
    ok(_act(client, booking, "reschedule", start=f"{DAY}T10:30:00Z"))
    assert _notes(client, waiter) == []


def test_the_automatic_hold_goes_to_the_first_waiter_then_the_next(client, clock) -> None:
    world = _world(client)
    settings = ok(_set_hold(client, world, 15))
    assert settings == {"organization_id": world["org"]["id"], "hold_minutes": 15}
    first, second = register(client), register(client)
    a = ok(_join(client, world, first), 201)
    b = ok(_join(client, world, second), 201)

    ok(_act(client, book(client, world, TEN), "cancel"))
    (offer,) = _notes(client, first)
    assert offer["kind"] == "waitlist.hold_offered"
    assert offer["payload"]["start"] == TEN
    assert offer["payload"]["entry_id"] == a["id"]
    assert offer["payload"]["hold_expires_at"] == "2027-03-01T08:15:00Z"
    held = ok(
        client.get(f"{API}/bookings/{offer['payload']['booking_id']}", headers=first["headers"])
    )
    assert (held["status"], held["start"], held["hold_expires_at"]) == (
        "held",
        TEN,
        "2027-03-01T08:15:00Z",
    )
    (entry,) = _entries(client, first)
    assert (entry["status"], entry["booking_id"]) == ("offered", held["id"])
    (made,) = ok(client.get(f"{API}/bookings/{held['id']}/history", headers=first["headers"]))
    assert (made["to_status"], made["actor"], made["reason"]) == (
        "held", "system", "held for the first in line on the waitlist")
    assert _notes(client, second) == []  # only the first is told while the hold stands
    assert TEN.replace("Z", "+00:00") not in [s["start"] for s in slots(client, world, DAY)]

    clock.advance(timedelta(minutes=16))
    assert _sweep(client) >= 1
    login_as(client, first), login_as(client, second)
    (offer_b,) = _notes(client, second)
    assert (offer_b["kind"], offer_b["payload"]["entry_id"]) == ("waitlist.hold_offered", b["id"])
    assert [e["status"] for e in _entries(client, first)] == ["missed"]
    assert len(_notes(client, first)) == 1

    confirmed = ok(
        _act(client, {"id": offer_b["payload"]["booking_id"]}, "confirm", headers=second["headers"])
    )
    assert confirmed["status"] == "confirmed"
    (entry_b,) = _entries(client, second)
    assert (entry_b["status"], entry_b["booking_id"]) == ("fulfilled", confirmed["id"])
    problem(client.delete(f"{API}/waitlist/{b['id']}", headers=second["headers"]), 409)
    # Missed, the first waiter may join again.
    assert ok(_join(client, world, first), 201)["status"] == "waiting"


def test_a_fulfilled_entry_stays_fulfilled_when_its_booking_is_cancelled(client) -> None:
    world = _world(client)
    ok(_set_hold(client, world, 15))
    waiter, next_waiter = register(client), register(client)
    ok(_join(client, world, waiter), 201)
    ok(_act(client, book(client, world, TEN), "cancel"))
    (offer,) = _notes(client, waiter)
    hold = {"id": offer["payload"]["booking_id"]}
    ok(_act(client, hold, "confirm", headers=waiter["headers"]))
    ok(_join(client, world, next_waiter), 201)
    ok(_act(client, hold, "cancel", headers=waiter["headers"]))
    assert [e["status"] for e in _entries(client, waiter)] == ["fulfilled"]
    assert [n["kind"] for n in _notes(client, next_waiter)] == ["waitlist.hold_offered"]


def test_a_cancelled_offer_passes_to_the_next_waiter(client) -> None:
    world = _world(client)
    ok(_set_hold(client, world, 15))
    first, second = register(client), register(client)
    ok(_join(client, world, first), 201)
    ok(_join(client, world, second), 201)
    ok(_act(client, book(client, world, TEN), "cancel"))
    (offer,) = _notes(client, first)
    ok(_act(client, {"id": offer["payload"]["booking_id"]}, "cancel", headers=first["headers"]))
    assert [e["status"] for e in _entries(client, first)] == ["missed"]
    assert [n["kind"] for n in _notes(client, second)] == ["waitlist.hold_offered"]


def test_the_provider_and_managers_see_the_line(client) -> None:
    world = _world(client)
    waiter, stranger, provider_account = register(client), register(client), register(client)
    entry = ok(_join(client, world, waiter), 201)
    url = f"{API}/providers/{world['provider']['id']}/waitlist"
    problem(client.get(url), 401)
    problem(client.get(url, headers=stranger["headers"]), 403)
    problem(
        client.get(
            f"{API}/providers/{world['org']['id']}/waitlist", headers=world["owner"]["headers"]
        ),
        404,
    )
    (listed,) = ok(client.get(url, headers=world["owner"]["headers"]))
    assert (listed["id"], listed["status"]) == (entry["id"], "waiting")
    assert listed["waiter"] == {"name": "Test User", "email": waiter["email"]}
    ok(
        client.put(
            f"{API}/providers/{world['provider']['id']}/account",
            json={"user_id": provider_account["id"]},
            headers=world["owner"]["headers"],
        )
    )
    assert [e["id"] for e in ok(client.get(url, headers=provider_account["headers"]))] == [
        entry["id"]
    ]


def test_who_may_join_and_leave(client) -> None:
    world = _world(client)
    waiter, other = register(client), register(client)
    problem(
        client.post(
            f"{API}/waitlist",
            json={
                "provider_id": world["provider"]["id"],
                "service_id": world["service"]["id"],
                "date_from": DAY,
                "date_to": DAY,
            },
        ),
        401,
    )
    problem(client.get(f"{API}/me/waitlist"), 401)
    problem(client.get(f"{API}/me/notifications"), 401)
    entry = ok(_join(client, world, waiter), 201)
    problem(client.delete(f"{API}/waitlist/{entry['id']}"), 401)
    problem(client.delete(f"{API}/waitlist/{entry['id']}", headers=other["headers"]), 403)
    problem(client.delete(f"{API}/waitlist/{entry['id']}", headers=world["owner"]["headers"]), 403)
    problem(client.delete(f"{API}/waitlist/{world['org']['id']}", headers=other["headers"]), 404)
    assert [e["status"] for e in _entries(client, waiter)] == ["waiting"]
    assert _entries(client, other) == []


def test_one_active_entry_per_overlapping_range(client) -> None:
    world = _world(client)
    waiter = register(client)
    ok(_join(client, world, waiter, "2027-03-02", "2027-03-04"), 201)
    body = problem(_join(client, world, waiter, "2027-03-04", "2027-03-10"), 409)
    assert "already" in body["detail"]
    ok(_join(client, world, waiter, "2027-03-05", "2027-03-10"), 201)  # no overlap
    ok(_join(client, world, register(client), "2027-03-02", "2027-03-04"), 201)  # someone else


def test_unknown_ids_and_a_service_the_provider_does_not_offer(client) -> None:
    world = _world(client)
    waiter = register(client)
    unknown = world["org"]["id"]
    problem(_join(client, {**world, "provider": {"id": unknown}}, waiter), 404)
    problem(_join(client, {**world, "service": {"id": unknown}}, waiter), 404)
    elsewhere = make_provider(client, world["owner"], world["org"])
    body = problem(_join(client, {**world, "provider": elsewhere}, waiter), 422)
    assert "does not offer" in body["detail"]


def test_bad_ranges_and_bodies_are_422(client) -> None:
    world = _world(client)
    waiter = register(client)
    for date_from, date_to in [
        ("2027-03-05", "2027-03-04"),  # backwards
        ("2027-03-02", "2027-06-01"),  # 92 days
        ("2027-02-28", "2027-03-02"),  # starts in the past
        ("2027-12-01", "2027-12-02"),  # beyond the service's 90-day horizon
        ("2027-02-30", "2027-03-02"),  # no such date
        ("0001-01-01", "2027-03-02"),
        ("tomorrow", "2027-03-02"),
    ]:
        problem(_join(client, world, waiter, date_from, date_to), 422)
    assert ok(_join(client, world, waiter, "2027-03-01", "2027-05-29"), 201)  # 90 days, today
    problem(_join(client, world, waiter, DAY, DAY, extra=1), 422)
    problem(
        client.post(
            f"{API}/waitlist",
            json={"provider_id": "x", "service_id": "y", "date_from": DAY, "date_to": DAY},
            headers=waiter["headers"],
        ),
        422,
    )
    problem(
        client.post(
            f"{API}/waitlist",
            content=b"{",
            headers={**waiter["headers"], "content-type": "application/json"},
        ),
        422,
    )
    problem(client.post(f"{API}/waitlist", json=[], headers=waiter["headers"]), 422)
    problem(client.delete(f"{API}/waitlist/not-a-uuid", headers=waiter["headers"]), 422)
    problem(
        client.get(f"{API}/me/notifications", params={"limit": 0}, headers=waiter["headers"]), 422
    )


def test_only_managers_set_the_automatic_hold(client) -> None:
    world = _world(client)
    url = f"{API}/organizations/{world['org']['id']}/waitlist"
    assert ok(client.get(url))["hold_minutes"] == 0
    problem(client.patch(url, json={"hold_minutes": 10}), 401)
    problem(client.patch(url, json={"hold_minutes": 10}, headers=register(client)["headers"]), 403)
    for bad in (-1, 24 * 60 + 1, "ten", None):
        problem(_set_hold(client, world, bad), 422)  # type: ignore[arg-type]
    problem(client.patch(url, json={}, headers=world["owner"]["headers"]), 422)
    problem(
        client.patch(
            f"{API}/organizations/{world['provider']['id']}/waitlist",
            json={"hold_minutes": 5},
            headers=world["owner"]["headers"],
        ),
        404,
    )
    assert ok(_set_hold(client, world, 30))["hold_minutes"] == 30
    assert ok(client.get(url))["hold_minutes"] == 30
    assert ok(_set_hold(client, world, 0))["hold_minutes"] == 0


def test_notifications_newest_first_and_marked_read(client) -> None:
    world = _world(client)
    waiter, other = register(client), register(client)
    ok(_join(client, world, waiter), 201)
    for start in (TEN, TWO):
        ok(_act(client, book(client, world, start), "cancel"))
    newest, oldest = _notes(client, waiter)
    assert (newest["payload"]["start"], oldest["payload"]["start"]) == (TWO, TEN)
    assert newest["sequence"] > oldest["sequence"]

    url = f"{API}/me/notifications/{oldest['id']}/read"
    problem(client.post(url), 401)
    problem(client.post(url, headers=other["headers"]), 403)
    problem(
        client.post(f"{API}/me/notifications/{world['org']['id']}/read", headers=waiter["headers"]),
        404,
    )
    read = ok(client.post(url, headers=waiter["headers"]))
    assert read["read_at"] == "2027-03-01T08:00:00Z"
    assert ok(client.post(url, headers=waiter["headers"]))["read_at"] == read["read_at"]
    unread = ok(
        client.get(f"{API}/me/notifications", params={"unread": "true"}, headers=waiter["headers"])
    )
    assert [n["id"] for n in unread] == [newest["id"]]


def test_a_failed_automatic_hold_leaves_the_freeing_transaction_intact(client) -> None:
    """The hold is attempted in a savepoint: when the time cannot be held (here it is
    taken), the transaction that freed it goes on and commits what it wrote."""
    world = _world(client)
    ok(_set_hold(client, world, 15))
    waiter = register(client)
    entry = ok(_join(client, world, waiter), 201)
    book(client, world, TEN)
    db, clock = client.app.state.db, client.app.state.clock
    start = datetime(2027, 3, 3, 10, tzinfo=UTC)

    async def attempt() -> bool:
        async with db.write() as session:
            now = clock.now()
            repository.add_notification(session, uuid.UUID(waiter["id"]), "test.before", {}, now)
            found = await service_with_provider(
                session,
                uuid.UUID(world["service"]["id"]),
                uuid.UUID(world["provider"]["id"]),
                lock=False,
            )
            assert found is not None
            service, provider, org = found
            row = await repository.entry(session, uuid.UUID(entry["id"]))
            assert row is not None
            user = await session.get(User, row.user_id)
            assert user is not None
            freed = FreedTime(org.id, provider.id, service.id, start, start + timedelta(hours=1))
            return await _offer_hold(session, row, user, service, freed, org, now)

    assert client.portal.call(attempt) is False
    assert [n["kind"] for n in _notes(client, waiter)] == ["test.before"]
    assert [(e["status"], e["booking_id"]) for e in _entries(client, waiter)] == [("waiting", None)]


def test_a_waiter_who_cancels_is_not_offered_their_own_time(client) -> None:
    world = _world(client)
    ok(_set_hold(client, world, 15))
    customer, other = register(client), register(client)
    ok(_join(client, world, customer), 201)  # hoping for something better that day
    ok(_join(client, world, other), 201)
    mine = book(client, world, TEN, headers=customer["headers"], customer=None)
    ok(_act(client, mine, "cancel", headers=customer["headers"]))
    assert _notes(client, customer) == []
    assert [e["status"] for e in _entries(client, customer)] == ["waiting"]
    assert [n["kind"] for n in _notes(client, other)] == ["waitlist.hold_offered"]
