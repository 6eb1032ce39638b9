"""Engines, sessions and the column types shared by every context.

SQLite: WAL, a busy timeout, and explicit ``BEGIN`` handling (the driver's own is
unreliable). Write transactions start with ``BEGIN IMMEDIATE`` so a check followed by an
insert is serialized across connections and processes. PostgreSQL uses one engine for
both; its guarantees come from constraints and row locks.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from prometheus_client import Counter
from sqlalchemy import DateTime, MetaData, Uuid, event, func, select
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


STATEMENTS = Counter(
    "slotkeeper_db_statements_total", "SQL statements sent to the database", ["backend"]
)


def _count_statements(engine: AsyncEngine, backend: str) -> None:
    counter = STATEMENTS.labels(backend)

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        counter.inc()


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), uuid.UUID: Uuid()}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock, serialization failure


def is_transient(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in TRANSIENT_SQLSTATES


def async_url(url: str) -> str:
    """Map the plain URLs users write onto the async drivers the app uses."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_engine(url: str, begin: str) -> AsyncEngine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(async_url(url), connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


class Database:
    """The engines of one database and the sessions the use cases run in."""

    def __init__(self, url: str, pool_size: int = 10, serialize_writes: bool = True) -> None:
        self.url = url
        self.is_sqlite = is_sqlite(url)
        # SQLite has one writer at a time. Queueing this process's writers on a lock hands
        # the write lock straight to the next one; otherwise they sleep in SQLite's busy
        # handler (up to 100 ms a poll) while the lock sits free. Other processes still
        # wait through the busy timeout. (Off only for the race tests' control case.)
        self._write_lock = asyncio.Lock() if self.is_sqlite and serialize_writes else None
        if self.is_sqlite:
            self.engine = _sqlite_engine(url, "BEGIN")
            self.write_engine = _sqlite_engine(url, "BEGIN IMMEDIATE")
        else:
            self.engine = create_async_engine(
                async_url(url), pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=False
            )
            self.write_engine = self.engine
        _count_statements(self.engine, "sqlite" if self.is_sqlite else "postgresql")
        if self.write_engine is not self.engine:
            _count_statements(self.write_engine, "sqlite")
        self._after_commit: list[Callable[[dict[str, Any]], Awaitable[None]]] = []
        self._read = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write = async_sessionmaker(self.write_engine, expire_on_commit=False)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends, rolled back on any error.

        A use case that names channels in ``session.info["notify"]`` (the event outbox
        does) has them notified: on PostgreSQL with ``NOTIFY`` inside the transaction (so
        other processes hear it at commit), and in this process by awaiting the hooks
        added with ``after_commit`` once the transaction has committed (and its lock is
        released), with the session's ``info``."""
        async with self._write_lock or nullcontext(), self._write() as session:
            try:
                yield session
                channels: set[str] = session.info.get("notify", set())
                if channels and not self.is_sqlite:
                    for channel in sorted(channels):
                        await session.execute(select(func.pg_notify(channel, "")))
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
        if channels:
            for hook in self._after_commit:
                await hook(session.info)

    def after_commit(self, hook: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        """Await ``hook(info)`` whenever a write transaction of this process that named
        channels to notify has committed."""
        self._after_commit.append(hook)

    def libpq_url(self) -> str:
        """The URL as PostgreSQL's own clients (and asyncpg) spell it."""
        return make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]], attempts: int = 3) -> T:
        """``work`` in one write transaction, run again if the database aborted it as a
        deadlock or serialization failure (it rolled back, so a retry is safe)."""
        for attempt in range(1, attempts + 1):
            try:
                async with self.write() as session:
                    return await work(session)
            except DBAPIError as exc:
                if attempt == attempts or not is_transient(exc):
                    raise
        raise AssertionError("unreachable")

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.write_engine is not self.engine:
            await self.write_engine.dispose()
