"""The provider dashboard: the week calendar, the requests inbox (accept, decline,
suggest times), connection requests (accept, decline), the waitlist in line order,
completed / no-show, and removing a date's special hours or a time-off entry.

Who may open it is decided as in the API: ``availability.service.managed_provider`` (the
provider's own account or a manager of its organization; a hidden provider is 404), and
each action is a booking step run by ``bookings.lifecycle.act`` for ``actor_for``'s actor,
as in the API (one transaction, retried on a deadlock). The forms that add weekly hours,
date overrides and time off are in ``web.schedule``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import RedirectResponse, Response

from slotkeeper.accounts import repository as accounts
from slotkeeper.accounts.models import User
from slotkeeper.accounts.service import MANAGER_ROLES
from slotkeeper.availability import repository as availability
from slotkeeper.availability import service as schedule
from slotkeeper.availability.service import calendars, managed_provider
from slotkeeper.bookings import lifecycle, moves
from slotkeeper.bookings import repository as bookings_repository
from slotkeeper.bookings.expiry import ran_out
from slotkeeper.bookings.history import Actor
from slotkeeper.bookings.models import Booking
from slotkeeper.bookings.schemas import SuggestTimesIn
from slotkeeper.bookings.visits import free_slots, visit_of
from slotkeeper.catalog import repository as catalog
from slotkeeper.catalog.models import Provider, Service
from slotkeeper.catalog.service import get_service
from slotkeeper.connections import repository as connections_repository
from slotkeeper.connections import service as connections
from slotkeeper.connections.models import ConnectionStatus
from slotkeeper.domain.availability import day_span
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.slots import Slot, SlotRules
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.problems import Forbidden, NotFound, Problem
from slotkeeper.kit.types import zone
from slotkeeper.waitlist import repository as waitlist_repository
from slotkeeper.waitlist import service as waitlist
from slotkeeper.waitlist.models import WaitlistEntry
from slotkeeper.waitlist.schemas import WaitlistStatus
from slotkeeper.web import session as page_session
from slotkeeper.web.accounts import is_staff, require_user
from slotkeeper.web.customer import named
from slotkeeper.web.forms import as_date, as_instant, has_nul, many, one, read_form
from slotkeeper.web.pages import PageRoute, render
from slotkeeper.web.session import CSRF_FIELD, require_csrf
from slotkeeper.web.week import LEGEND, build_week, span_of, week_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SUGGEST_DAYS = 14
MAX_LISTED = 500
MAX_REASON = 1000
MAX_WAITERS = 200
WAITING = {WaitlistStatus.WAITING, WaitlistStatus.OFFERED}


async def providers_of(session: AsyncSession, user: User) -> list[Provider]:
    """The providers the account acts as, then those of organizations it manages."""
    found: dict[uuid.UUID, Provider] = {}
    for provider_id in await accounts.provider_ids_of(session, user.id):
        provider = await session.get(Provider, provider_id)
        if provider is not None:
            found[provider.id] = provider
    for membership, _ in await accounts.memberships(session, user.id):
        if membership.role in MANAGER_ROLES:
            for provider in await catalog.providers_of_org(session, membership.organization_id):
                found.setdefault(provider.id, provider)
    return list(found.values())


@router.get("/dashboard")
async def dashboard(request: Request, db: DB) -> Response:
    """Straight to the account's own calendar; a manager picks one of the providers."""
    user = await require_user(request, db)
    async with db.read() as session:
        providers = await providers_of(session, user)
        staff = await is_staff(session, user)
    page_session.update(request, staff=staff)
    if not providers:
        raise Forbidden(
            "The dashboard is for providers and organization admins. This account is not "
            "linked to a provider; your own bookings are under My bookings."
        )
    if len(providers) == 1:
        return RedirectResponse(f"/dashboard/{providers[0].id}", status_code=303)
    return render(request, "dashboard_pick.html", {"providers": providers})


def _path(provider: Provider, monday: date | None = None, **more: str) -> str:
    params = {"week": monday.isoformat()} if monday else {}
    query = "&".join(f"{k}={v}" for k, v in {**params, **more}.items())
    return f"/dashboard/{provider.id}" + (f"?{query}" if query else "")


async def _week_bookings(
    session: AsyncSession, user: User, provider: Provider, first: datetime, last: datetime
) -> list[Booking]:
    return await bookings_repository.visible_to(
        session,
        user.id,
        everything=user.is_superadmin,
        provider_id=provider.id,
        status=None,
        start_from=first,
        start_to=last,
        limit=MAX_LISTED,
        offset=0,
    )


@router.get("/dashboard/{provider_id}")
async def provider_week(
    request: Request, db: DB, clock: ClockDep, provider_id: uuid.UUID
) -> Response:
    user = await require_user(request, db)
    now = clock.now()
    async with db.read() as session:
        provider = await managed_provider(session, provider_id, user)
        tz = provider.timezone
        today = now.astimezone(zone(tz)).date()
        monday = week_of(as_date(one(request.query_params, "week")) or today)
        span = span_of(monday, tz)
        rules = SlotRules(duration=timedelta(minutes=15))
        windows = (await calendars(session, [provider], span, rules, now))[provider.id].windows
        off = await availability.time_off(session, [provider.id], span)
        found = await _week_bookings(session, user, provider, span.start, span.end)
        rows = await named(session, found)
        inbox = await bookings_repository.visible_to(
            session,
            user.id,
            everything=user.is_superadmin,
            provider_id=provider.id,
            status=BookingStatus.REQUESTED.value,
            start_from=now,
            start_to=None,
            limit=100,
            offset=0,
        )
        requests = await named(session, [b for b in inbox if not ran_out(b, now)])
        asking = await connections.provider_connections(
            session, provider.id, user, ConnectionStatus.REQUESTED, 100, 0
        )
        line = await waitlist_line(session, provider, now)
        many_providers = len(await providers_of(session, user)) > 1
    week = build_week(
        monday,
        tz,
        windows,
        [(o.start_at, o.end_at, o.reason) for o in off],
        [(r.booking, f"{r.booking.customer_name} · {r.service.name}") for r in rows],
    )
    shown = [r for r in rows if r.booking.status in LEGEND]
    context = {
        "provider": provider,
        "week": week,
        "tz": tz,
        "today": today,
        "legend": LEGEND,
        "agenda": shown,
        "requests": requests,
        "asking": asking,
        "line": line,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "this_week": week_of(today),
        "now": now,
        "done": one(request.query_params, "done"),
        "many_providers": many_providers,
    }
    return render(request, "dashboard.html", context)


async def waitlist_line(
    session: AsyncSession, provider: Provider, now: datetime
) -> list[tuple[WaitlistEntry, User, Service | None, WaitlistStatus]]:
    """Who waits for this provider, for which service and days, in line (join) order:
    the entries still waiting or holding an offered time (``GET /providers/{id}/waitlist``
    lists the finished ones too)."""
    rows = await waitlist_repository.entries_of_provider(session, provider.id, MAX_WAITERS, 0)
    found = await waitlist.statuses(session, [e for e, _ in rows], now)
    services: dict[uuid.UUID, Service | None] = {}
    line = []
    for entry, waiter in rows:
        if found[entry.id] not in WAITING:
            continue
        if entry.service_id not in services:
            services[entry.service_id] = await session.get(Service, entry.service_id)
        line.append((entry, waiter, services[entry.service_id], found[entry.id]))
    return line


async def _provider(db: DB, provider_id: uuid.UUID, user: User) -> Provider:
    async with db.read() as session:
        return await managed_provider(session, provider_id, user)


def _refused(request: Request, provider: Provider, exc: Problem, back: str = "") -> Response:
    context = {
        "title": "That did not work",
        "detail": exc.detail,
        "back": back or _path(provider),
    }
    return render(request, "refused.html", context, exc.status)


async def _suggest_context(
    db: DB, user: User, provider: Provider, booking_id: uuid.UUID, now: datetime
) -> dict[str, object]:
    """The request and the provider's free times to suggest instead (the booking's own
    service and length, over the next two weeks in the provider's zone)."""
    async with db.read() as session:
        booking = await lifecycle.load(session, booking_id)
        if booking.provider_id != provider.id:
            raise NotFound(f"No booking {booking_id}.")
        await lifecycle.actor_for(session, booking, user, None)
        row = (await named(session, [booking]))[0]
        service = await get_service(session, booking.service_id)
        visit = await visit_of(session, booking, service)
        today = now.astimezone(zone(provider.timezone)).date()
        span = day_span(today, today + timedelta(days=SUGGEST_DAYS - 1), zone(provider.timezone))
        found = await free_slots(session, visit, [provider], span, now)
    days: dict[date, list[Slot]] = {}
    for _, slot in found:
        days.setdefault(slot.start.astimezone(zone(provider.timezone)).date(), []).append(slot)
    return {"provider": provider, "row": row, "days": days, "tz": provider.timezone}


@router.get("/dashboard/{provider_id}/bookings/{booking_id}/suggest")
async def suggest_form(
    request: Request, db: DB, clock: ClockDep, provider_id: uuid.UUID, booking_id: uuid.UUID
) -> Response:
    user = await require_user(request, db)
    provider = await _provider(db, provider_id, user)
    context = await _suggest_context(db, user, provider, booking_id, clock.now())
    context.update(errors={}, chosen=[], reason="")
    return render(request, "suggest.html", context)


@router.post("/dashboard/{provider_id}/bookings/{booking_id}/suggest")
async def suggest(
    request: Request, db: DB, clock: ClockDep, provider_id: uuid.UUID, booking_id: uuid.UUID
) -> Response:
    """Answer the request with 1 to 5 of the free times; its own time is freed."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user = await require_user(request, db)
    provider = await _provider(db, provider_id, user)
    now = clock.now()
    texts = many(form, "start", limit=20)
    starts = [s for s in (as_instant(t) for t in texts) if s is not None]
    reason = one(form, "reason")
    errors: dict[str, str] = {}
    message = None
    data = None
    if not starts:
        errors["start"] = "Tick at least one time to suggest."
    elif len(starts) > 5:
        errors["start"] = f"Suggest at most 5 times; you ticked {len(starts)}."
    if len(reason) > MAX_REASON or has_nul(reason):
        errors["reason"] = f"Keep the message under {MAX_REASON} characters."
    if not errors:
        try:
            data = SuggestTimesIn.model_validate({"starts": starts, "reason": reason or None})
        except ValidationError:
            errors["start"] = "Pick the times from the list."
    if data is not None:
        suggested = data

        async def step(
            session: AsyncSession, booking: Booking, actor: Actor
        ) -> BookingStatus | None:
            return await moves.suggest_times(
                session, booking, actor, user, suggested.starts, suggested.reason, now
            )

        try:
            await lifecycle.act(db, booking_id, user, None, step, provider_id=provider.id)
        except Problem as exc:
            if exc.status in (401, 403, 404):
                raise
            message = exc.detail
        else:
            return RedirectResponse(_path(provider, done="suggested"), status_code=303)
    context = await _suggest_context(db, user, provider, booking_id, now)
    context.update(errors=errors, chosen=texts, reason=reason, message=message)
    return render(request, "suggest.html", context, 409 if message else 422)


# After the suggest routes: their path would match this one's ``{action}`` too.
ACTIONS = {
    "accept": "accepted",
    "decline": "declined",
    "complete": "completed",
    "no-show": "marked as a no-show",
}


@router.post("/dashboard/{provider_id}/bookings/{booking_id}/{action}")
async def booking_action(
    request: Request,
    db: DB,
    clock: ClockDep,
    provider_id: uuid.UUID,
    booking_id: uuid.UUID,
    action: str,
) -> Response:
    """Accept or decline a request; mark a booking completed or no-show."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    if action not in ACTIONS:
        raise NotFound("No such action.")
    user = await require_user(request, db)
    provider = await _provider(db, provider_id, user)
    now = clock.now()
    reason = one(form, "reason")[:MAX_REASON] or None
    if reason and has_nul(reason):
        reason = None

    async def step(session: AsyncSession, booking: Booking, actor: Actor) -> BookingStatus | None:
        if action == "accept":
            return await lifecycle.confirm(session, booking, actor, user, now)
        if action == "decline":
            return await lifecycle.decline(session, booking, actor, user, reason, now)
        outcome = BookingStatus.COMPLETED if action == "complete" else BookingStatus.NO_SHOW
        await lifecycle.mark_attendance(session, booking, actor, user, outcome, now)
        return None

    back = safe_back(one(form, "back"), provider)
    try:
        await lifecycle.act(db, booking_id, user, None, step, provider_id=provider.id)
    except Problem as exc:
        return _refused(request, provider, exc, back)
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}done={action}", status_code=303)


def safe_back(text: str, provider: Provider) -> str:
    """Back to a page of this provider's dashboard (its week), else its first page."""
    base = f"/dashboard/{provider.id}"
    if text.startswith(base) and not has_nul(text) and "//" not in text and "#" not in text:
        return text[:300]
    return base


DECISIONS = {"accept": ConnectionStatus.ACCEPTED, "decline": ConnectionStatus.DECLINED}


@router.post("/dashboard/{provider_id}/connections/{connection_id}/{decision}")
async def answer_connection(
    request: Request,
    db: DB,
    clock: ClockDep,
    provider_id: uuid.UUID,
    connection_id: uuid.UUID,
    decision: str,
) -> Response:
    """Accept or decline a customer's request to connect (``POST /connections/{id}/accept``
    or ``/decline``); only a request made to this provider is found here."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    if decision not in DECISIONS:
        raise NotFound("No such action.")
    user = await require_user(request, db)
    provider = await _provider(db, provider_id, user)
    try:
        async with db.write() as session:
            found = await connections_repository.connection_by_id(session, connection_id)
            if found is None or found.provider_id != provider.id:
                raise NotFound(f"No connection {connection_id}.")
            await connections.answer(session, connection_id, user, DECISIONS[decision], clock.now())
    except Problem as exc:
        if exc.status in (401, 403, 404):
            raise
        return _refused(request, provider, exc)
    return RedirectResponse(_path(provider, done=f"connection-{decision}"), status_code=303)


@router.post("/dashboard/{provider_id}/overrides/{day}/delete")
async def delete_override(request: Request, db: DB, provider_id: uuid.UUID, day: date) -> Response:
    """The date follows the weekly hours again (``DELETE .../date-overrides/{date}``)."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user = await require_user(request, db)
    async with db.write() as session:
        provider = await managed_provider(session, provider_id, user)
        await schedule.delete_date_override(session, provider, day)
    return RedirectResponse(f"/dashboard/{provider.id}/days?done=override-removed", status_code=303)


@router.post("/dashboard/{provider_id}/time-off/{time_off_id}/delete")
async def delete_time_off(
    request: Request, db: DB, provider_id: uuid.UUID, time_off_id: uuid.UUID
) -> Response:
    """The stretch can be booked again (``DELETE .../time-off/{id}``)."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user = await require_user(request, db)
    async with db.write() as session:
        provider = await managed_provider(session, provider_id, user)
        await schedule.delete_time_off(session, provider, time_off_id)
    return RedirectResponse(f"/dashboard/{provider.id}/days?done=time-off-removed", status_code=303)
