"""Rendering: the Jinja2 environment, its filters, and the route class that turns every
error a page meets into a readable HTML page (never JSON, never a 500 for bad input)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from slotkeeper.domain.money import exponent, format_minor
from slotkeeper.kit.problems import Problem
from slotkeeper.kit.types import iana_zones, zone
from slotkeeper.web import session
from slotkeeper.web.forms import query_string

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

# Every asset is served by this app; nothing inline, nothing from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def money(minor: int, currency: str) -> str:
    return f"{format_minor(minor, currency)} {currency}"


def minutes_text(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    if not hours:
        return f"{mins} min"
    return f"{hours} h {mins} min" if mins else f"{hours} h"


def in_zone(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(zone(tz))


def clock(moment: datetime, tz: str) -> str:
    return in_zone(moment, tz).strftime("%H:%M")


def long_date(day: date | datetime) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def when(moment: datetime, tz: str) -> str:
    local = in_zone(moment, tz)
    return f"{long_date(local)}, {local:%H:%M}"


@lru_cache(maxsize=1)
def zone_choices() -> list[str]:
    """The zones a visitor may pick: IANA's region/city names, and UTC."""
    skip = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/", "posix")
    return ["UTC", *sorted(z for z in iana_zones() if "/" in z and not z.startswith(skip))]


STATUS_TEXT = {
    "held": "Held: waiting for confirmation",
    "requested": "Requested: waiting for the provider's approval",
    "time_suggested": "The provider suggested other times",
    "confirmed": "Confirmed",
    "declined": "Declined by the provider",
    "cancelled": "Cancelled",
    "expired": "Expired",
    "payment_failed": "Payment failed",
    "completed": "Completed",
    "no_show": "Missed (no-show)",
}

templates.env.filters.update(
    money=money, minutes=minutes_text, clock=clock, when=when, long_date=long_date
)
templates.env.globals.update(
    zone_choices=zone_choices, qs=query_string, status_text=STATUS_TEXT, exponent=exponent
)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> Response:
    values = {
        "csrf_token": session.csrf_token(request),
        "signed_in": session.signed_in_as(request),
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, values, status_code=status)


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    return render(request, "error.html", {"title": title, "detail": detail}, status)


NOT_FOUND = ("Page not found", "This link is not valid, or what it pointed to no longer exists.")


class PageRoute(APIRoute):
    """Pages answer errors with an HTML page, add security headers and keep the session
    cookie."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except session.SignInRequired:
                back = request.url.path if request.method == "GET" else "/me"
                if request.method == "GET" and request.url.query:
                    back += "?" + request.url.query
                response = RedirectResponse(
                    f"/login?{query_string({'next': back})}", status_code=303
                )
            except Problem as exc:
                response = error_page(request, exc.status, exc.title, exc.detail)
            except RequestValidationError:
                # Only a hand-edited link gets here (forms are read by the pages themselves).
                response = error_page(request, 404, *NOT_FOUND)
            except HTTPException as exc:
                detail = exc.detail if isinstance(exc.detail, str) else "The request failed."
                response = error_page(request, exc.status_code, "Request refused", detail)
            response.headers.update(SECURITY_HEADERS)
            session.save(request, response)
            return response

        return handle
