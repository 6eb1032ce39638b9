"""The ``slotkeeper`` command as a newcomer meets it: every command says what it does,
bad input and an unreachable database give one clear line and a non-zero exit."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from slotkeeper import __version__
from slotkeeper.app import create_app
from slotkeeper.kit.settings import Settings
from tests.server.servers import SECRET, _command, _environment, _free_port
from tests.support import API

pytestmark = pytest.mark.server


def run(tmp_path: Path, *args: str, url: str | None = None, stdin: str | None = None,
        ) -> subprocess.CompletedProcess[str]:
    env = _environment(url or f"sqlite:///{tmp_path / 'cli.db'}", {})
    return subprocess.run([*_command(), *args], cwd=tmp_path, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_version(tmp_path: Path) -> None:
    done = run(tmp_path, "--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"slotkeeper {__version__}"


@pytest.mark.parametrize("url", [
    "postgresql+asyncpg://postgres:hunter22@127.0.0.1:{port}/nothing",
    "sqlite:////proc/no-such-folder/slotkeeper.db",
    "mysql://root:hunter22@127.0.0.1/slotkeeper",
])
@pytest.mark.parametrize("command", [["db", "upgrade"], ["demo-data"], ["worker"], ["serve"]])
def test_an_unusable_database_gives_one_line_and_exit_1(
    tmp_path: Path, url: str, command: list[str]
) -> None:
    url = url.format(port=_free_port())  # nothing listens there
    done = run(tmp_path, *command, url=url)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("slotkeeper: cannot use the database ")
    assert "hunter22" not in done.stderr  # the password is never printed
    assert "Traceback" not in done.stdout + done.stderr


def test_a_bad_setting_names_the_variable(tmp_path: Path) -> None:
    env = _environment(f"sqlite:///{tmp_path / 'cli.db'}", {"SLOTKEEPER_HOLD_TTL_SECONDS": "soon"})
    done = subprocess.run([*_command(), "db", "upgrade"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("slotkeeper: SLOTKEEPER_HOLD_TTL_SECONDS: ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_create_admin_refuses_a_bad_email_and_a_short_password(tmp_path: Path) -> None:
    bad_email = run(tmp_path, "create-admin", "--email", "not-an-email", "--password", "x" * 10)
    assert bad_email.returncode == 2
    assert "not an email address" in bad_email.stderr
    short = run(tmp_path, "create-admin", "--email", "root@example.com", "--password", "short")
    assert short.returncode == 2
    assert "at least 8 characters" in short.stderr
    assert not (tmp_path / "cli.db").exists()  # nothing was created


def test_create_admin_asks_for_the_password_and_the_admin_can_sign_in(tmp_path: Path) -> None:
    password = "a-secret-typed-twice"
    done = run(tmp_path, "create-admin", "--email", "Root@Example.com",
               stdin=f"{password}\n{password}\n")
    assert done.returncode == 0, done.stderr
    assert "Password" in done.stdout and "Repeat for confirmation" in done.stdout
    assert password not in done.stdout  # asked for hidden, never echoed back
    assert "created admin root@example.com" in done.stdout
    mismatch = run(tmp_path, "create-admin", "--email", "other@example.com",
                   stdin=f"{password}\nsomething-else\n")
    assert mismatch.returncode != 0
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", secret_key=SECRET,
                        run_jobs_in_process=False)
    with TestClient(create_app(settings)) as client:
        good = client.post(f"{API}/auth/token",
                           json={"email": "root@example.com", "password": password})
        assert good.status_code == 200, good.text
        never = client.post(f"{API}/auth/token",
                            json={"email": "other@example.com", "password": password})
        assert never.status_code == 401


def test_demo_data_prints_the_logins_every_time(tmp_path: Path) -> None:
    first = run(tmp_path, "demo-data")
    again = run(tmp_path, "demo-data")
    for done in (first, again):
        assert done.returncode == 0, done.stderr
        assert "owner login: owner@demo.slotkeeper.dev / demo-password" in done.stdout
        assert "customer login: customer@demo.slotkeeper.dev / demo-password" in done.stdout
    assert "loaded demo data" in first.stdout
    assert "nothing to do" in again.stdout


def _first_lines(process: subprocess.Popen[str], last: str = "Ctrl-C stops it.") -> list[str]:
    """What the command prints on starting, up to the line ``last``."""
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not lines or lines[-1] != last):
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
    return lines


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = _environment(f"sqlite:///{tmp_path / 'cli.db'}", {})
    return subprocess.Popen([*_command(), *args], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_serve_prints_its_address_and_the_docs(tmp_path: Path) -> None:
    port = _free_port()
    server = _start(tmp_path, "serve", "--port", str(port))
    try:
        lines = _first_lines(server)
        # It serves where it says, and Ctrl-C then stops it.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the server never answered at the address it printed")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    text = "\n".join(lines)
    assert f"on http://127.0.0.1:{port} " in lines[0], text
    assert f"API docs: http://127.0.0.1:{port}/docs" in text
    assert f"pages:    http://127.0.0.1:{port}/" in text


def test_worker_says_what_it_runs_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    worker = _start(tmp_path, "worker")
    try:
        lines = _first_lines(worker)
    finally:
        worker.send_signal(signal.SIGINT)
        rest, _ = worker.communicate(timeout=30)
    text = "\n".join(lines)
    assert lines[0].startswith("Slotkeeper worker on sqlite:///"), text
    assert "expired" in text and "waitlist" in text and "idempotency keys" in text
    assert "as events commit: hands them to waitlist" in text
    assert "Ctrl-C stops it." in text
    assert worker.returncode == 0
    assert "worker stopped" in rest


def test_no_command_shows_the_help(tmp_path: Path) -> None:
    done = run(tmp_path)
    for command in ("serve", "worker", "demo-data", "create-admin", "db"):
        assert command in done.stdout
