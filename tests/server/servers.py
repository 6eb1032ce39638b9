"""``slotkeeper serve`` processes for the real-server tests: start, wait, stop, share."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from slotkeeper.kit.migrate import upgrade

SECRET = "server-test-secret-" + "s" * 32
STARTUP_TIMEOUT = 60.0  # two workers on a loaded two-core machine took 12 s


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _command() -> list[str]:
    script = Path(sys.executable).parent / "slotkeeper"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from slotkeeper.cli import main; main()"]


def _environment(database_url: str, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLOTKEEPER_")}
    env.update(SLOTKEEPER_DATABASE_URL=database_url, SLOTKEEPER_SECRET_KEY=SECRET,
               PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


@dataclass
class Server:
    """One ``slotkeeper serve`` process and the file its output goes to."""

    database_url: str
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    workers: int = 1
    base_url: str = ""
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    healthy: bool = False
    cache: dict[str, Any] = field(default_factory=dict)  # e.g. the tests' shared owner
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    def launch(self) -> Server:
        """Start the process (without waiting for it)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = self.workdir / f"server-{port}.log"
        self._log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [*_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(self.workers)],
            env=_environment(self.database_url, self.extra_env), cwd=self.workdir,
            stdout=self._log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # its workers too can be ended as one group
        )
        return self

    def wait_healthy(self) -> Server:
        """Wait until ``/healthz`` answers; relaunch if the free port was taken meanwhile."""
        for _attempt in range(3):
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not self.healthy and time.monotonic() < deadline and self.alive():
                with contextlib.suppress(httpx.HTTPError):
                    response = httpx.get(f"{self.base_url}/healthz", timeout=1.0)
                    self.healthy = response.status_code == 200
                if not self.healthy:
                    time.sleep(0.1)
            if self.healthy:
                return self
            self.stop()
            if "address already in use" not in self.log().lower():
                break
            self.launch()
        pytest.fail(f"slotkeeper serve ({self.database_url}) did not become healthy; "
                    f"its output:\n{self.log()}")

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30.0, **kwargs)

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path and self.log_path.exists() else 0

    def log(self, since: int = 0) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as f:
            f.seek(since)
            return f.read().decode(errors="replace")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def start_server(database_url: str, workdir: Path, extra_env: dict[str, str] | None = None,
                 workers: int = 1) -> Server:
    """Start ``slotkeeper serve`` and wait until ``/healthz`` answers."""
    return Server(database_url, workdir, dict(extra_env or {}), workers).launch().wait_healthy()


def drop_no_overlap_constraint(database_url: str) -> None:
    """Remove the PostgreSQL exclusion constraint (the control case's unguarded database)."""
    url = make_url(database_url).set(drivername="postgresql+psycopg2")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap"))
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Config:
    backend: str
    env: tuple[tuple[str, str], ...] = ()
    workers: int = 1
    unguarded: bool = False

    @classmethod
    def of(cls, backend: str, env: dict[str, str] | None = None, workers: int = 1,
           unguarded: bool = False) -> Config:
        return cls(backend, tuple(sorted((env or {}).items())), workers, unguarded)


class ServerPool:
    """The session's servers, one per configuration."""

    def __init__(self, root: Path, new_database: Callable[[str], str]) -> None:
        self.root = root
        self.new_database = new_database
        self.servers: dict[Config, Server] = {}

    def database(self, config: Config) -> str:
        url = self.new_database(config.backend)
        if config.unguarded and config.backend == "postgres":
            upgrade(url)
            drop_no_overlap_constraint(url)
        return url

    def launch(self, config: Config) -> Server:
        if config not in self.servers:
            workdir = self.root / f"server-{uuid.uuid4().hex[:10]}"
            server = Server(self.database(config), workdir, dict(config.env), config.workers)
            self.servers[config] = server.launch()
        return self.servers[config]

    def get(self, config: Config) -> Server:
        server = self.launch(config)
        if server.healthy and not server.alive():
            pytest.fail(f"the shared server died; its output:\n{server.log()}")
        return server.wait_healthy()

    def stop_all(self) -> None:
        for server in self.servers.values():
            server.terminate()
        for server in self.servers.values():
            server.stop()
