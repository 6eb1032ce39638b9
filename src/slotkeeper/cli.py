"""The ``slotkeeper`` command."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from pydantic import ValidationError

from slotkeeper import __version__
from slotkeeper.kit.settings import Settings

app = typer.Typer(
    help="Slotkeeper appointment booking.", no_args_is_help=True, pretty_exceptions_enable=False
)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"slotkeeper {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Slotkeeper appointment booking."""


def _fail(message: str) -> typer.Exit:
    typer.secho(f"slotkeeper: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(1)


def _settings() -> Settings:
    """The settings from the environment, or one line naming the bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "SLOTKEEPER_" + "_".join(str(part) for part in first["loc"]).upper()
        raise _fail(f"{name}: {first['msg']}") from None


def _first_line(exc: BaseException) -> str:
    from sqlalchemy.exc import DBAPIError

    reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(reason).strip().splitlines()
    return text[0] if text else type(reason).__name__


@contextmanager
def _database(settings: Settings) -> Iterator[None]:
    """Reaching the database fails with one line and exit status 1, not a traceback."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    try:
        yield
    except (OSError, DBAPIError, ArgumentError, NoSuchModuleError, ValueError) as exc:
        safe = _safe_url(settings.database_url)
        reason = _first_line(exc).replace(settings.database_url, safe)
        raise _fail(f"cannot use the database {safe}: {reason}") from None


def _upgrade(settings: Settings) -> None:
    from slotkeeper.kit.migrate import upgrade

    with _database(settings):
        upgrade(settings.database_url)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply Alembic migrations up to head."""
    settings = _settings()
    _upgrade(settings)
    typer.echo(f"database is at head: {_safe_url(settings.database_url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


def _http_address(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes")] = 1,
) -> None:
    """Apply pending migrations, then serve the API (jobs run in-process by default)."""
    import uvicorn

    settings = _settings()
    _upgrade(settings)
    settings.signing_key  # noqa: B018 - create ./var/secret once, before workers race for it
    address = _http_address(host, port)
    jobs = "in this process" if settings.run_jobs_in_process else "off; run `slotkeeper worker`"
    typer.echo(
        f"Slotkeeper {__version__} on {address} ({workers} process"
        f"{'es' if workers > 1 else ''}; database {_safe_url(settings.database_url)})\n"
        f"  pages:    {address}/\n"
        f"  API docs: {address}/docs\n"
        f"  jobs:     {jobs}\n"
        "Ctrl-C stops it."
    )
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

    settings = _settings()
    _upgrade(settings)
    with _database(settings):
        summary = asyncio.run(load_demo(settings))
    typer.echo(summary)


def _valid_email(value: str) -> str:
    from pydantic import EmailStr, TypeAdapter

    try:
        return str(TypeAdapter(EmailStr).validate_python(value))
    except ValidationError as exc:
        reason = str(exc.errors()[0]["msg"]).removeprefix("value is not a valid email address: ")
        raise typer.BadParameter(f"{value!r} is not an email address: {reason}") from None


def _valid_password(value: str) -> str:
    if len(value) < 8:
        raise typer.BadParameter("must have at least 8 characters")
    if len(value) > 200:
        raise typer.BadParameter("must have at most 200 characters")
    return value


def _valid_name(value: str) -> str:
    if not value.strip() or len(value) > 200 or "\x00" in value:
        raise typer.BadParameter("must be 1 to 200 characters")
    return value


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(help="The admin's email", callback=_valid_email)],
    password: Annotated[
        str,
        typer.Option(
            help="At least 8 characters; asked for (hidden) when not given",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            callback=_valid_password,
        ),
    ],
    name: Annotated[str, typer.Option(help="Display name", callback=_valid_name)] = "Administrator",
) -> None:
    """Create a superadmin account (or promote an existing one, resetting its password)."""
    from slotkeeper.accounts.cli import create_admin as run

    settings = _settings()
    _upgrade(settings)
    with _database(settings):
        typer.echo(asyncio.run(run(settings, email, password, name)))


@app.command()
def worker() -> None:
    """Run background jobs (the hold sweeper, the event outbox's consumers) until
    interrupted."""
    from slotkeeper.consumers import dispatcher_for
    from slotkeeper.jobs.sweeper import PRUNE_EVERY, run_sweeper
    from slotkeeper.kit.clock import Clock
    from slotkeeper.kit.database import Database
    from slotkeeper.kit.observability import configure_logging

    settings = _settings()
    configure_logging(settings.log_level)
    _upgrade(settings)

    async def main() -> None:
        db = Database(settings.database_url)
        clock = Clock()
        dispatcher = dispatcher_for(db, clock, settings.sweep_interval_seconds)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        typer.echo(
            f"Slotkeeper worker on {_safe_url(settings.database_url)}:\n"
            f"  every {settings.sweep_interval_seconds:g} s: marks run-out holds and unanswered"
            " requests expired, and offers their times to the waitlist\n"
            f"  every {PRUNE_EVERY / 3600:g} h: forgets idempotency keys older than a day\n"
            f"  as events commit: hands them to {', '.join(dispatcher.consumers)},"
            " retrying what fails\n"
            "Ctrl-C stops it."
        )
        try:
            await asyncio.gather(
                run_sweeper(db, clock, settings.sweep_interval_seconds, stop),
                dispatcher.run(stop),
            )
        finally:
            await db.dispose()

    asyncio.run(main())
    typer.echo("worker stopped")


def main() -> None:
    app()
