"""Web pages: server-rendered, calling the same use cases as the API."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from slotkeeper.web import booking, manage, public
from slotkeeper.web.pages import HERE

router = APIRouter(include_in_schema=False)
for pages in (public.router, booking.router, manage.router):
    router.include_router(pages)


def install_web(app: FastAPI) -> None:
    """Mount the pages at ``/`` and their assets at ``/static``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
