"""Web pages: server-rendered, calling the same use cases as the API."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from slotkeeper.web import (
    accounts,
    admin_pages,
    booking,
    customer,
    dashboard,
    manage,
    public,
    schedule,
    session,
)
from slotkeeper.web.pages import HERE, NOT_FOUND, SECURITY_HEADERS, error_page

router = APIRouter(include_in_schema=False)
for pages in (
    public.router,
    booking.router,
    manage.router,
    accounts.router,
    customer.router,
    dashboard.router,
    schedule.router,
    admin_pages.router,
):
    router.include_router(pages)


def install_web(app: FastAPI) -> None:
    """Mount the pages at ``/`` and their assets at ``/static``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.router.default = _html_not_found(app.router.default)


def _html_not_found(api_not_found: ASGIApp) -> ASGIApp:
    """Unknown addresses get a readable page; under /api/ they keep the API's 404."""

    async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/api/"):
            await api_not_found(scope, receive, send)
            return
        request = Request(scope, receive)
        response = error_page(request, 404, *NOT_FOUND)
        response.headers.update(SECURITY_HEADERS)
        session.save(request, response)
        await response(scope, receive, send)

    return not_found
