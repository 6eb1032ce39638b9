"""Databases built by the migrations, on SQLite and on PostgreSQL, and app clients."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from slotkeeper.app import create_app
from slotkeeper.kit.clock import FrozenClock
from slotkeeper.kit.migrate import upgrade
from slotkeeper.kit.settings import Settings
from tests.support import PG_ADMIN_URL, missing

# Tests run at a fixed "now", a Monday well before the DST dates they book.
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg2")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def pg_available() -> bool:
    try:
        with _pg_admin_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_database_factory():  # type: ignore[no-untyped-def]
    """Creates fresh PostgreSQL databases and drops them all at the end of the session."""
    created: list[str] = []

    def create() -> str:
        if not pg_available():
            missing("PostgreSQL on 127.0.0.1:5432")
        name = f"slotkeeper_test_{uuid.uuid4().hex[:12]}"
        with _pg_admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    yield create
    if created:
        with _pg_admin_engine().connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def migrated_urls(tmp_path_factory: pytest.TempPathFactory, pg_database_factory
                  ) -> dict[str, object]:
    """One migrated database per backend for the session, made lazily."""
    cache: dict[str, object] = {}

    def get(backend: str) -> str:
        if backend not in cache:
            if backend == "sqlite":
                path: Path = tmp_path_factory.mktemp("sqlite") / "slotkeeper.db"
                url = f"sqlite:///{path}"
            else:
                url = pg_database_factory()
            upgrade(url)
            cache[backend] = url
        return str(cache[backend])

    return {"get": get}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, migrated_urls: dict) -> str:
    return str(migrated_urls["get"](backend))


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url, secret_key="test-secret-key-" + "x" * 32,
        run_jobs_in_process=False, hold_ttl_seconds=600,
    )


@pytest.fixture
def client(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    app = create_app(settings, clock)
    with TestClient(app) as test_client:
        yield test_client
