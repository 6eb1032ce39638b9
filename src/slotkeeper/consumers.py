"""The event outbox's consumers, bound by their names in ``events.schemas.ROUTES``, and
the dispatcher a process runs them with (``serve`` and ``worker``)."""

from __future__ import annotations

from slotkeeper.events.dispatcher import Consumer, Dispatcher
from slotkeeper.kit.clock import Clock
from slotkeeper.kit.database import Database
from slotkeeper.waitlist.consumer import waitlist_consumer


def consumers(clock: Clock) -> list[Consumer]:
    return [waitlist_consumer(clock)]


def dispatcher_for(db: Database, clock: Clock, poll: float) -> Dispatcher:
    """A dispatcher over every consumer, woken by ``db``'s commits of events (and running
    the inline consumers right after them). Its loop (``run``) is the caller's to start."""
    dispatcher = Dispatcher(db, clock, consumers(clock), poll)
    db.after_commit(dispatcher.committed)
    return dispatcher
