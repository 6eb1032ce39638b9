"""The ``slotkeeper`` command."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer

from slotkeeper.kit.settings import Settings

app = typer.Typer(
    help="Slotkeeper appointment booking.", no_args_is_help=True, pretty_exceptions_enable=False
)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _upgrade(settings: Settings) -> None:
    from slotkeeper.kit.migrate import upgrade

    upgrade(settings.database_url)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply Alembic migrations up to head."""
    settings = Settings()
    _upgrade(settings)
    typer.echo(f"database is at head: {_safe_url(settings.database_url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes")] = 1,
) -> None:
    """Apply pending migrations, then serve the API (jobs run in-process by default)."""
    import uvicorn

    settings = Settings()
    _upgrade(settings)
    settings.signing_key  # noqa: B018 - create ./var/secret once, before workers race for it
    uvicorn.run(
        "slotkeeper.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@app.command("demo-data")
def demo_data() -> None:
    """Load the demo organizations, providers, services and bookings (idempotent)."""
    from slotkeeper.demo import load_demo

    settings = Settings()
    _upgrade(settings)
    summary = asyncio.run(load_demo(settings))
    typer.echo(summary)


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(help="The admin's email")],
    password: Annotated[str, typer.Option(help="At least 8 characters")],
    name: Annotated[str, typer.Option(help="Display name")] = "Administrator",
) -> None:
    """Create a superadmin account (or promote an existing one, resetting its password)."""
    from slotkeeper.accounts.cli import create_admin as run

    if len(password) < 8:
        raise typer.BadParameter(
            "password must have at least 8 characters", param_hint="--password"
        )
    settings = Settings()
    _upgrade(settings)
    typer.echo(asyncio.run(run(settings, email, password, name)))


@app.command()
def worker() -> None:
    """Run background jobs (the hold sweeper) until interrupted."""
    from slotkeeper.jobs.sweeper import run_sweeper
    from slotkeeper.kit.clock import Clock
    from slotkeeper.kit.database import Database
    from slotkeeper.kit.observability import configure_logging

    settings = Settings()
    configure_logging(settings.log_level)
    _upgrade(settings)

    async def main() -> None:
        db = Database(settings.database_url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await run_sweeper(db, Clock(), settings.sweep_interval_seconds, stop)
        finally:
            await db.dispose()

    asyncio.run(main())


def main() -> None:
    app()
