"""Real server processes (``slotkeeper serve``) on SQLite and PostgreSQL.

``serve(backend, env=..., workers=..., unguarded=...)`` returns a running ``slotkeeper
serve`` (on a free port, with its own environment, working directory and database: a temp
SQLite file or a database from ``pg_database_factory``), once ``/healthz`` answers.
Servers with the same configuration are shared by the tests of the session (every test
builds its own organization, so they do not interfere) and are terminated at its end.
``unguarded=True`` gives the race tests' control case its database: on PostgreSQL migrated
and without the ``bookings_no_overlap`` exclusion constraint.

A test module lists the servers its tests use in ``SERVERS``; they all boot in parallel
when the first server test starts.
A failing test gets the output (stdout and stderr, from the test's start) of every server
it used in its report.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.server.servers import Config, Server, ServerPool


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for server, since in getattr(item, "_servers_used", []):
            report.sections.append((f"server output ({server.base_url}, {server.database_url})",
                                    server.log(since) or "(empty)"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def new_database(tmp_path_factory: pytest.TempPathFactory,
                 pg_database_factory: Callable[[], str]) -> Callable[[str], str]:
    """An empty database on the backend: a new SQLite file, or a new PostgreSQL database."""
    root = tmp_path_factory.mktemp("server-databases")

    def create(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{root / uuid.uuid4().hex[:10]}.db"
        return pg_database_factory()

    return create


@pytest.fixture(scope="session")
def server_pool(tmp_path_factory: pytest.TempPathFactory,
                new_database: Callable[[str], str]) -> Iterator[ServerPool]:
    pool = ServerPool(tmp_path_factory.mktemp("servers"), new_database)
    yield pool
    pool.stop_all()


@pytest.fixture(scope="session", autouse=True)
def _boot_servers(request: pytest.FixtureRequest, server_pool: ServerPool) -> None:
    """Start, all at once and without waiting, every server the selected tests declare (a
    test module's ``SERVERS``; for a test parametrized by ``backend``, that backend's)."""
    wanted: dict[Config, None] = {}
    for item in request.session.items:
        declared = getattr(getattr(item, "module", None), "SERVERS", ())
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec else None
        wanted.update((c, None) for c in declared if backend in (None, c.backend))
    for config in wanted:
        # A missing PostgreSQL is reported by the tests that need it, not here.
        with contextlib.suppress(Exception, pytest.skip.Exception, pytest.fail.Exception):
            server_pool.launch(config)


@pytest.fixture
def serve(request: pytest.FixtureRequest, server_pool: ServerPool
          ) -> Iterator[Callable[..., Server]]:
    """``serve(backend, env=None, workers=1, unguarded=False) -> Server`` (running)."""
    used: list[tuple[Server, int]] = []
    request.node._servers_used = used

    def get(backend: str, env: dict[str, str] | None = None, workers: int = 1,
            unguarded: bool = False) -> Server:
        server = server_pool.get(Config.of(backend, env, workers, unguarded))
        used.append((server, server.log_size()))
        return server

    yield get
    for server, _ in used:
        if not server.alive():
            pytest.fail(f"the server died during the test; its output:\n{server.log()}")
