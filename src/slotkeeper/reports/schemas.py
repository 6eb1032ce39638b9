from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel

from slotkeeper.domain.money import format_minor
from slotkeeper.reports.service import Report


class ProviderUseOut(BaseModel):
    provider_id: uuid.UUID
    name: str
    booked_minutes: int
    available_minutes: int
    # Booked over available, one decimal ("37.5"); null without available time.
    percent: str | None


class HourOut(BaseModel):
    hour: int
    bookings: int


class WeekOut(BaseModel):
    week_start: date
    revenue: str
    revenue_minor: int


class ReportOut(BaseModel):
    organization_id: uuid.UUID
    start_date: date
    end_date: date
    timezone: str
    currency: str
    bookings_by_status: dict[str, int]
    utilisation: list[ProviderUseOut]
    busiest_hours: list[HourOut]
    revenue_by_week: list[WeekOut]
    revenue_total: str


def report_out(report: Report) -> ReportOut:
    currency = report.org.currency
    return ReportOut(
        organization_id=report.org.id,
        start_date=report.start_date,
        end_date=report.end_date,
        timezone=report.org.timezone,
        currency=currency,
        bookings_by_status={s.value: n for s, n in report.by_status},
        utilisation=[
            ProviderUseOut(
                provider_id=u.provider_id,
                name=u.name,
                booked_minutes=u.booked_minutes,
                available_minutes=u.available_minutes,
                percent=str(u.percent) if u.percent is not None else None,
            )
            for u in report.utilisation
        ],
        busiest_hours=[HourOut(hour=h, bookings=n) for h, n in enumerate(report.by_hour)],
        revenue_by_week=[
            WeekOut(week_start=w, revenue=format_minor(m, currency), revenue_minor=m)
            for w, m in report.revenue
        ],
        revenue_total=format_minor(report.revenue_total, currency),
    )
