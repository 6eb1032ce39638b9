from __future__ import annotations

import uuid
from datetime import UTC, date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from slotkeeper.accounts.deps import CurrentUser, OptionalUser
from slotkeeper.availability import repository, service
from slotkeeper.availability.models import DateOverride, TimeOff, WeeklyHours
from slotkeeper.availability.schemas import (
    DateOverrideIn,
    DateOverrideOut,
    SlotsOut,
    TimeOffIn,
    TimeOffOut,
    WeeklyWindowIn,
    Window,
    format_clock,
)
from slotkeeper.bookings.visits import free_slots, offering_all, plan_visit
from slotkeeper.catalog import repository as catalog_repository
from slotkeeper.catalog.service import get_organization, get_service, visible_provider
from slotkeeper.catalog.visibility import visible
from slotkeeper.domain.availability import WEEKDAYS, day_span
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.problems import Invalid, NotFound
from slotkeeper.kit.types import CalendarDate, TimeZoneName, zone

router = APIRouter(tags=["availability"])
MAX_SLOT_DAYS = 92


def weekly_out(rows: list[WeeklyHours]) -> list[WeeklyWindowIn]:
    return [
        WeeklyWindowIn(
            day=WEEKDAYS[r.weekday],
            start=format_clock(r.start_time),
            end=format_clock(r.end_time),
        )
        for r in rows
    ]


def override_out(row: DateOverride) -> DateOverrideOut:
    return DateOverrideOut(
        id=row.id,
        provider_id=row.provider_id,
        date=row.day,
        windows=[Window(start=a, end=b) for a, b in row.windows],
    )


def time_off_out(row: TimeOff) -> TimeOffOut:
    return TimeOffOut(
        id=row.id,
        provider_id=row.provider_id,
        start=row.start_at.astimezone(UTC),
        end=row.end_at.astimezone(UTC),
        reason=row.reason,
    )


@router.put(
    "/providers/{provider_id}/weekly-hours",
    response_model=list[WeeklyWindowIn],
    operation_id="setWeeklyHours",
)
async def set_weekly_hours(
    provider_id: uuid.UUID, body: Annotated[list[WeeklyWindowIn], ...], user: CurrentUser, db: DB
) -> list[WeeklyWindowIn]:
    if len(body) > 7 * 48:
        raise Invalid("At most 336 weekly windows.")
    async with db.write() as session:
        provider = await service.managed_provider(session, provider_id, user)
        rows = await service.set_weekly_hours(session, provider, body)
    return weekly_out(rows)


@router.get(
    "/providers/{provider_id}/weekly-hours",
    response_model=list[WeeklyWindowIn],
    operation_id="getWeeklyHours",
)
async def get_weekly_hours(
    provider_id: uuid.UUID, db: DB, user: OptionalUser
) -> list[WeeklyWindowIn]:
    async with db.read() as session:
        provider = await visible_provider(session, provider_id, user)
        rows = await repository.weekly_hours(session, [provider.id])
    return weekly_out(rows)


@router.post(
    "/providers/{provider_id}/date-overrides",
    status_code=201,
    response_model=DateOverrideOut,
    operation_id="putDateOverride",
)
async def put_date_override(
    provider_id: uuid.UUID, body: DateOverrideIn, user: CurrentUser, db: DB
) -> DateOverrideOut:
    async with db.write() as session:
        provider = await service.managed_provider(session, provider_id, user)
        row = await service.put_date_override(session, provider, body)
    return override_out(row)


@router.delete(
    "/providers/{provider_id}/date-overrides/{day}",
    status_code=204,
    response_class=Response,
    operation_id="deleteDateOverride",
    responses={404: {"description": "No special hours on that date"}},
)
async def delete_date_override(
    provider_id: uuid.UUID, day: date, user: CurrentUser, db: DB
) -> Response:
    """Remove the special hours of one date: it follows the weekly hours again."""
    async with db.write() as session:
        provider = await service.managed_provider(session, provider_id, user)
        await service.delete_date_override(session, provider, day)
    return Response(status_code=204)


@router.get(
    "/providers/{provider_id}/date-overrides",
    response_model=list[DateOverrideOut],
    operation_id="listDateOverrides",
)
async def list_date_overrides(
    provider_id: uuid.UUID,
    db: DB,
    user: OptionalUser,
    from_: Annotated[date, Query(alias="from")] = date.min,
    to: Annotated[date, Query()] = date.max,
) -> list[DateOverrideOut]:
    async with db.read() as session:
        provider = await visible_provider(session, provider_id, user)
        rows = await repository.overrides(session, [provider.id], from_, to)
    return [override_out(r) for r in rows]


@router.post(
    "/providers/{provider_id}/time-off",
    status_code=201,
    response_model=TimeOffOut,
    operation_id="addTimeOff",
)
async def add_time_off(
    provider_id: uuid.UUID, body: TimeOffIn, user: CurrentUser, db: DB
) -> TimeOffOut:
    async with db.write() as session:
        provider = await service.managed_provider(session, provider_id, user)
        row = await service.add_time_off(session, provider, body)
    return time_off_out(row)


@router.delete(
    "/providers/{provider_id}/time-off/{time_off_id}",
    status_code=204,
    response_class=Response,
    operation_id="deleteTimeOff",
    responses={404: {"description": "No such time off for this provider"}},
)
async def delete_time_off(
    provider_id: uuid.UUID, time_off_id: uuid.UUID, user: CurrentUser, db: DB
) -> Response:
    """Remove a time-off entry: its times can be booked again."""
    async with db.write() as session:
        provider = await service.managed_provider(session, provider_id, user)
        await service.delete_time_off(session, provider, time_off_id)
    return Response(status_code=204)


@router.get(
    "/providers/{provider_id}/time-off", response_model=list[TimeOffOut], operation_id="listTimeOff"
)
async def list_time_off(provider_id: uuid.UUID, user: CurrentUser, db: DB) -> list[TimeOffOut]:
    async with db.read() as session:
        provider = await service.managed_provider(session, provider_id, user)
        rows = await repository.time_off(session, [provider.id])
    return [time_off_out(r) for r in rows]


@router.get("/services/{service_id}/slots", response_model=SlotsOut, operation_id="listSlots")
async def list_slots(
    service_id: uuid.UUID,
    db: DB,
    clock: ClockDep,
    user: OptionalUser,
    start_date: CalendarDate,
    end_date: CalendarDate,
    timezone: TimeZoneName | None = None,
    provider_id: uuid.UUID | None = None,
    duration_minutes: Annotated[int | None, Query(ge=1, le=24 * 60)] = None,
    extra_service_id: Annotated[
        list[uuid.UUID],
        Query(
            max_length=9,
            description="Services that follow this one back to back in one visit (repeat "
            "the parameter); the slots are for the whole visit with one provider.",
        ),
    ] = [],  # noqa: B006 (FastAPI copies defaults)
) -> JSONResponse:
    if end_date < start_date:
        raise Invalid("end_date must not be before start_date.")
    if (end_date - start_date).days >= MAX_SLOT_DAYS:
        raise Invalid(f"Ask for {MAX_SLOT_DAYS} days of slots at most.")
    async with db.read() as session:
        svc = await get_service(session, service_id)
        tz_name = timezone or (await get_organization(session, svc.organization_id)).timezone
        duration = duration_minutes or svc.duration_minutes
        visit = await plan_visit(session, svc, duration, extra_service_id)
        providers = await catalog_repository.providers_offering(session, svc.id)
        providers = await offering_all(session, visit, providers)
        providers = await visible(session, providers, user)
        if provider_id is not None:
            providers = [p for p in providers if p.id == provider_id]
            if not providers:
                raise NotFound(f"Provider {provider_id} does not offer this service.")
        tz = zone(tz_name)
        span = day_span(start_date, end_date, tz)
        found = await free_slots(session, visit, providers, span, clock.now())
    # Plain dicts straight to JSON: hundreds of slots need no re-validation on the way out.
    return JSONResponse(
        {
            "timezone": tz_name,
            "duration_minutes": visit.duration_minutes,
            "slots": [
                {
                    "provider_id": str(pid),
                    "start": slot.start.astimezone(tz).isoformat(),
                    "end": slot.end.astimezone(tz).isoformat(),
                    "seats_left": slot.seats_left,
                }
                for pid, slot in found
            ],
        }
    )
