"""Marks run-out holds and unanswered requests ``expired`` (correctness never depends on
it: they already stopped blocking at their deadline; this keeps statuses and history tidy,
and tells the waitlist), and hourly forgets idempotency keys older than a day."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from slotkeeper.bookings import idempotency
from slotkeeper.bookings.expiry import expire_run_out
from slotkeeper.kit.clock import Clock
from slotkeeper.kit.database import Database

log = structlog.get_logger(__name__)


async def sweep_once(db: Database, clock: Clock) -> int:
    """One pass in one transaction (retried if PostgreSQL picks it as a deadlock victim:
    a waitlist hold made by the pass locks a provider a booking may be holding)."""
    now = clock.now()
    return await db.run(lambda session: expire_run_out(session, now))


async def prune_once(db: Database, clock: Clock) -> int:
    """Forget old idempotency keys (a full scan of a small table: run it rarely)."""
    async with db.write() as session:
        return await idempotency.prune(session, clock.now())


PRUNE_EVERY = 3600.0  # seconds


async def run_sweeper(db: Database, clock: Clock, interval: float, stop: asyncio.Event) -> None:
    pruned_at = -PRUNE_EVERY
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        try:
            count = await sweep_once(db, clock)
            if count:
                log.info("bookings_expired", count=count)
            if loop.time() - pruned_at >= PRUNE_EVERY:
                pruned_at = loop.time()
                forgotten = await prune_once(db, clock)
                if forgotten:
                    log.info("idempotency_keys_pruned", count=forgotten)
        except Exception:  # keep sweeping: the next pass retries what failed
            log.exception("sweep_failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
