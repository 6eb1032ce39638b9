from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from slotkeeper.accounts.deps import CurrentUser
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.types import CalendarDate
from slotkeeper.reports.schemas import ReportOut, report_out
from slotkeeper.reports.service import report_for

router = APIRouter(tags=["reports"])


@router.get("/organizations/{org_id}/reports", response_model=ReportOut, operation_id="getReport")
async def get_report(
    org_id: uuid.UUID,
    user: CurrentUser,
    db: DB,
    clock: ClockDep,
    start_date: Annotated[CalendarDate | None, Query()] = None,
    end_date: Annotated[CalendarDate | None, Query()] = None,
) -> ReportOut:
    """Bookings by status, utilisation per provider, bookings by local hour and revenue
    per week over the organization's local dates ``start_date`` to ``end_date`` (both
    included; by default the last and the next 30 days, at most 366). Owners and admins."""
    async with db.read() as session:
        report = await report_for(session, org_id, user, start_date, end_date, clock.now())
    return report_out(report)
