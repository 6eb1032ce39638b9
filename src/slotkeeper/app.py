"""The ASGI application: one core behind the API and the pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import APIRouter, FastAPI

from slotkeeper import __version__
from slotkeeper.accounts.deps import current_user
from slotkeeper.accounts.routes import router as accounts_router
from slotkeeper.availability.routes import router as availability_router
from slotkeeper.bookings.lifecycle_routes import router as bookings_lifecycle_router
from slotkeeper.bookings.routes import router as bookings_router
from slotkeeper.catalog.routes import router as catalog_router
from slotkeeper.connections.routes import router as connections_router
from slotkeeper.consumers import dispatcher_for
from slotkeeper.events.routes import router as events_router
from slotkeeper.jobs.sweeper import run_sweeper
from slotkeeper.kit.clock import Clock
from slotkeeper.kit.database import Database
from slotkeeper.kit.docs import install_docs
from slotkeeper.kit.observability import RequestLogging, configure_logging, ops
from slotkeeper.kit.openapi import install_problem_docs
from slotkeeper.kit.problems import install_problem_handlers
from slotkeeper.kit.settings import Settings
from slotkeeper.pricing.routes import router as pricing_router
from slotkeeper.reports.routes import router as reports_router
from slotkeeper.waitlist.routes import router as waitlist_router
from slotkeeper.web import install_web

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks = []
        if settings.run_jobs_in_process:
            tasks = [
                asyncio.create_task(
                    run_sweeper(
                        app.state.db, app.state.clock, settings.sweep_interval_seconds, stop
                    )
                ),
                asyncio.create_task(app.state.dispatcher.run(stop)),
            ]
        yield
        stop.set()
        for task in tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await app.state.db.dispose()

    app = FastAPI(
        title="Slotkeeper",
        version=__version__,
        description="Appointment booking: free slots, atomic bookings, expiring holds.",
        lifespan=lifespan,
        docs_url=None,  # install_docs serves /docs and /redoc without a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock or Clock()
    app.state.db = Database(
        settings.database_url,
        settings.db_pool_size,
        serialize_writes=settings.booking_guard != "off",
    )
    # The outbox's consumers: the inline ones right after each commit that wrote events;
    # all of them, retries included, in the loop the lifespan runs (or `slotkeeper worker`).
    app.state.dispatcher = dispatcher_for(
        app.state.db, app.state.clock, settings.sweep_interval_seconds
    )
    install_problem_handlers(app)
    app.add_middleware(RequestLogging)

    api = APIRouter(prefix=API_PREFIX)
    for router in (
        accounts_router,
        catalog_router,
        availability_router,
        bookings_router,
        bookings_lifecycle_router,
        pricing_router,
        connections_router,
        waitlist_router,
        reports_router,
        events_router,
    ):
        api.include_router(router)
    app.include_router(api)
    app.include_router(ops)
    install_problem_docs(app, sign_in=current_user)
    install_docs(app)

    install_web(app)  # the pages, "/" being the booking start page

    return app
