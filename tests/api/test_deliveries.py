"""An admin sees the outbox's deliveries of their organization, the dead ones among them,
and replays a dead one; nobody else sees or replays them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slotkeeper.events.dispatcher import Consumer
from slotkeeper.waitlist import consumer as waitlist_consumer
from tests.api.test_waitlist import TEN, _act, _join, _notes, _world
from tests.support import API, book, ok, problem, register


def test_a_dead_delivery_is_listed_and_replayed_by_its_admin_only(
    client: Any, monkeypatch: Any
) -> None:
    world = _world(client)
    org, owner = world["org"]["id"], world["owner"]["headers"]
    waiter = register(client)
    ok(_join(client, world, waiter), 201)
    booking = book(client, world, TEN)
    state = client.app.state
    real = waitlist_consumer.time_freed

    async def broken(*args: Any) -> None:
        raise ConnectionError("the waitlist is down")

    # One retry, then dead.
    dispatcher = state.dispatcher
    quick = Consumer("waitlist", dispatcher.consumers["waitlist"].handle, delays=(5,), inline=True)
    monkeypatch.setitem(dispatcher.consumers, "waitlist", quick)
    monkeypatch.setattr(waitlist_consumer, "time_freed", broken)
    ok(_act(client, booking, "cancel"))
    state.clock.advance(timedelta(seconds=5))
    assert client.portal.call(dispatcher.dispatch_due) == 1

    dead = ok(client.get(f"{API}/organizations/{org}/deliveries", params={"status": "dead"},
                         headers=owner))
    assert [(d["event_type"], d["consumer"], d["attempts"], d["booking_id"]) for d in dead] == [
        ("booking.cancelled", "waitlist", 2, booking["id"])]
    assert dead[0]["last_error"] == "ConnectionError: the waitlist is down"
    every = ok(client.get(f"{API}/organizations/{org}/deliveries", headers=owner))
    assert [d["status"] for d in every] == ["dead"]  # a confirmation frees nothing

    stranger = register(client)["headers"]
    replay = f"{API}/organizations/{org}/deliveries/{dead[0]['event_id']}/waitlist/replay"
    problem(client.get(f"{API}/organizations/{org}/deliveries", headers=stranger), 403)
    problem(client.post(replay, headers=stranger), 403)

    monkeypatch.setattr(waitlist_consumer, "time_freed", real)
    again = ok(client.post(replay, headers=owner))
    assert (again["status"], again["attempts"], again["last_error"]) == ("pending", 0, None)
    assert client.portal.call(dispatcher.dispatch_due) == 1
    assert [n["payload"]["start"] for n in _notes(client, waiter)] == [TEN]
    done = ok(client.get(f"{API}/organizations/{org}/deliveries", headers=owner))
    assert [(d["status"], d["attempts"]) for d in done] == [("done", 1)]
    problem(client.post(replay, headers=owner), 404)  # only a dead one can be replayed
    problem(client.post(f"{API}/organizations/{org}/deliveries/999999/waitlist/replay",
                        headers=owner), 404)
