"""The organization's reports page: the numbers of ``reports.service`` (the same as
``GET /organizations/{id}/reports``) drawn as inline SVG charts by ``web.svg``."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request
from starlette.responses import Response

from slotkeeper.domain.money import format_minor
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.problems import Invalid
from slotkeeper.kit.types import zone
from slotkeeper.reports.service import MAX_DAYS, Report, check_range, default_range, report_for
from slotkeeper.web.admin import managed, superadmin_visit
from slotkeeper.web.forms import as_date, one
from slotkeeper.web.pages import STATUS_TEXT, PageRoute, minutes_text, render
from slotkeeper.web.svg import Datum, bar_chart, column_chart

router = APIRouter(route_class=PageRoute, include_in_schema=False)

STATUS_NAMES = {
    "held": "Held",
    "requested": "Requested",
    "time_suggested": "Times suggested",
    "confirmed": "Confirmed",
    "completed": "Completed",
    "no_show": "No-show",
    "cancelled": "Cancelled",
    "declined": "Declined",
    "expired": "Expired",
    "payment_failed": "Payment failed",
}


def charts(report: Report) -> dict[str, object]:
    currency = report.org.currency
    uses = report.utilisation
    return {
        "status": bar_chart(
            "Bookings by status",
            [Datum(STATUS_NAMES[s.value], n, str(n)) for s, n in report.by_status],
        ),
        "utilisation": bar_chart(
            "Utilisation per provider (booked time over available time)",
            [
                Datum(u.name, float(u.percent or 0), f"{u.percent} %" if u.percent else "no hours")
                for u in uses
            ],
            scale_max=100,
        )
        if uses
        else None,
        "hours": column_chart(
            f"Booked appointments by hour of the day ({report.org.timezone})",
            [Datum(f"{h:02d}", n, str(n)) for h, n in enumerate(report.by_hour)],
            axis_every=2,
        ),
        "revenue": column_chart(
            f"Revenue per week, in {currency} (weeks from Monday)",
            [Datum(f"{w.day} {w:%b}", m, format_minor(m, currency)) for w, m in report.revenue],
            axis_every=max(1, len(report.revenue) // 8),
        ),
        "use_rows": [
            (u, minutes_text(u.booked_minutes), minutes_text(u.available_minutes)) for u in uses
        ],
    }


@router.get("/admin/{org_id}/reports")
async def reports_page(request: Request, db: DB, clock: ClockDep, org_id: uuid.UUID) -> Response:
    user, _ = await managed(request, db, org_id)
    now = clock.now()
    typed = {n: one(request.query_params, n) for n in ("start_date", "end_date")}
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name, text in typed.items():
        days[name] = as_date(text) if text else None
        if text and days[name] is None:
            errors[name] = "Pick a date, like 2027-03-01."
    start, end = days["start_date"], days["end_date"]
    async with db.read() as session:
        if not errors and start and end:
            try:
                check_range(start, end)
            except Invalid as exc:
                errors["end_date"] = exc.detail
        if errors:
            start = end = None
        elif (start and not end) or (end and not start):
            # One end given: the other follows from the default length around it.
            first, last = default_range(start or end)  # type: ignore[arg-type]
            start, end = start or first, end or last
        report = await report_for(session, org_id, user, start, end, now)
    if not errors:
        typed = {"start_date": str(report.start_date), "end_date": str(report.end_date)}
    today = now.astimezone(zone(report.org.timezone)).date()
    context = {
        "org": report.org,
        "superadmin_visit": superadmin_visit(request),
        "report": report,
        "charts": charts(report),
        "typed": typed,
        "errors": errors,
        "today": today,
        "max_days": MAX_DAYS,
        "status_text": STATUS_TEXT,
        "revenue_total": format_minor(report.revenue_total, report.org.currency),
        "booked_total": sum(report.by_hour),
    }
    return render(request, "admin/reports.html", context, 422 if errors else 200)
