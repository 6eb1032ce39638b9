"""The public booking flow from the chosen time on: details form, booking, confirmation."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.responses import RedirectResponse, Response

from slotkeeper.accounts.models import User
from slotkeeper.bookings import idempotency
from slotkeeper.bookings.creating import book_slot
from slotkeeper.bookings.schemas import BookingIn
from slotkeeper.domain.slots import Slot
from slotkeeper.kit.deps import DB, ClockDep, SettingsDep
from slotkeeper.kit.problems import Conflict, Invalid, Problem, SlotTaken
from slotkeeper.kit.security import manage_token
from slotkeeper.kit.settings import Settings
from slotkeeper.kit.types import zone
from slotkeeper.web import choice as choosing
from slotkeeper.web.accounts import viewer
from slotkeeper.web.choice import Choice
from slotkeeper.web.forms import Values, as_instant, has_nul, one, query_string, read_form
from slotkeeper.web.pages import PageRoute, render
from slotkeeper.web.public import organization_page
from slotkeeper.web.session import CSRF_FIELD, require_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

TYPED = ("name", "email", "phone", "notes", "discount_code")
MESSAGES = {
    "name": "Enter your name (at most 200 characters).",
    "email": "Enter a valid email address, like name@example.com.",
    "phone": "Enter a phone number of at most 50 characters.",
    "notes": "Notes can be at most 2000 characters long.",
    "discount_code": "A discount code is 2 to 64 letters, digits, dashes or underscores.",
    "start": "Pick a time.",
}


def _typed(values: Values) -> dict[str, str]:
    return {name: one(values, name) for name in TYPED}


def _field_of(loc: tuple[int | str, ...]) -> str:
    name = str(loc[1]) if loc and loc[0] == "customer" and len(loc) > 1 else str(loc[0])
    return name if name in MESSAGES else "form"


def booking_input(
    choice: Choice, start: datetime | None, typed: dict[str, str]
) -> tuple[BookingIn | None, dict[str, str]]:
    """The API's booking input made from the form, or messages per field."""
    errors = {name: "Remove the control characters (such as NUL)." for name in TYPED}
    errors = {name: msg for name, msg in errors.items() if has_nul(typed[name])}
    if not typed["name"]:
        errors.setdefault("name", "Enter your name.")
    if not typed["email"]:
        errors.setdefault("email", "Enter your email address.")
    if start is None:
        errors["start"] = MESSAGES["start"]
    if errors:
        return None, errors
    raw: dict[str, Any] = {
        "service_id": str(choice.services[0].id),
        "provider_id": str(choice.provider.id),
        "start": start,
        "duration_minutes": choice.duration,
        "customer": {
            "name": typed["name"],
            "email": typed["email"],
            "phone": typed["phone"] or None,
        },
        "notes": typed["notes"] or None,
        "discount_code": typed["discount_code"] or None,
        "extra_service_ids": [str(i) for i in choice.extra_ids],
    }
    try:
        return BookingIn.model_validate(raw), {}
    except ValidationError as exc:
        for err in exc.errors():
            field = _field_of(tuple(err["loc"]))
            errors.setdefault(field, MESSAGES.get(field, "Please check what you entered."))
        return None, errors


def _new_form_key() -> str:
    return secrets.token_urlsafe(18)


async def _details_page(
    request: Request,
    db: DB,
    now: datetime,
    choice: Choice,
    start: datetime | None,
    typed: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    taken: bool = False,
    form_key: str | None = None,
    status: int = 200,
) -> Response:
    """The details form; without a usable start (or after the start was taken) it lists
    the free times of that day, fresh, to pick from."""
    tz = zone(choice.tz)
    async with db.read() as session:
        price = await choosing.quote(session, choice, None, now)
        starts: list[Slot] = []
        day = (start or now).astimezone(tz).date()
        if start is None or taken:
            found = await choosing.free_starts(session, choice, day, day, now)
            starts = choosing.on_day(found, day, choice.tz)
    context = {
        "choice": choice,
        "start": None if taken else start,
        "price": price,
        "typed": typed,
        "errors": errors or {},
        "message": message,
        "taken": taken,
        "day": day,
        "starts": starts,
        "form_key": form_key or _new_form_key(),
    }
    return render(request, "details.html", context, status)


@router.get("/o/{org_id}/details")
async def details(request: Request, db: DB, clock: ClockDep, org_id: uuid.UUID) -> Response:
    values = request.query_params
    user = await viewer(request, db)
    async with db.read() as session:
        try:
            choice = await choosing.resolve(session, org_id, values, user=user)
        except Invalid as exc:
            error = (one(values, "provider_id"), exc.detail)
            return await organization_page(request, db, org_id, error)
    start = as_instant(one(values, "start"))
    if start is None:
        times = f"/o/{org_id}/times?{query_string(choice.params())}"
        return RedirectResponse(times, status_code=303)
    typed = dict.fromkeys(TYPED, "")
    if user is not None:
        typed.update(name=user.name, email=user.email)
    return await _details_page(request, db, clock.now(), choice, start, typed)


async def _book(
    db: DB, data: BookingIn, form_key: str, now: datetime, settings: Settings, user: User | None
) -> tuple[uuid.UUID, str]:
    """Book as a guest (or as the signed-in customer), like POST /bookings; a form sent
    twice books once. Returns the booking's id and the guest's manage token ("" for a
    customer, who manages it signed in)."""
    email = data.customer.email if data.customer else None
    scope = idempotency.scope_of(user, str(email))
    print_ = idempotency.fingerprint(data.model_dump(mode="json"))

    async def work(session: Any) -> tuple[uuid.UUID, str]:
        stored = await idempotency.replay(session, scope, form_key, print_)
        if stored is not None and stored.booking_id is not None:
            if user is not None:
                return stored.booking_id, ""
            return stored.booking_id, manage_token(stored.booking_id, settings.signing_key)
        created = await book_slot(
            session,
            data,
            user,
            now,
            timedelta(seconds=settings.hold_ttl_seconds),
            settings.signing_key,
            guard=settings.booking_guard != "off",
            request_ttl=timedelta(hours=settings.request_ttl_hours),
        )
        booking_id = created.booking.id
        response = {"id": str(booking_id), "via": "web"}
        idempotency.remember(session, scope, form_key, print_, 201, response, booking_id, now)
        return booking_id, created.manage_token or ""

    return await db.run(work)


@router.post("/o/{org_id}/details")
async def book(
    request: Request, db: DB, clock: ClockDep, settings: SettingsDep, org_id: uuid.UUID
) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    now = clock.now()
    user = await viewer(request, db)
    async with db.read() as session:
        choice = await choosing.resolve(session, org_id, form, user=user)
    start = as_instant(one(form, "start"))
    typed = _typed(form)
    form_key = idempotency.check_key(one(form, "form_key") or _new_form_key())
    data, errors = booking_input(choice, start, typed)
    if data is not None and data.discount_code:
        errors = await _check_code(db, choice, data.discount_code, now)
    if data is None or errors:
        return await _details_page(
            request, db, now, choice, start, typed, errors=errors, form_key=form_key, status=422
        )
    try:
        booking_id, token = await _book(db, data, form_key, now, settings, user)
    except (SlotTaken, IntegrityError):
        return await _details_page(
            request, db, now, choice, start, typed, taken=True, form_key=form_key, status=409
        )
    except Conflict as exc:
        # The discount code's last use went to someone else meanwhile.
        errors = {"discount_code": exc.detail}
        return await _details_page(
            request, db, now, choice, start, typed, errors=errors, form_key=form_key, status=409
        )
    except Invalid as exc:
        # The time is no longer offered (too soon now, hours changed): pick another.
        return await _details_page(
            request, db, now, choice, start, typed, message=exc.detail, taken=True, status=422
        )
    done = f"/booked/{booking_id}?{query_string({'token': token, 'tz': choice.tz})}"
    return RedirectResponse(done, status_code=303)


async def _check_code(db: DB, choice: Choice, code: str, now: datetime) -> dict[str, str]:
    async with db.read() as session:
        try:
            await choosing.quote(session, choice, code, now)
        except Problem as exc:
            return {"discount_code": exc.detail}
    return {}
