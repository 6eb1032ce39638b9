"""HTTP routes of recurring series (rules in bookings/series.py)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.deps import OptionalUser
from slotkeeper.bookings import series as use_cases
from slotkeeper.bookings.models import Booking, Series
from slotkeeper.bookings.responses import booking_out
from slotkeeper.bookings.schemas import ManageToken, SeriesIn, SeriesOut
from slotkeeper.kit.deps import DB, ClockDep, SettingsDep

router = APIRouter(tags=["series"])


def series_out(series: Series, bookings: list[Booking], token: str | None = None) -> SeriesOut:
    return SeriesOut(
        id=series.id,
        service_id=series.service_id,
        provider_id=series.provider_id,
        timezone=series.timezone,
        first_date=series.first_date,
        local_time=series.local_time.strftime("%H:%M"),
        every_weeks=series.every_weeks,
        count=series.count,
        until=series.until,
        mode=series.mode,
        occurrences=[booking_out(b) for b in bookings],
        clashes=[datetime.fromisoformat(c) for c in series.clashes],
        manage_token=token,
    )


@router.post(
    "/series",
    status_code=201,
    response_model=SeriesOut,
    operation_id="createSeries",
    responses={409: {"description": "Occurrences are taken (their starts are in `clashes`)"}},
)
async def create_series(
    body: SeriesIn, user: OptionalUser, db: DB, clock: ClockDep, settings: SettingsDep
) -> SeriesOut:
    """Book a weekly series in one go: all or nothing, or every free occurrence."""
    now = clock.now()

    async def book(session: AsyncSession) -> SeriesOut:
        series, bookings, token = await use_cases.book_series(
            session,
            body,
            user,
            now,
            settings.signing_key,
            timedelta(hours=settings.request_ttl_hours),
        )
        return series_out(series, bookings, token)

    return await db.run(book)


@router.get("/series/{series_id}", response_model=SeriesOut, operation_id="getSeries")
async def get_series(
    series_id: uuid.UUID, user: OptionalUser, db: DB, token: ManageToken = None
) -> SeriesOut:
    async with db.read() as session:
        series = await use_cases.get_series(session, series_id)
        await use_cases.require_series_actor(session, series, user, token)
        bookings = await use_cases.occurrences_of(session, series)
    return series_out(series, bookings)
