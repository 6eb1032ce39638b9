"""Running the consumers: each due delivery in a transaction of its own, after the event's
transaction committed.

A delivery is claimed (one short transaction), then handled: the handler's work and the
delivery's ``done`` commit together, so a consumer that only writes to the database takes
effect once per event even if two processes raced for it. A failure is retried after the
consumer's next delay; after the last one the delivery is ``dead`` until an admin replays
it. The dispatcher wakes when this process commits events (``Database`` calls ``wake``),
when another process does (PostgreSQL ``LISTEN``), and when a retry comes due; it also
polls, so nothing depends on a notification arriving.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.events import repository
from slotkeeper.events.models import Event
from slotkeeper.events.repository import Claim
from slotkeeper.events.schemas import CHANNEL, DeliveryStatus
from slotkeeper.kit.clock import Clock
from slotkeeper.kit.database import Database

log = structlog.get_logger(__name__)

Handler = Callable[[AsyncSession, Event], Awaitable[None]]
# Seconds before each retry; a delivery that fails once more after the last is dead.
DEFAULT_DELAYS: tuple[float, ...] = (1, 5, 30, 120, 600, 1800, 3600)
LEASE = timedelta(seconds=120)  # a claimed delivery's time to finish before others retry it
BATCH = 50


@dataclass(frozen=True, slots=True)
class Consumer:
    name: str  # as in ``events.schemas.ROUTES``
    handle: Handler
    delays: tuple[float, ...] = DEFAULT_DELAYS
    # Handled by the process that committed the event, right after the commit and before
    # the use case returns (quick database work whose result the caller should see);
    # whatever fails there is left to the retries.
    inline: bool = False


class Dispatcher:
    def __init__(
        self, db: Database, clock: Clock, consumers: Sequence[Consumer], poll: float = 5.0
    ) -> None:
        self.db = db
        self.clock = clock
        self.consumers = {c.name: c for c in consumers}
        self.poll = poll
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def committed(self, info: dict[str, Any]) -> None:
        """``Database``'s after-commit hook: wake the loop, and hand the transaction's
        events to the inline consumers at once."""
        self.wake()
        events = [event.id for event in info.get("events", ())]
        inline = [name for name, consumer in self.consumers.items() if consumer.inline]
        if events and inline:
            try:
                await self.dispatch_due(events, inline)
            except Exception:  # left pending: the loop's retries take it from here
                log.exception("inline_dispatch_failed", events=events)

    async def dispatch_due(
        self, event_ids: Sequence[int] | None = None, consumers: Sequence[str] | None = None
    ) -> int:
        """Handle every delivery due now (of ``event_ids`` and ``consumers`` only, if
        given); how many were handled, successfully or not."""
        handled = 0
        names = list(consumers if consumers is not None else self.consumers)

        async def take(session: AsyncSession) -> list[Claim]:
            now = self.clock.now()
            return await repository.claim_due(session, names, now, LEASE, BATCH, event_ids)

        while True:
            claims = await self.db.run(take)
            for claim in claims:
                await self._handle(claim)
            handled += len(claims)
            if len(claims) < BATCH:
                return handled

    async def _handle(self, claim: Claim) -> None:
        consumer = self.consumers[claim.consumer]

        async def work(session: AsyncSession) -> None:
            event = await repository.event(session, claim.event_id)
            if event is not None:
                await consumer.handle(session, event)
            now = self.clock.now()
            if not await repository.settle(session, claim, DeliveryStatus.DONE, now):
                raise _LostClaim  # someone took it over after the lease: undo ours

        try:
            await self.db.run(work)
        except _LostClaim:
            return
        except Exception as exc:  # the consumer failed: retry it later, or give up
            await self._failed(claim, consumer, exc)

    async def _failed(self, claim: Claim, consumer: Consumer, exc: Exception) -> None:
        now = self.clock.now()
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if claim.attempts > len(consumer.delays):
            status, at = DeliveryStatus.DEAD, now
            log.error(
                "delivery_dead", consumer=claim.consumer, event_id=claim.event_id, error=error
            )
        else:
            status = DeliveryStatus.PENDING
            at = now + timedelta(seconds=consumer.delays[claim.attempts - 1])
            log.warning(
                "delivery_failed",
                consumer=claim.consumer,
                event_id=claim.event_id,
                attempt=claim.attempts,
                retry_at=at.isoformat(),
                error=error,
            )
        await self.db.run(lambda session: repository.settle(session, claim, status, now, at, error))

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until ``stop`` is set: on every wake-up, retry and poll."""
        listener = await self._listen()
        try:
            while not stop.is_set():
                self._wake.clear()
                try:
                    await self.dispatch_due()
                except Exception:  # keep going: the next round retries what failed
                    log.exception("dispatch_failed")
                await self._sleep(stop)
        finally:
            if listener is not None:
                await listener.close()

    async def _sleep(self, stop: asyncio.Event) -> None:
        timeout = self.poll
        with contextlib.suppress(Exception):
            async with self.db.read() as session:
                due = await repository.next_due(session, list(self.consumers))
            if due is not None:
                timeout = min(timeout, max(0.0, (due - self.clock.now()).total_seconds()))
        waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    async def _listen(self) -> Any:
        """On PostgreSQL, a connection of its own that wakes this dispatcher whenever any
        process commits events."""
        if self.db.is_sqlite:
            return None
        try:
            connection = await asyncpg.connect(self.db.libpq_url())
            await connection.add_listener(CHANNEL, lambda *_: self.wake())
        except (OSError, asyncpg.PostgresError):
            log.warning("listen_failed_polling_instead", exc_info=True)
            return None
        return connection


class _LostClaim(Exception):
    pass
