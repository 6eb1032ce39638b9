"""The waitlist hears of freed times through the event outbox, never inside the booking's
transaction: the change commits with its event, the waitlist's delivery runs after commit
in a transaction of its own, and a waitlist that fails never undoes the change; its
delivery is retried until it succeeds."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from slotkeeper.events.models import Delivery, Event
from slotkeeper.events.schemas import DeliveryStatus
from slotkeeper.waitlist import consumer as waitlist_consumer
from tests.api.test_waitlist import TEN, _act, _join, _notes, _world
from tests.support import API, book, ok, register


def events_of(client: Any, booking_id: str) -> list[tuple[str, dict[str, Any], list[Delivery]]]:
    async def read() -> list[tuple[str, dict[str, Any], list[Delivery]]]:
        async with client.app.state.db.read() as session:
            rows = (
                await session.execute(
                    select(Event).where(Event.booking_id == uuid.UUID(booking_id))
                    .order_by(Event.id)
                )
            ).scalars().all()
            out = []
            for event in rows:
                deliveries = (
                    await session.execute(select(Delivery).where(Delivery.event_id == event.id))
                ).scalars().all()
                out.append((event.type, event.data, list(deliveries)))
            return out

    return client.portal.call(read)  # type: ignore[no-any-return]


def test_every_change_writes_its_event_and_freed_times_reach_the_waitlist(client: Any) -> None:
    world = _world(client)
    waiter = register(client)
    ok(_join(client, world, waiter), 201)
    booking = book(client, world, TEN)
    ok(_act(client, booking, "cancel", reason="plans changed"))

    (made, made_data, made_deliveries), (cancelled, data, deliveries) = events_of(
        client, booking["id"])
    assert (made, made_data["status"], made_deliveries) == ("booking.confirmed", "confirmed", [])
    assert cancelled == "booking.cancelled"
    assert data["previous_status"] == "confirmed" and data["actor"] == "guest"
    assert data["reason"] == "plans changed"
    assert [(f["start"], f["service_id"]) for f in data["freed"]] == [
        (TEN.replace("Z", "+00:00"), world["service"]["id"])]
    # Handled right after the cancel's commit, before the API answered.
    assert [(d.consumer, d.status, d.attempts) for d in deliveries] == [("waitlist", "done", 1)]
    assert [n["payload"]["start"] for n in _notes(client, waiter)] == [TEN]


def test_a_failing_waitlist_never_undoes_the_cancel_and_is_retried(
    client: Any, monkeypatch: Any
) -> None:
    world = _world(client)
    waiter = register(client)
    ok(_join(client, world, waiter), 201)
    booking = book(client, world, TEN)
    real = waitlist_consumer.time_freed

    async def broken(*args: Any) -> None:
        raise ConnectionError("the waitlist is down")

    monkeypatch.setattr(waitlist_consumer, "time_freed", broken)
    assert ok(_act(client, booking, "cancel"))["status"] == "cancelled"
    [_, (_, _, [delivery])] = events_of(client, booking["id"])
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error == "ConnectionError: the waitlist is down"
    assert _notes(client, waiter) == []

    # The waitlist is back; the retry comes due after the first delay.
    monkeypatch.setattr(waitlist_consumer, "time_freed", real)
    state = client.app.state
    assert client.portal.call(state.dispatcher.dispatch_due) == 0  # not due yet
    state.clock.advance(timedelta(seconds=1))
    assert client.portal.call(state.dispatcher.dispatch_due) == 1
    [_, (_, _, [delivery])] = events_of(client, booking["id"])
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DONE, 2)
    assert [n["payload"]["start"] for n in _notes(client, waiter)] == [TEN]
    assert ok(client.get(f"{API}/bookings/{booking['id']}",
                         params={"token": booking["manage_token"]}))["status"] == "cancelled"
