"""The guest's pages for one booking, opened by its private manage link: the confirmation,
the booking itself, cancel (with the refund due shown first), reschedule, calendar file."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import partial

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from slotkeeper.accounts.models import User
from slotkeeper.bookings import lifecycle, moves
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.problems import Conflict, Invalid
from slotkeeper.kit.types import zone
from slotkeeper.web import choice as choosing
from slotkeeper.web.accounts import viewer
from slotkeeper.web.choice import Choice
from slotkeeper.web.forms import (
    Values,
    as_date,
    as_instant,
    as_zone,
    has_nul,
    one,
    query_string,
    read_form,
)
from slotkeeper.web.ics import booking_calendar
from slotkeeper.web.pages import PageRoute, render
from slotkeeper.web.session import CSRF_FIELD, require_csrf
from slotkeeper.web.views import BookingView, guest_booking

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MAX_REASON = 1000


async def _view(
    request: Request, db: DB, booking_id: uuid.UUID, values: Values, now: datetime
) -> tuple[BookingView, User | None]:
    """The booking the manage token or the signed-in account opens (the API's rules)."""
    user = await viewer(request, db)
    token = one(values, "token")
    async with db.read() as session:
        view = await guest_booking(
            session, booking_id, token, as_zone(one(values, "tz")), now, user
        )
    return view, user


def manage_path(view: BookingView, **more: str) -> str:
    params = {"token": view.token, "tz": view.tz, **more}
    return f"/manage/{view.booking.id}?{query_string(params)}"


def _context(request: Request, view: BookingView) -> dict[str, object]:
    link = request.url_for("manage_page", booking_id=str(view.booking.id))
    return {
        "view": view,
        "manage_url": str(link.include_query_params(token=view.token)),
        "manage_path": manage_path(view),
        "ics_path": f"/manage/{view.booking.id}/calendar.ics?{query_string({'token': view.token})}",
    }


@router.get("/booked/{booking_id}")
async def booked(request: Request, db: DB, clock: ClockDep, booking_id: uuid.UUID) -> Response:
    """The confirmation page the booking form leads to."""
    view, _ = await _view(request, db, booking_id, request.query_params, clock.now())
    return render(request, "booked.html", _context(request, view))


@router.get("/manage/{booking_id}", name="manage_page")
async def manage(request: Request, db: DB, clock: ClockDep, booking_id: uuid.UUID) -> Response:
    view, _ = await _view(request, db, booking_id, request.query_params, clock.now())
    context = {**_context(request, view), "done": one(request.query_params, "done")}
    return render(request, "manage.html", context)


@router.get("/manage/{booking_id}/calendar.ics")
async def calendar_file(
    request: Request, db: DB, clock: ClockDep, booking_id: uuid.UUID
) -> Response:
    now = clock.now()
    view, _ = await _view(request, db, booking_id, request.query_params, now)
    ics = booking_calendar(view, str(_context(request, view)["manage_url"]), now)
    return Response(
        ics,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="booking.ics"'},
    )


@router.get("/manage/{booking_id}/cancel")
async def cancel_form(request: Request, db: DB, clock: ClockDep, booking_id: uuid.UUID) -> Response:
    """What cancelling now would refund, and the button that does it."""
    view, _ = await _view(request, db, booking_id, request.query_params, clock.now())
    return render(request, "cancel.html", {**_context(request, view), "errors": {}})


@router.post("/manage/{booking_id}/cancel")
async def cancel(request: Request, db: DB, clock: ClockDep, booking_id: uuid.UUID) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    now = clock.now()
    view, user = await _view(request, db, booking_id, form, now)
    reason = one(form, "reason")
    if len(reason) > MAX_REASON or has_nul(reason):
        error = f"Keep the reason under {MAX_REASON} characters, without control characters."
        context = {**_context(request, view), "errors": {"reason": error}, "reason": reason}
        return render(request, "cancel.html", context, 422)
    try:
        step = partial(lifecycle.cancel, user=user, reason=reason or None, now=now)
        await lifecycle.act(db, booking_id, user, view.token or None, step)
    except Conflict as exc:
        context = {**_context(request, view), "errors": {}, "message": exc.detail}
        return render(request, "cancel.html", context, exc.status)
    return RedirectResponse(manage_path(view, done="cancelled"), status_code=303)


async def _choice(session: AsyncSession, view: BookingView, user: User | None) -> Choice:
    """The booking's provider and services, as a choice to list free times for."""
    params = QueryParams(
        [("provider_id", str(view.provider.id)), ("duration", str(view.lines[0].minutes))]
        + [("service_id", str(s)) for s in view.service_ids]
        + [("tz", view.tz)]
    )
    return await choosing.resolve(session, view.org.id, params, user=user)


async def _reschedule_page(
    request: Request,
    db: DB,
    view: BookingView,
    user: User | None,
    now: datetime,
    day_text: str,
    message: str | None = None,
    status: int = 200,
) -> Response:
    async with db.read() as session:
        choice = await _choice(session, view, user)
        today = choosing.today_in(choice.tz, now)
        last = today + timedelta(days=choosing.DAYS_SHOWN - 1)
        starts = await choosing.free_starts(session, choice, today, last, now)
    days = choosing.days_of(starts, today, choice.tz)
    open_days = [d.day for d in days if d.free]
    day = as_date(day_text)
    if day not in open_days:
        day = open_days[0] if open_days else None
    context = {
        **_context(request, view),
        "days": days,
        "day": day,
        "starts": choosing.on_day(starts, day, choice.tz) if day else [],
        "message": message,
    }
    return render(request, "reschedule.html", context, status)


@router.get("/manage/{booking_id}/reschedule")
async def reschedule_form(
    request: Request, db: DB, clock: ClockDep, booking_id: uuid.UUID
) -> Response:
    now = clock.now()
    view, user = await _view(request, db, booking_id, request.query_params, now)
    return await _reschedule_page(request, db, view, user, now, one(request.query_params, "day"))


@router.post("/manage/{booking_id}/reschedule")
async def reschedule(request: Request, db: DB, clock: ClockDep, booking_id: uuid.UUID) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    now = clock.now()
    view, user = await _view(request, db, booking_id, form, now)
    start = as_instant(one(form, "start"))
    if start is None:
        return await _reschedule_page(
            request, db, view, user, now, one(form, "day"), "Pick a new time first.", 422
        )
    try:
        step = partial(moves.reschedule, user=user, start=start, now=now)
        await lifecycle.act(db, booking_id, user, view.token or None, step)
    except (Conflict, Invalid) as exc:
        day = start.astimezone(zone(view.tz)).date().isoformat()
        return await _reschedule_page(request, db, view, user, now, day, exc.detail, exc.status)
    return RedirectResponse(manage_path(view, done="moved"), status_code=303)


@router.post("/manage/{booking_id}/accept")
async def accept_suggestion(
    request: Request, db: DB, clock: ClockDep, booking_id: uuid.UUID
) -> Response:
    """The customer (or guest) picks one of the times the provider suggested."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    now = clock.now()
    view, user = await _view(request, db, booking_id, form, now)
    start = as_instant(one(form, "start"))
    if start is None:
        context = {**_context(request, view), "done": "", "message": "Pick one of the times."}
        return render(request, "manage.html", context, 422)
    try:
        step = partial(moves.accept_suggestion, user=user, start=start, now=now)
        await lifecycle.act(db, booking_id, user, view.token or None, step)
    except (Conflict, Invalid) as exc:
        view, _ = await _view(request, db, booking_id, form, now)
        context = {**_context(request, view), "done": "", "message": exc.detail}
        return render(request, "manage.html", context, exc.status)
    return RedirectResponse(manage_path(view, done="accepted"), status_code=303)
