"""The event outbox on both databases: events commit or roll back with their change;
consumers run after commit, once per event even when dispatchers race, retried with
backoff until dead, and replayable; a commit wakes the dispatcher of this process and, on
PostgreSQL, of every other."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.events import repository
from slotkeeper.events.dispatcher import Consumer, Dispatcher
from slotkeeper.events.models import Delivery, Event
from slotkeeper.events.schemas import DeliveryStatus, EventType
from slotkeeper.events.service import emit
from slotkeeper.kit.clock import FrozenClock
from slotkeeper.kit.database import Database
from tests.support import make_org, register

# A booking event that carries freed times is delivered to the "waitlist" consumer; these
# tests bind that name to handlers of their own.
FREED = {"freed": [{"start": "2027-03-29T09:00:00+00:00"}]}
ECHO = EventType.WAITLIST_TIME_FREED  # heard by no consumer: the handlers' visible effect


def run(client: Any, work: Any) -> Any:
    return client.portal.call(work)


@pytest.fixture
def org_id(client: Any) -> uuid.UUID:
    return uuid.UUID(make_org(client, register(client))["id"])


async def echo(session: AsyncSession, event: Event) -> None:
    """A consumer whose work is a database write: an echo event per event handled."""
    emit(session, ECHO, event.organization_id, {"of": event.id}, event.occurred_at)


async def echoes(db: Database, org: uuid.UUID) -> list[int]:
    async with db.read() as session:
        rows = await session.execute(
            select(Event.data).where(Event.organization_id == org, Event.type == ECHO.value)
        )
        return sorted(data["of"] for data in rows.scalars())


async def add_events(db: Database, org: uuid.UUID, clock: FrozenClock, count: int) -> list[int]:
    async with db.write() as session:
        events = [
            emit(session, EventType.BOOKING_CANCELLED, org, FREED, clock.now())
            for _ in range(count)
        ]
    return [e.id for e in events]


async def delivery(db: Database, event_id: int) -> Delivery:
    async with db.read() as session:
        found = await session.get(Delivery, (event_id, "waitlist"))
        assert found is not None
        return found


def test_an_event_commits_with_its_change_and_is_handled_once(
    client: Any, settings: Any, clock: FrozenClock, org_id: uuid.UUID
) -> None:
    async def scenario() -> None:
        db = Database(settings.database_url)
        try:
            with pytest.raises(RuntimeError):
                async with db.write() as session:
                    emit(session, EventType.BOOKING_CANCELLED, org_id, FREED, clock.now())
                    raise RuntimeError("the change fails")
            async with db.read() as session:
                count = select(func.count()).select_from(Event).where(
                    Event.organization_id == org_id)
                assert (await session.execute(count)).scalar_one() == 0
            # An event no consumer hears gets no delivery.
            async with db.write() as session:
                quiet = emit(session, EventType.BOOKING_CANCELLED, org_id, {}, clock.now())
            ids = await add_events(db, org_id, clock, 3)
            dispatcher = Dispatcher(db, clock, [Consumer("waitlist", echo)])
            assert await dispatcher.dispatch_due() == 3
            assert await echoes(db, org_id) == ids
            assert await dispatcher.dispatch_due() == 0  # nothing twice
            assert (await delivery(db, ids[0])).status == DeliveryStatus.DONE
            async with db.read() as session:
                assert await session.get(Delivery, (quiet.id, "waitlist")) is None
        finally:
            await db.dispose()

    run(client, scenario)


def test_a_failing_consumer_is_retried_with_backoff_then_dead_until_replayed(
    client: Any, settings: Any, clock: FrozenClock, org_id: uuid.UUID
) -> None:
    failures = {"left": 3}

    async def flaky(session: AsyncSession, event: Event) -> None:
        await echo(session, event)  # undone with the failure: never seen twice
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("mail server down")

    async def scenario() -> None:
        db = Database(settings.database_url)
        try:
            [event_id] = await add_events(db, org_id, clock, 1)
            dispatcher = Dispatcher(db, clock, [Consumer("waitlist", flaky, delays=(10, 60))])
            assert await dispatcher.dispatch_due() == 1
            failed = await delivery(db, event_id)
            assert (failed.status, failed.attempts) == ("pending", 1)
            assert failed.last_error == "ConnectionError: mail server down"
            assert failed.next_attempt_at == clock.now() + timedelta(seconds=10)
            assert await dispatcher.dispatch_due() == 0  # not yet due
            clock.advance(timedelta(seconds=10))
            assert await dispatcher.dispatch_due() == 1
            assert (await delivery(db, event_id)).next_attempt_at == clock.now() + timedelta(
                seconds=60)
            clock.advance(timedelta(seconds=60))
            assert await dispatcher.dispatch_due() == 1
            dead = await delivery(db, event_id)
            assert (dead.status, dead.attempts) == ("dead", 3)
            clock.advance(timedelta(days=1))
            assert await dispatcher.dispatch_due() == 0  # dead stays dead
            assert await echoes(db, org_id) == []

            async with db.write() as session:
                assert await repository.replay(session, org_id, event_id, "waitlist",
                                               clock.now())
            assert await dispatcher.dispatch_due() == 1
            assert (await delivery(db, event_id)).status == "done"
            assert await echoes(db, org_id) == [event_id]
        finally:
            await db.dispose()

    run(client, scenario)


def test_racing_dispatchers_handle_each_event_once(
    client: Any, settings: Any, clock: FrozenClock, org_id: uuid.UUID
) -> None:
    async def scenario() -> None:
        # Four processes' worth: each its own engine and connections.
        dbs = [Database(settings.database_url) for _ in range(4)]
        try:
            ids = await add_events(dbs[0], org_id, clock, 120)

            async def slow_echo(session: AsyncSession, event: Event) -> None:
                await asyncio.sleep(0)  # let the others in between
                await echo(session, event)

            dispatchers = [Dispatcher(db, clock, [Consumer("waitlist", slow_echo)]) for db in dbs]
            handled = await asyncio.gather(*(d.dispatch_due() for d in dispatchers))
            assert sum(handled) == 120
            assert await echoes(dbs[0], org_id) == ids  # each exactly once
        finally:
            for db in dbs:
                await db.dispose()

    run(client, scenario)


def test_a_crashed_claim_comes_due_again_after_its_lease(
    client: Any, settings: Any, clock: FrozenClock, org_id: uuid.UUID
) -> None:
    async def scenario() -> None:
        db = Database(settings.database_url)
        try:
            [event_id] = await add_events(db, org_id, clock, 1)
            async with db.write() as session:  # claimed by a process that then died
                claims = await repository.claim_due(
                    session, ["waitlist"], clock.now(), timedelta(minutes=2), 10)
            assert [c.event_id for c in claims] == [event_id]
            dispatcher = Dispatcher(db, clock, [Consumer("waitlist", echo)])
            assert await dispatcher.dispatch_due() == 0
            clock.advance(timedelta(minutes=2))
            assert await dispatcher.dispatch_due() == 1
            assert await echoes(db, org_id) == [event_id]
            # The dead process's late settle changes nothing.
            async with db.write() as session:
                assert not await repository.settle(
                    session, claims[0], DeliveryStatus.DONE, clock.now())
        finally:
            await db.dispose()

    run(client, scenario)


def test_inline_consumers_are_done_when_the_transaction_returns(
    client: Any, settings: Any, clock: FrozenClock, org_id: uuid.UUID
) -> None:
    async def scenario() -> None:
        db = Database(settings.database_url)
        dispatcher = Dispatcher(db, clock, [Consumer("waitlist", echo, inline=True)])
        db.after_commit(dispatcher.committed)
        try:
            ids = await add_events(db, org_id, clock, 2)
            assert await echoes(db, org_id) == ids  # already, with no loop running
            assert (await delivery(db, ids[0])).status == "done"
        finally:
            await db.dispose()

    run(client, scenario)


def test_a_commit_wakes_the_dispatchers(
    client: Any, settings: Any, clock: FrozenClock, org_id: uuid.UUID, backend: str
) -> None:
    """This process's commit wakes its dispatcher at once; on PostgreSQL another
    process's commit does too (LISTEN/NOTIFY), long before the next poll."""

    async def scenario() -> None:
        here, elsewhere = Database(settings.database_url), Database(settings.database_url)
        dispatcher = Dispatcher(here, clock, [Consumer("waitlist", echo)], poll=600)
        here.after_commit(dispatcher.committed)
        stop = asyncio.Event()
        running = asyncio.create_task(dispatcher.run(stop))
        try:
            await asyncio.sleep(0.5)  # idle: its first round found nothing
            for db in [here] + ([elsewhere] if backend == "postgres" else []):
                [event_id] = await add_events(db, org_id, clock, 1)
                async with asyncio.timeout(10):  # the next poll is ten minutes away
                    while event_id not in await echoes(here, org_id):  # noqa: ASYNC110 (polls the database)
                        await asyncio.sleep(0.05)
        finally:
            stop.set()
            await running
            await here.dispose()
            await elsewhere.dispose()

    run(client, scenario)
