"""Throwaway databases, a served instance in a subprocess, metrics and CPU accounting."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

PG_ADMIN_URL = os.environ.get("SLOTKEEPER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
SECRET_KEY = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
_CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- PostgreSQL ---------------------------------------------------------------------------


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _pg_fetchval(url: str, sql: str, *args: object) -> object:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=5)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


def pg_fetchval(url: str, sql: str, *args: object) -> object:
    return asyncio.run(_pg_fetchval(url, sql, *args))


def pg_available() -> str | None:
    """None when the admin database answers, else why not."""
    try:
        asyncio.run(_pg_admin("SELECT 1"))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def pg_version() -> str:
    try:
        return str(pg_fetchval(PG_ADMIN_URL, "SHOW server_version"))
    except Exception:
        return "?"


@contextlib.contextmanager
def pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped on exit."""
    name = f"slotkeeper_bench_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def libpq_args(url: str) -> list[str]:
    """``-h -p -U -d`` for PostgreSQL's command-line tools."""
    u = make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432)]
    if u.username:
        args += ["-U", u.username]
    return [*args, "-d", u.database or "postgres"]


def libpq_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    password = make_url(url).password
    if password:
        env["PGPASSWORD"] = str(password)
    return env


# -- the served instance ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def slotkeeper_command() -> list[str]:
    script = Path(sys.executable).parent / "slotkeeper"
    if script.exists():
        return [str(script)]
    found = shutil.which("slotkeeper")
    if found is None:
        raise SystemExit("the slotkeeper console script is not installed (pip install -e .)")
    return [found]


class Server:
    """``slotkeeper serve`` in its own process group, in a scratch directory; always stopped."""

    def __init__(self, database_url: str, workdir: Path, workers: int = 1) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "SLOTKEEPER_DATABASE_URL": self.database_url,
            "SLOTKEEPER_SECRET_KEY": SECRET_KEY,
            "SLOTKEEPER_RUN_JOBS_IN_PROCESS": "true",
        }
        cmd = [
            *slotkeeper_command(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            cmd,
            cwd=self.workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float = 90.0) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/readyz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"server not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        # SIGINT is uvicorn's graceful shutdown (workers included); escalate if ignored.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu_seconds(self) -> float:
        """User + system CPU of the server and its worker processes so far."""
        return tree_cpu_seconds(self.pid)


# -- metrics ------------------------------------------------------------------------------

_STATEMENTS = re.compile(r"^slotkeeper_db_statements_total\{[^}]*\}\s+([0-9.eE+-]+)\s*$", re.M)


def statements_total(client: httpx.Client) -> float:
    """Sum of ``slotkeeper_db_statements_total`` over backends, from GET /metrics."""
    response = client.get("/metrics")
    response.raise_for_status()
    return sum(float(v) for v in _STATEMENTS.findall(response.text))


# -- CPU accounting from /proc -------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int, float, float] | None:
    """(command, parent pid, own CPU seconds, waited-for children's CPU seconds)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[0] is field 3 of proc_pid_stat(5): ppid is 4, utime/stime 14/15, cutime/cstime
    # 16/17.
    own = (int(fields[11]) + int(fields[12])) / _CLK_TCK
    reaped = (int(fields[13]) + int(fields[14])) / _CLK_TCK
    return name, int(fields[1]), own, reaped


def _all_stats() -> dict[int, tuple[str, int, float, float]]:
    stats = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                stats[int(entry.name)] = stat
    return stats


def tree_cpu_seconds(root: int) -> float:
    stats = _all_stats()
    children: dict[int, list[int]] = {}
    for pid, (_, ppid, _, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][2]
        todo.extend(children.get(pid, []))
    return total


def postgres_cpu_seconds() -> float:
    """CPU of the local PostgreSQL cluster: its live processes, plus what the postmaster
    collected from backends that have exited (closed connections)."""
    stats = _all_stats()
    total = 0.0
    for name, ppid, own, reaped in stats.values():
        if not name.startswith("postgres"):
            continue
        total += own
        if not stats.get(ppid, ("",))[0].startswith("postgres"):
            total += reaped  # the postmaster
    return total
