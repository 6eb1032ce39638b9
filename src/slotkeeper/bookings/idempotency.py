"""``Idempotency-Key``: a retried request gets the first response and never books twice."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.bookings import repository
from slotkeeper.bookings.models import IdempotencyRecord
from slotkeeper.kit.problems import Invalid

MAX_KEY_LENGTH = 255


def scope_of(user: User | None, guest_email: str | None) -> str:
    """Keys are per account, or for guests per email: one guest's key never replays
    another guest's booking (and its manage token)."""
    if user is not None:
        return f"user:{user.id}"
    email = (guest_email or "").strip().lower()
    return "guest:" + hashlib.sha256(email.encode()).hexdigest()[:40]


def fingerprint(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Invalid(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.")
    return key


async def replay(
    session: AsyncSession, scope: str, key: str, print_: str
) -> IdempotencyRecord | None:
    """The stored first response for this key, if any; a different request is refused."""
    stored = await repository.idempotency_record(session, scope, key)
    if stored is not None and stored.fingerprint != print_:
        raise Invalid(
            "This Idempotency-Key was already used for a different request; use a new key."
        )
    return stored


def remember(
    session: AsyncSession,
    scope: str,
    key: str,
    print_: str,
    status_code: int,
    response: dict[str, Any],
    booking_id: uuid.UUID | None,
    now: datetime,
) -> None:
    session.add(
        IdempotencyRecord(
            scope=scope,
            key=key,
            fingerprint=print_,
            status_code=status_code,
            response=response,
            booking_id=booking_id,
            created_at=now,
        )
    )


# How long a key is remembered: a client retries within minutes; a day covers any retry
# (the same window Stripe keeps its keys).
KEY_TTL = timedelta(hours=24)


async def prune(session: AsyncSession, now: datetime) -> int:
    """Forget keys older than ``KEY_TTL``; returns how many."""
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - KEY_TTL)
    )
    return int(getattr(result, "rowcount", 0) or 0)
