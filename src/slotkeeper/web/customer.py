"""The customer area: my bookings, waitlist entries, notifications and connection
requests; joining and leaving a waitlist; asking a connected-only provider to connect.

Every action is the API's use case in one transaction (``waitlist.service.join``/``leave``,
``connections.service.request_connection``); cancel, reschedule and accepting a suggested
time are the booking's own pages (``web.manage``), opened by the signed-in account."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import RedirectResponse, Response

from slotkeeper.accounts.models import User
from slotkeeper.bookings import repository as bookings_repository
from slotkeeper.bookings.models import Booking
from slotkeeper.bookings.schemas import BookingsWhen
from slotkeeper.catalog.models import Organization, Provider, Service
from slotkeeper.catalog.service import get_provider
from slotkeeper.catalog.visibility import Visibility, visible
from slotkeeper.connections import repository as connections_repository
from slotkeeper.connections import service as connections
from slotkeeper.connections.schemas import ConnectionIn
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.problems import Conflict, Invalid, NotFound
from slotkeeper.waitlist import repository as waitlist_repository
from slotkeeper.waitlist import service as waitlist
from slotkeeper.waitlist.schemas import WaitlistJoinIn, WaitlistStatus
from slotkeeper.web.accounts import require_user
from slotkeeper.web.choice import Choice
from slotkeeper.web.forms import as_uuid, as_zone, has_nul, one, read_form
from slotkeeper.web.pages import PageRoute, render
from slotkeeper.web.session import CSRF_FIELD, require_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ACTIVE = {
    BookingStatus.HELD,
    BookingStatus.REQUESTED,
    BookingStatus.TIME_SUGGESTED,
    BookingStatus.CONFIRMED,
}
# The API lists at most this many bookings a call; the customer area shows as many.
MAX_LISTED = 500
MAX_MESSAGE = 500


@dataclass(frozen=True)
class Row:
    """A booking in a list, with the names it is shown by."""

    booking: Booking
    service: Service
    provider: Provider
    org: Organization

    @property
    def status(self) -> BookingStatus:
        return BookingStatus(self.booking.status)


async def named(session: AsyncSession, rows: list[Booking]) -> list[Row]:
    """Each booking with its service, provider and organization (loaded once each)."""
    found = []
    for b in rows:
        service = await session.get(Service, b.service_id)
        provider = await session.get(Provider, b.provider_id)
        org = await session.get(Organization, b.organization_id)
        assert service and provider and org  # foreign keys
        found.append(Row(b, service, provider, org))
    return found


async def my_bookings(
    session: AsyncSession, user: User, now: datetime
) -> tuple[list[Booking], list[Booking]]:
    """The account's own bookings as a customer (``GET /me/bookings``): those not ended
    yet, soonest first, and those ended, latest first (at most ``MAX_LISTED`` each)."""
    upcoming = await bookings_repository.of_customer(
        session, user.id, when=BookingsWhen.UPCOMING, now=now, limit=MAX_LISTED, offset=0
    )
    past = await bookings_repository.of_customer(
        session, user.id, when=BookingsWhen.PAST, now=now, limit=MAX_LISTED, offset=0
    )
    return upcoming, past


def waitlist_form(choice: Choice, first: date, last: date) -> dict[str, Any] | None:
    """The "join the waitlist" form of a times page (one service only: a waitlist is for
    a provider + service)."""
    if len(choice.services) != 1:
        return None
    return {
        "org_id": choice.org.id,
        "provider_id": choice.provider.id,
        "service_id": choice.services[0].id,
        "date_from": first,
        "date_to": last,
        "tz": choice.tz,
    }


@router.get("/me")
async def me(request: Request, db: DB, clock: ClockDep) -> Response:
    """Upcoming and past bookings, waitlist entries, notifications and connections."""
    user = await require_user(request, db)
    now = clock.now()
    tz = as_zone(one(request.query_params, "tz")) or "UTC"
    async with db.read() as session:
        coming, ended = await my_bookings(session, user, now)
        rows = await named(session, coming)
        done_rows = await named(session, ended)
        entries = await waitlist_repository.entries_of_user(session, user.id, 100, 0)
        statuses = await waitlist.statuses(session, entries, now)
        notes = await waitlist_repository.notifications_of(session, user.id, False, 20, 0)
        links = await connections_repository.connections_of_customer(session, user.id, None, 100, 0)
        names = await _names(
            session,
            [e.provider_id for e in entries]
            + [n_id for n in notes if (n_id := as_uuid(str(n.payload.get("provider_id", ""))))]
            + [c.provider_id for c, _ in links],
            [e.service_id for e in entries]
            + [s_id for n in notes if (s_id := as_uuid(str(n.payload.get("service_id", ""))))],
        )
    # Cancelled (or otherwise finished) bookings that were still to come are past too.
    upcoming = [r for r in rows if r.status in ACTIVE]
    past = [r for r in reversed(rows) if r.status not in ACTIVE] + done_rows
    context = {
        "tz": tz,
        "upcoming": upcoming,
        "past": past,
        "entries": [(e, statuses[e.id]) for e in entries if statuses[e.id] != WaitlistStatus.LEFT],
        "notifications": [(n, _notice(n.payload)) for n in notes],
        "connections": [c for c, _ in links],
        "names": names,
        "done": one(request.query_params, "done"),
        "now": now,
    }
    return render(request, "me.html", context)


async def _names(
    session: AsyncSession, provider_ids: list[uuid.UUID], service_ids: list[uuid.UUID]
) -> dict[uuid.UUID, str]:
    names: dict[uuid.UUID, str] = {}
    for pid in set(provider_ids):
        provider = await session.get(Provider, pid)
        if provider is not None:
            names[pid] = provider.name
    for sid in set(service_ids):
        service = await session.get(Service, sid)
        if service is not None:
            names[sid] = service.name
    return names


def _notice(payload: dict[str, Any]) -> dict[str, Any]:
    """A waitlist notification's parts: the freed start and where to book it."""
    start = payload.get("start")
    try:
        moment = datetime.fromisoformat(str(start).replace("Z", "+00:00")) if start else None
    except ValueError:
        moment = None
    return {
        "start": moment,
        "provider_id": as_uuid(str(payload.get("provider_id", ""))),
        "service_id": as_uuid(str(payload.get("service_id", ""))),
        "org_id": as_uuid(str(payload.get("organization_id", ""))),
    }


@router.post("/me/waitlist")
async def join_waitlist(request: Request, db: DB, clock: ClockDep) -> Response:
    """Join the waitlist of a provider + service for a range of days (the times page's
    form); a refusal is shown on a page that leads back."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user = await require_user(request, db)
    raw = {
        "provider_id": one(form, "provider_id"),
        "service_id": one(form, "service_id"),
        "date_from": one(form, "date_from"),
        "date_to": one(form, "date_to"),
    }
    back = one(form, "back")
    back = back if back.startswith("/o/") and not has_nul(back) else "/me"
    try:
        data = WaitlistJoinIn.model_validate(raw)
    except ValidationError:
        return _refused(request, back, "Pick a first and a last day (at most 90 days apart).")
    try:
        async with db.write() as session:
            await waitlist.join(session, user, data, clock.now())
    except (Invalid, Conflict) as exc:
        return _refused(request, back, exc.detail, exc.status)
    return RedirectResponse("/me?done=joined#waitlist", status_code=303)


def _refused(request: Request, back: str, detail: str, status: int = 422) -> Response:
    context = {"title": "Could not join the waitlist", "detail": detail, "back": back}
    return render(request, "refused.html", context, status)


@router.post("/me/waitlist/{entry_id}/leave")
async def leave_waitlist(
    request: Request, db: DB, clock: ClockDep, entry_id: uuid.UUID
) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user = await require_user(request, db)
    async with db.write() as session:
        await waitlist.leave(session, entry_id, user, clock.now())
    return RedirectResponse("/me?done=left#waitlist", status_code=303)


@router.post("/me/notifications/{notification_id}/read")
async def mark_read(
    request: Request, db: DB, clock: ClockDep, notification_id: uuid.UUID
) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user = await require_user(request, db)
    async with db.write() as session:
        await waitlist.mark_read(session, notification_id, user, clock.now())
    return RedirectResponse("/me#notifications", status_code=303)


async def _connectable(session: AsyncSession, provider_id: uuid.UUID, user: User) -> Provider:
    """A provider one may ask to connect: connected-only (or already visible); a private
    one looks unknown, as in the API."""
    provider = await get_provider(session, provider_id)
    if provider.visibility != Visibility.CONNECTED and not await visible(session, [provider], user):
        raise NotFound("This link is not valid, or what it pointed to no longer exists.")
    return provider


@router.get("/connect/{provider_id}")
async def connect_form(request: Request, db: DB, provider_id: uuid.UUID) -> Response:
    """The page a connected-only provider shares with its customers."""
    user = await require_user(request, db)
    async with db.read() as session:
        provider = await _connectable(session, provider_id, user)
        found = await connections_repository.connection_of(session, provider.id, user.id)
    context: dict[str, object] = {
        "provider": provider,
        "connection": found,
        "errors": {},
        "message_text": "",
    }
    return render(request, "connect.html", context)


@router.post("/connect/{provider_id}")
async def connect(request: Request, db: DB, clock: ClockDep, provider_id: uuid.UUID) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user = await require_user(request, db)
    text = one(form, "message")
    errors = {}
    if len(text) > MAX_MESSAGE or has_nul(text):
        errors["message"] = f"Keep the message under {MAX_MESSAGE} characters."
    else:
        try:
            async with db.write() as session:
                await _connectable(session, provider_id, user)
                await connections.request_connection(
                    session, provider_id, user, ConnectionIn(message=text or None), clock.now()
                )
        except (Conflict, Invalid) as exc:
            errors["message"] = exc.detail
    if not errors:
        return RedirectResponse("/me?done=asked#connections", status_code=303)
    async with db.read() as session:
        provider = await _connectable(session, provider_id, user)
        found = await connections_repository.connection_of(session, provider.id, user.id)
    context = {"provider": provider, "connection": found, "errors": errors, "message_text": text}
    return render(request, "connect.html", context, 422)
