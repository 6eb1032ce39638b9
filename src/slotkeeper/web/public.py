"""The public booking flow up to the choice of a time: search, organization, free times."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from slotkeeper.catalog import repository as catalog
from slotkeeper.catalog.models import Organization
from slotkeeper.kit.deps import DB, ClockDep
from slotkeeper.kit.problems import Invalid
from slotkeeper.web import choice as choosing
from slotkeeper.web.accounts import viewer
from slotkeeper.web.customer import waitlist_form
from slotkeeper.web.forms import as_date, as_zone, has_nul, one
from slotkeeper.web.pages import PageRoute, render
from slotkeeper.web.views import organization_view

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MAX_SEARCH = 200


def _search_errors(q: str, city: str) -> dict[str, str]:
    errors = {}
    for name, value in (("q", q), ("city", city)):
        if len(value) > MAX_SEARCH:
            errors[name] = f"Use at most {MAX_SEARCH} characters."
        elif has_nul(value):
            errors[name] = "Remove the invisible control characters."
    return errors


@router.get("/")
async def home(request: Request, db: DB) -> Response:
    """Find an organization or location by city and name."""
    values = request.query_params
    q, city = one(values, "q"), one(values, "city")
    errors = _search_errors(q, city)
    async with db.read() as session:
        found: list[Organization] = []
        if not errors:
            found = await catalog.search_organizations(session, q or None, city or None, 50, 0)
        locations = await catalog.locations_of(session, [o.id for o in found])
    results = [(org, [loc for loc in locations if loc.organization_id == org.id]) for org in found]
    cities = sorted({loc.city for loc in locations})
    context = {
        "q": q,
        "city": city,
        "errors": errors,
        "results": results,
        "cities": cities,
        "searched": bool(q or city),
    }
    return render(request, "home.html", context, 422 if errors else 200)


async def organization_page(
    request: Request, db: DB, org_id: uuid.UUID, error: tuple[str, str] | None = None
) -> Response:
    user = await viewer(request, db)
    async with db.read() as session:
        view = await organization_view(session, org_id, user)
    errors = dict([error]) if error else {}
    context = {"view": view, "errors": errors}
    return render(request, "organization.html", context, 422 if errors else 200)


@router.get("/o/{org_id}")
async def organization(request: Request, db: DB, org_id: uuid.UUID) -> Response:
    """The organization's providers and the services each offers."""
    return await organization_page(request, db, org_id)


def _earlier(first: date, today: date) -> date | None:
    """Where the "earlier days" link starts, if there are earlier days to show."""
    if first <= today:
        return None
    return max(first - timedelta(days=choosing.DAYS_SHOWN), today)


@router.get("/o/{org_id}/times")
async def times(request: Request, db: DB, clock: ClockDep, org_id: uuid.UUID) -> Response:
    """The next days with free times, and the free times of one day."""
    values = request.query_params
    now = clock.now()
    user = await viewer(request, db)
    async with db.read() as session:
        try:
            choice = await choosing.resolve(session, org_id, values, user=user)
        except Invalid as exc:
            error = (one(values, "provider_id"), exc.detail)
            return await organization_page(request, db, org_id, error)
        today = choosing.today_in(choice.tz, now)
        first = max(as_date(one(values, "from")) or today, today)
        last = first + timedelta(days=choosing.DAYS_SHOWN - 1)
        starts = await choosing.free_starts(session, choice, first, last, now)
        price = await choosing.quote(session, choice, None, now)
    days = choosing.days_of(starts, first, choice.tz)
    open_days = [d.day for d in days if d.free]
    day = as_date(one(values, "day"))
    if day not in open_days:
        day = open_days[0] if open_days else None
    context = {
        "choice": choice,
        "price": price,
        "days": days,
        "day": day,
        "starts": choosing.on_day(starts, day, choice.tz) if day else [],
        "first": first,
        "previous": _earlier(first, today),
        "next": last + timedelta(days=1),
        "zone_refused": bool(one(values, "tz")) and as_zone(one(values, "tz")) is None,
        "waitlist": waitlist_form(choice, first, last),
    }
    return render(request, "times.html", context)
