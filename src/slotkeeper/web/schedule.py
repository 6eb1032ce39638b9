"""The provider's schedule pages: the weekly-hours editor, date overrides and time off.

Each form is checked by the API's own schemas (``WeeklyWindowIn``, ``DateOverrideIn``,
``TimeOffIn``) and saved by the availability use cases for whoever
``managed_provider`` lets in; messages go next to the fields they are about.
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from slotkeeper.availability import repository as availability
from slotkeeper.availability import service as schedule
from slotkeeper.availability.schemas import (
    DateOverrideIn,
    TimeOffIn,
    WeeklyWindowIn,
    Window,
    format_clock,
)
from slotkeeper.catalog.models import Provider
from slotkeeper.domain.availability import WEEKDAYS, local_to_utc
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.types import zone
from slotkeeper.web.accounts import require_user
from slotkeeper.web.forms import as_date, has_nul, one, read_form
from slotkeeper.web.pages import PageRoute, render
from slotkeeper.web.session import CSRF_FIELD, require_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

WINDOWS_PER_DAY = 2
MAX_WINDOWS_PER_DAY = 8
CLOCK_MESSAGE = "Enter a time like 09:00."
ORDER_MESSAGE = "The end must be after the start."


def _clock_text(text: str) -> str:
    """A time field's value as the API's "HH:MM" (an end of 00:00 means midnight)."""
    return text[:5] if len(text) == 8 and text.endswith(":00") else text


def read_weekly(form: FormData) -> tuple[list[WeeklyWindowIn], dict[str, str], dict[str, str]]:
    """The windows the weekly-hours form names, the values typed, and messages by field."""
    windows: list[WeeklyWindowIn] = []
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    for day in WEEKDAYS:
        for i in range(1, MAX_WINDOWS_PER_DAY + 1):
            start_name, end_name = f"{day}-{i}-start", f"{day}-{i}-end"
            start, end = _clock_text(one(form, start_name)), _clock_text(one(form, end_name))
            typed[start_name], typed[end_name] = start, end
            if not start and not end:
                continue
            if not start:
                errors[start_name] = "Enter when this window starts, or clear both times."
                continue
            if not end:
                errors[end_name] = "Enter when this window ends, or clear both times."
                continue
            if end == "00:00":
                end = "24:00"
            try:
                windows.append(
                    WeeklyWindowIn.model_validate({"day": day, "start": start, "end": end})
                )
            except ValidationError as exc:
                bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
                if "start" in bad:
                    errors[start_name] = CLOCK_MESSAGE
                elif "end" in bad:
                    errors[end_name] = CLOCK_MESSAGE
                else:
                    errors[end_name] = ORDER_MESSAGE
    return windows, typed, errors


async def _managed(db: DB, provider_id: uuid.UUID, request: Request) -> Provider:
    user = await require_user(request, db)
    async with db.read() as session:
        return await schedule.managed_provider(session, provider_id, user)


async def _weekly_typed(db: DB, provider: Provider) -> dict[str, str]:
    async with db.read() as session:
        rows = await availability.weekly_hours(session, [provider.id])
    typed: dict[str, str] = {}
    count: dict[int, int] = {}
    for row in rows:
        count[row.weekday] = count.get(row.weekday, 0) + 1
        day, i = WEEKDAYS[row.weekday], count[row.weekday]
        typed[f"{day}-{i}-start"] = format_clock(row.start_time)
        end = format_clock(row.end_time)
        typed[f"{day}-{i}-end"] = "00:00" if end == "24:00" else end
    return typed


def _slots_per_day(typed: dict[str, str]) -> dict[str, int]:
    """How many window rows each day's form shows: two, or as many as are filled."""
    shown = {}
    for day in WEEKDAYS:
        used = [
            i
            for i in range(1, MAX_WINDOWS_PER_DAY + 1)
            if typed.get(f"{day}-{i}-start") or typed.get(f"{day}-{i}-end")
        ]
        shown[day] = max([WINDOWS_PER_DAY, *used])
    return shown


def _hours_page(
    request: Request,
    provider: Provider,
    typed: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    context = {
        "provider": provider,
        "typed": typed,
        "errors": errors,
        "days": WEEKDAYS,
        "slots": _slots_per_day(typed),
        "done": one(request.query_params, "done"),
    }
    return render(request, "hours.html", context, status)


@router.get("/dashboard/{provider_id}/hours")
async def hours_form(request: Request, db: DB, provider_id: uuid.UUID) -> Response:
    provider = await _managed(db, provider_id, request)
    return _hours_page(request, provider, await _weekly_typed(db, provider), {})


@router.post("/dashboard/{provider_id}/hours")
async def save_hours(request: Request, db: DB, provider_id: uuid.UUID) -> Response:
    """Replace the weekly hours (``PUT /providers/{id}/weekly-hours``)."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    user = await require_user(request, db)
    windows, typed, errors = read_weekly(form)
    if errors:
        async with db.read() as session:
            provider = await schedule.managed_provider(session, provider_id, user)
        return _hours_page(request, provider, typed, errors, 422)
    async with db.write() as session:
        provider = await schedule.managed_provider(session, provider_id, user)
        await schedule.set_weekly_hours(session, provider, windows)
    return RedirectResponse(f"/dashboard/{provider.id}/hours?done=saved", status_code=303)


async def _days_page(
    request: Request,
    db: DB,
    provider: Provider,
    today: date,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    tz = zone(provider.timezone)
    async with db.read() as session:
        overrides = await availability.overrides(
            session, [provider.id], today, today + timedelta(days=366)
        )
        span = TimeRange(
            local_to_utc(today, time(0), tz), local_to_utc(today + timedelta(days=400), time(0), tz)
        )
        time_off = await availability.time_off(session, [provider.id], span)
    context = {
        "provider": provider,
        "overrides": overrides,
        "time_off": time_off,
        "typed": typed or {},
        "errors": errors or {},
        "today": today,
        "done": one(request.query_params, "done"),
    }
    return render(request, "days.html", context, status)


@router.get("/dashboard/{provider_id}/days")
async def days_form(request: Request, db: DB, clock: ClockDep, provider_id: uuid.UUID) -> Response:
    provider = await _managed(db, provider_id, request)
    today = clock.now().astimezone(zone(provider.timezone)).date()
    return await _days_page(request, db, provider, today)


def read_override(form: FormData) -> tuple[DateOverrideIn | None, dict[str, str], dict[str, str]]:
    typed = {
        name: _clock_text(one(form, name))
        for name in ("override_date", "override_start", "override_end")
    }
    typed["override_closed"] = "1" if one(form, "override_closed") else ""
    errors: dict[str, str] = {}
    day = as_date(typed["override_date"])
    if day is None:
        errors["override_date"] = "Pick the date."
    windows: list[Window] = []
    if not typed["override_closed"]:
        start, end = typed["override_start"], typed["override_end"]
        if not start:
            errors["override_start"] = "Enter the hours of that day, or tick “Closed all day”."
        if not end:
            errors["override_end"] = "Enter when that day ends."
        if start and end:
            try:
                windows.append(
                    Window.model_validate(
                        {"start": start, "end": "24:00" if end == "00:00" else end}
                    )
                )
            except ValidationError as exc:
                bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
                if "start" in bad:
                    errors["override_start"] = CLOCK_MESSAGE
                elif "end" in bad:
                    errors["override_end"] = CLOCK_MESSAGE
                else:
                    errors["override_end"] = ORDER_MESSAGE
    if errors or day is None:
        return None, typed, errors
    return DateOverrideIn(date=day, windows=windows), typed, errors


@router.post("/dashboard/{provider_id}/overrides")
async def save_override(
    request: Request, db: DB, clock: ClockDep, provider_id: uuid.UUID
) -> Response:
    """Set the hours of one date (``POST /providers/{id}/date-overrides``)."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    provider = await _managed(db, provider_id, request)
    today = clock.now().astimezone(zone(provider.timezone)).date()
    data, typed, errors = read_override(form)
    if data is None:
        return await _days_page(
            request, db, provider, today, typed=typed, errors=errors, status=422
        )
    user = await require_user(request, db)
    async with db.write() as session:
        provider = await schedule.managed_provider(session, provider_id, user)
        await schedule.put_date_override(session, provider, data)
    return RedirectResponse(f"/dashboard/{provider.id}/days?done=override", status_code=303)


def read_time_off(
    form: FormData, tz: str
) -> tuple[TimeOffIn | None, dict[str, str], dict[str, str]]:
    names = ("off_from_date", "off_from_time", "off_to_date", "off_to_time", "off_reason")
    typed = {name: _clock_text(one(form, name)) for name in names}
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {}
    for side in ("from", "to"):
        day = as_date(typed[f"off_{side}_date"])
        clock_text = typed[f"off_{side}_time"] or "00:00"
        if day is None:
            errors[f"off_{side}_date"] = "Pick the date."
            continue
        if side == "to" and not typed["off_to_time"]:
            day += timedelta(days=1)  # an empty "to" time: to the end of that day
        try:
            at = time.fromisoformat(clock_text) if len(clock_text) == 5 else None
        except ValueError:
            at = None
        if at is None:
            errors[f"off_{side}_time"] = CLOCK_MESSAGE
            continue
        raw["start" if side == "from" else "end"] = local_to_utc(day, at, zone(tz))
    reason = typed["off_reason"]
    if len(reason) > 500 or has_nul(reason):
        errors["off_reason"] = "Keep the reason under 500 characters."
    if errors:
        return None, typed, errors
    try:
        return TimeOffIn.model_validate({**raw, "reason": reason or None}), typed, errors
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        errors["off_to_date"] = message[0].upper() + message[1:] + "."
        return None, typed, errors


@router.post("/dashboard/{provider_id}/time-off")
async def save_time_off(
    request: Request, db: DB, clock: ClockDep, provider_id: uuid.UUID
) -> Response:
    """Block a stretch of time (``POST /providers/{id}/time-off``)."""
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    provider = await _managed(db, provider_id, request)
    today = clock.now().astimezone(zone(provider.timezone)).date()
    data, typed, errors = read_time_off(form, provider.timezone)
    if data is None:
        return await _days_page(
            request, db, provider, today, typed=typed, errors=errors, status=422
        )
    user = await require_user(request, db)
    async with db.write() as session:
        provider = await schedule.managed_provider(session, provider_id, user)
        await schedule.add_time_off(session, provider, data)
    return RedirectResponse(f"/dashboard/{provider.id}/days?done=time-off", status_code=303)
