"""Marks run-out holds and unanswered requests ``expired``. Correctness never depends on
it: they already stopped blocking at their deadline; this keeps statuses and history tidy."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from slotkeeper.bookings.service import expire_run_out
from slotkeeper.kit.clock import Clock
from slotkeeper.kit.database import Database

log = structlog.get_logger(__name__)


async def sweep_once(db: Database, clock: Clock) -> int:
    """One pass in one transaction (retried if PostgreSQL picks it as a deadlock victim:
    a waitlist hold made by the pass locks a provider a booking may be holding)."""
    now = clock.now()
    return await db.run(lambda session: expire_run_out(session, now))


async def run_sweeper(db: Database, clock: Clock, interval: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            count = await sweep_once(db, clock)
            if count:
                log.info("bookings_expired", count=count)
        except Exception:  # keep sweeping: the next pass retries what failed
            log.exception("sweep_failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
