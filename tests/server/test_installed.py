"""The installed package works: a wheel built from the checkout, installed (not editable)
into a fresh virtualenv, loads the demo and serves every page and asset without an error.

Every other test runs against the editable install, which reads templates and static files
straight from ``src/``: a file that pyproject's package data missed went unseen (``pip
install .`` once answered 500 on every /admin page, ``TemplateNotFound: admin/index.html``).

1. The build. The checkout's files (git's tracked ones and the untracked ones it does not
   ignore) are copied to a temp tree and the wheel is built there: nothing is written into
   the checkout, and the files below are compared with exactly the tree that was built
   (others may be editing the checkout meanwhile). The project venv's setuptools builds it
   when it can (pyproject asks for setuptools>=68; ``bdist_wheel`` is part of setuptools
   from 70.1 on, before that it needs the ``wheel`` package); otherwise pip builds it in
   an isolated build environment, fetching setuptools from the package index.
2. The fresh virtualenv is made without pip (ensurepip alone takes ~6 s); the project venv's
   pip installs the wheel into it (``pip --python``), non-editable, without dependencies.
   The dependencies are not downloaded either: a ``.pth`` file in the fresh venv's
   site-packages names the project venv's site-packages. A directory named in a ``.pth``
   file is appended to ``sys.path``, but the ``.pth`` files in it are not processed, so the
   editable install's ``.pth`` (which puts the checkout's ``src/`` on the path) has no
   effect: the test asserts that ``slotkeeper`` is imported from the fresh venv.
3. Only the fresh venv's ``slotkeeper`` command runs, in a temp working directory (its
   ``./var/secret`` lands there) with a fresh SQLite file: ``db upgrade``, ``demo-data``,
   ``serve`` on a free port.
4. The sweep. A script run by the fresh venv's Python lists the installed app's routes
   (GET routes, and each mount: for ``StaticFiles`` its directories and their files). The
   test signs in as the demo owner through the login form (cookie session, CSRF token), then
   requests every GET route, its path parameters filled from the demo data as the API shows
   it to the owner (every organization the owner manages, their locations, providers,
   services, bookings, series; one discount code per organization is added through the API,
   as the demo has none), pages with the session cookie, ``/api/`` routes with the owner's
   bearer token. Every file of every ``StaticFiles`` mount and every same-site asset a page
   links to is fetched as well. No answer may be a 5xx; each answer must be the one
   expected (200 unless ``_special`` says otherwise, e.g. an intended redirect; /admin must
   list the demo's organizations), and a GET route that is neither requested nor listed in
   ``SKIPPED`` fails the test, so a new page cannot escape the sweep. Guests' manage pages
   need no token: the owner, signed in, opens them as the organization's admin.
5. Shipped files: the installed package's templates and static folders must hold exactly the
   built tree's files (same relative paths, same bytes), and every file of the built tree's
   ``src/slotkeeper`` must be in the installed package: a file the package data misses is
   caught even if no page of the demo renders it.

Processes are ended (their process group) at teardown, whatever happens.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import pytest

from slotkeeper.demo import DEMO_EMAIL, DEMO_PASSWORD, ORGS
from tests.support import missing

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[2]
PACKAGE = Path("src") / "slotkeeper"
API = "/api/v1"
STARTUP_TIMEOUT = 60.0
NO_ANSWER = 599  # the status recorded for a request the server gave no answer to
MARKER = "ROUTES-JSON:"

# GET routes the sweep does not request, and why (none so far: every GET route is filled).
SKIPPED: dict[str, str] = {}

# Run by the fresh venv's Python: where slotkeeper comes from, and the installed app's
# routes. FastAPI 0.165 keeps included routers as one route each (``app.routes`` does not
# list their routes); ``fastapi.routing.iter_route_contexts`` flattens them.
PROBE = r"""
import json, sys
from pathlib import Path

import slotkeeper
from slotkeeper.app import create_app

try:
    from fastapi.routing import iter_route_contexts
except ImportError:  # an older FastAPI: app.routes is flat
    iter_route_contexts = None

routes, mounts, others = [], [], []


def walk(items, prefix):
    for route in iter_route_contexts(items) if iter_route_contexts else items:
        path = prefix + (getattr(route, "path", "") or "")
        app = getattr(route, "app", None)
        methods = getattr(route, "methods", None)
        if methods is not None:
            routes.append({
                "path": path,
                "format": prefix + (getattr(route, "path_format", None) or path),
                "methods": sorted(methods),
            })
        elif hasattr(app, "all_directories"):  # StaticFiles
            files = set()
            for directory in app.all_directories:
                top = Path(directory)
                files.update(p.relative_to(top).as_posix() for p in top.rglob("*")
                             if p.is_file())
            mounts.append({"path": path, "directories": [str(d) for d in app.all_directories],
                           "files": sorted(files)})
        elif hasattr(app, "routes"):  # a mounted router or application
            walk(app.routes, path)
        else:
            others.append({"path": path, "kind": type(route).__name__})


walk(create_app().routes, "")
print("MARKER" + json.dumps({
    "module": slotkeeper.__file__, "sys_path": sys.path,
    "routes": routes, "mounts": mounts, "others": others,
}))
""".replace("MARKER", MARKER)


# --- building and installing ------------------------------------------------------------


def _run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 300) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, (
        f"{' '.join(map(str, args))} exited with {done.returncode}:\n"
        f"{done.stdout[-5000:]}\n{done.stderr[-5000:]}")
    return done.stdout


def _copy_checkout(tree: Path) -> None:
    """The checkout's files as git sees them (tracked, or untracked and not ignored)."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"], capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        missing(f"git, to list the checkout's files ({exc})")
    for name in filter(None, listed.decode().split("\0")):
        source = REPO / name
        if source.is_file():  # not one deleted meanwhile
            target = tree / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version)[:3])


def _venv_can_build() -> bool:
    """Whether this venv's setuptools builds wheels and satisfies pyproject (>=68)."""
    try:
        setuptools = _numbers(metadata.version("setuptools"))
    except metadata.PackageNotFoundError:
        return False
    if setuptools >= (70, 1):
        return True
    try:
        metadata.version("wheel")
    except metadata.PackageNotFoundError:
        return False
    return setuptools >= (68,)


def _build_wheel(tree: Path, out: Path) -> Path:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(tree)]
    if _venv_can_build():
        _run([*command, "--no-build-isolation"], cwd=tree)
    else:
        done = subprocess.run(command, cwd=tree, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            missing("a build backend: this venv's setuptools cannot build wheels and pip "
                    f"could not fetch one from the index:\n{done.stdout[-3000:]}"
                    f"\n{done.stderr[-3000:]}")
    wheels = list(out.glob("slotkeeper-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _fresh_venv(root: Path, wheel: Path) -> Path:
    """A new venv with the wheel installed; the dependencies come from this venv."""
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=root)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
          "--no-index", wheel], cwd=root)
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     cwd=root).strip())
    ours = dict.fromkeys(sysconfig.get_path(k) for k in ("purelib", "platlib"))
    (site / "project_venv_dependencies.pth").write_text("".join(f"{d}\n" for d in ours))
    return venv


def _environment(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLOTKEEPER_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(SLOTKEEPER_DATABASE_URL=f"sqlite:///{root / 'demo.db'}",
               PYTHONUNBUFFERED="1",
               PYTHONDONTWRITEBYTECODE="1")  # nothing written into the project venv
    return env


# --- the server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the process and its group (it was started as a session leader)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    """The processes the test starts; all are ended at teardown."""
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        _stop(process)


def _serve(command: Path, root: Path, env: dict[str, str], log: Path,
           started: list[subprocess.Popen[bytes]]) -> str:
    """``slotkeeper serve`` on a free port, once ``/healthz`` answers; its base URL."""
    for _attempt in range(3):
        port = _free_port()
        with log.open("ab") as out:
            process = subprocess.Popen(
                [str(command), "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                    return base
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        _stop(process)
        if "address already in use" not in log.read_text(errors="replace").lower():
            break
    pytest.fail(f"slotkeeper serve did not become healthy; its output:\n{log.read_text()}")


# --- the sweep ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Want:
    """The expected answer: a status, for a redirect the start of its Location, and texts
    the body must contain."""

    status: int = 200
    location: str = ""
    contains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Call:
    route: str
    url: str
    params: tuple[tuple[str, str], ...] = ()
    want: Want = Want()


PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _fill(route: str, values: dict[str, Any]) -> str:
    return PARAM.sub(lambda m: str(values[m.group(1)]), route)


def _params(route: str) -> set[str]:
    return set(PARAM.findall(route))


def _special(route: str, ctx: dict[str, Any], sweep: Sweep) -> list[Call] | None:
    """The calls of a route that needs more than its path filled, else ``None``."""
    if route == "/login":  # signed in: straight on to the account's page
        return [Call(route, "/login", want=Want(303, "/me"))]
    if route == "/admin":  # the organizations the owner runs
        return [Call(route, route, want=Want(contains=tuple(o.name for o in ORGS)))]
    if route == "/admin/{org_id}":  # an organization's admin opens on its services
        return [Call(route, _fill(route, ctx), want=Want(303, _fill(route, ctx) + "/services"))]
    if route in ("/o/{org_id}/times", "/o/{org_id}/details"):
        if "service_id" not in ctx or "provider_id" not in ctx or "booking_id" in ctx:
            return []
        choice = (("provider_id", str(ctx["provider_id"])),
                  ("service_id", str(ctx["service_id"])))
        url = _fill(route, ctx)
        if route.endswith("/times"):
            return [Call(route, url, choice)]
        # Without a time the details page sends the visitor to pick one.
        picked = [Call(route, url, choice, Want(303, f"/o/{ctx['org_id']}/times?"))]
        start = sweep.first_slot(ctx)
        if start is not None:
            picked.append(Call(route, url, (*choice, ("start", start))))
        return picked
    if route == "/api/v1/services/{service_id}/slots":
        if "provider_id" not in ctx or "booking_id" in ctx:
            return []
        sweep.first_slot(ctx)  # the API's slots route, recorded
        return []
    return None


@dataclass
class Sweep:
    """The signed-in client, and every call made with it and its answer."""

    client: httpx.Client
    api_headers: dict[str, str] = field(default_factory=dict)
    hits: list[tuple[Call, httpx.Response]] = field(default_factory=list)
    slots: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def call(self, call: Call) -> httpx.Response:
        headers = self.api_headers if call.url.startswith("/api/") else {}
        for _attempt in range(2):
            try:
                response = self.client.get(call.url, params=dict(call.params) or None,
                                           headers=headers)
                break
            except httpx.TransportError as exc:
                # After a 500 the server closes the connection; the next request on it (kept
                # alive by the client) is reset, so it is sent once more, on a new one.
                response = httpx.Response(NO_ANSWER, text=f"no answer: {exc!r}",
                                          request=exc.request)
        self.hits.append((call, response))
        return response

    def first_slot(self, ctx: dict[str, Any]) -> str | None:
        """The first free start of the service with the provider in the next two weeks,
        from the API's slots route (asked once per pair)."""
        pair = (str(ctx["service_id"]), str(ctx["provider_id"]))
        if pair not in self.slots:
            # From tomorrow in UTC, which is not yet over in any of the demo's time zones.
            first = datetime.now(UTC).date() + timedelta(days=1)
            response = self.call(Call(
                "/api/v1/services/{service_id}/slots", f"{API}/services/{pair[0]}/slots",
                (("start_date", first.isoformat()),
                 ("end_date", (first + timedelta(days=13)).isoformat()),
                 ("provider_id", pair[1]))))
            found = response.json()["slots"] if response.status_code == 200 else []
            self.slots[pair] = str(found[0]["start"]) if found else None
        return self.slots[pair]


def _sign_in(client: httpx.Client) -> httpx.Response:
    """Sign in through the login form as the demo owner; the (anonymous) form's answer."""
    form = client.get("/login")
    assert form.status_code == 200, form.text
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', form.text)
    assert field is not None, form.text
    token = re.search(r'value="([^"]*)"', field.group(0))
    assert token is not None, field.group(0)
    done = client.post("/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD,
                                       "csrf_token": token.group(1), "next": "/admin"})
    assert (done.status_code, done.headers.get("location")) == (303, "/admin"), done.text
    return form


def _demo_contexts(sweep: Sweep) -> list[dict[str, Any]]:
    """Consistent sets of path parameter values, from the API as the owner sees it."""
    def get(url: str, **params: Any) -> Any:
        response = sweep.client.get(url, params=params or None, headers=sweep.api_headers)
        assert response.status_code == 200, (url, response.status_code, response.text)
        return response.json()

    me = get(f"{API}/me")
    managed = [o for o in me["organizations"] if o["role"] in ("owner", "admin")]
    assert sorted(o["name"] for o in managed) == sorted(o.name for o in ORGS), me
    contexts: list[dict[str, Any]] = []
    for org in managed:
        org_id = org["organization_id"]
        contexts.append({"org_id": org_id})
        for location in get(f"{API}/organizations/{org_id}")["locations"]:
            contexts.append({"org_id": org_id, "location_id": location["id"]})
        for provider in get(f"{API}/organizations/{org_id}/providers"):
            contexts.append({"org_id": org_id, "provider_id": provider["id"]})
        for service in get(f"{API}/organizations/{org_id}/services"):
            contexts.append({"org_id": org_id, "service_id": service["id"]})
            contexts.extend({"org_id": org_id, "service_id": service["id"],
                             "provider_id": p} for p in service["provider_ids"])
        made = sweep.client.post(f"{API}/organizations/{org_id}/discount-codes",
                                 json={"code": "SWEEP10", "kind": "percent", "value": "10"},
                                 headers=sweep.api_headers)
        assert made.status_code == 201, made.text
        for code in get(f"{API}/organizations/{org_id}/discount-codes"):
            contexts.append({"org_id": org_id, "code_id": code["id"]})
    bookings = get(f"{API}/bookings", limit=500)
    assert bookings, "the demo has no bookings"
    for booking in bookings:
        contexts.append({"org_id": booking["organization_id"], "booking_id": booking["id"],
                         "provider_id": booking["provider_id"],
                         "service_id": booking["service_id"]})
        if booking["series_id"]:
            contexts.append({"org_id": booking["organization_id"],
                             "series_id": booking["series_id"]})
    return contexts


def _plan(routes: list[dict[str, Any]], contexts: list[dict[str, Any]], sweep: Sweep
          ) -> tuple[list[Call], list[str]]:
    """The calls of every GET route, and the GET routes no call could be made for."""
    planned: list[Call] = []
    unfilled: list[str] = []
    for route in routes:
        if "GET" not in route["methods"] or route["path"] in SKIPPED:
            continue
        path, wanted = route["format"], _params(route["format"])
        calls: dict[Call, None] = {}  # in order, without repeats
        for ctx in [{}, *contexts]:
            if not wanted <= ctx.keys():
                continue
            special = _special(path, ctx, sweep)
            if special is not None:
                calls.update(dict.fromkeys(special))
                continue
            calls[Call(path, _fill(path, ctx))] = None
        requested_already = any(c.route == path for c, _ in sweep.hits)
        if not calls and not requested_already:
            unfilled.append(path)
        planned.extend(calls)
    return planned, unfilled


ASSET = re.compile(r'(?:href|src)="(/(?!/)[^"#?]*)')


def _check(call: Call, response: httpx.Response) -> str | None:
    """What is wrong with the answer, or ``None``."""
    status, where = response.status_code, response.headers.get("location", "")
    absent = [text for text in call.want.contains if text not in response.text]
    if status == call.want.status and where.startswith(call.want.location) and not absent:
        return None
    if absent and status == call.want.status:
        return f"GET {call.url}: {status} without {absent}"
    shown = f" -> {where}" if where else ""
    body = response.text[:300].replace("\n", " ") if status != call.want.status else ""
    return (f"GET {response.request.url.raw_path.decode()}: {status}{shown}, expected "
            f"{call.want.status} {call.want.location} {body}".rstrip())


# --- comparing the shipped files ----------------------------------------------------------


def _files(top: Path) -> dict[str, bytes]:
    return {p.relative_to(top).as_posix(): p.read_bytes() for p in top.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def _shipped(built: Path, installed: Path, exact: set[str]) -> list[str]:
    """How the installed package differs from the built tree's ``src/slotkeeper``: every
    built file must be installed with the same bytes, and the folders in ``exact`` (the
    templates, the static files) must hold nothing else."""
    ours, theirs = _files(built), _files(installed)
    problems = [f"slotkeeper/{n}: in the built tree, not in the installed package"
                for n in sorted(ours.keys() - theirs.keys())]
    problems += [f"slotkeeper/{n}: the installed file differs from the built tree's"
                 for n in sorted(ours.keys() & theirs.keys()) if ours[n] != theirs[n]]
    problems += [f"slotkeeper/{n}: installed, but not in the built tree"
                 for n in sorted(theirs.keys() - ours.keys())
                 if any(n.startswith(f"{folder}/") for folder in exact)]
    return problems


# --- the test -----------------------------------------------------------------------------


def test_the_installed_package_serves_every_page_and_asset_of_the_demo(
    tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    clock = time.monotonic()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        timings[name] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    tree, out, root = tmp_path / "tree", tmp_path / "dist", tmp_path / "run"
    root.mkdir()
    _copy_checkout(tree)
    wheel = _build_wheel(tree, out)
    lap("build")
    venv = _fresh_venv(root, wheel)
    env = _environment(root)
    lap("install")

    # Where slotkeeper comes from, and what the installed app routes to.
    (root / "probe.py").write_text(PROBE)
    probed = _run([venv / "bin" / "python", root / "probe.py"], cwd=root, env=env)
    found = json.loads(probed.split(MARKER, 1)[1])
    module = Path(found["module"]).resolve()
    assert module.is_relative_to(venv.resolve()), (module, found["sys_path"])
    assert not module.is_relative_to(REPO / "src"), module
    slotkeeper = venv / "bin" / "slotkeeper"
    assert slotkeeper.read_text().startswith(f"#!{venv / 'bin' / 'python'}\n")
    installed = module.parent
    assert not found["others"], f"routes the sweep cannot handle: {found['others']}"

    # The files: templates and static ones (those of every mount inside the package)
    # exactly, and every other file of the built tree's package.
    exact = {"web/templates", "web/static"} | {
        Path(d).resolve().relative_to(installed).as_posix()
        for m in found["mounts"] for d in m["directories"]
        if Path(d).resolve().is_relative_to(installed)}
    for folder in sorted(exact):
        assert (tree / PACKAGE / folder).is_dir(), f"no {folder} in {tree / PACKAGE}"
    problems = _shipped(tree / PACKAGE, installed, exact)

    _run([slotkeeper, "db", "upgrade"], cwd=root, env=env)
    loaded = _run([slotkeeper, "demo-data"], cwd=root, env=env)
    assert "loaded demo data" in loaded, loaded
    lap("demo data")
    log = root / "serve.log"
    base = _serve(slotkeeper, root, env, log, started)
    lap("start")

    with httpx.Client(base_url=base, timeout=30.0) as client:
        sweep = Sweep(client)
        sweep.hits.append((Call("/login", "/login"), _sign_in(client)))
        token = client.post(f"{API}/auth/token",
                            json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
        assert token.status_code == 200, token.text
        sweep.api_headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        contexts = _demo_contexts(sweep)
        planned, unfilled = _plan(found["routes"], contexts, sweep)
        for call in planned:
            sweep.call(call)
        # Every file of every static mount, with the bytes on disk (unless a route serves
        # that address instead: the docs' ReDoc script is served patched).
        shadowed = {r["path"] for r in found["routes"]}
        for mount in found["mounts"]:
            for name in mount["files"]:
                url = f"{mount['path']}/{name}"
                response = sweep.call(Call(f"mount {mount['path']}", url))
                if response.status_code == 200 and url not in shadowed:
                    on_disk = next(Path(d) / name for d in mount["directories"]
                                   if (Path(d) / name).is_file())
                    if response.content != on_disk.read_bytes():
                        problems.append(f"{mount['path']}/{name} differs from {on_disk}")
        # Every same-site asset a page links to.
        linked: dict[str, None] = {}
        for _, response in sweep.hits:
            if response.headers.get("content-type", "").startswith("text/html"):
                for url in ASSET.findall(response.text):
                    if any(url.startswith(m["path"] + "/") for m in found["mounts"]):
                        linked[url] = None
        fetched = {c.url for c, _ in sweep.hits}
        for url in linked.keys() - fetched:
            sweep.call(Call("linked asset", url))
    lap("sweep")

    if started[-1].poll() is not None:
        problems.append(f"the server exited with {started[-1].returncode}")
    problems += [f"GET route neither requested nor in SKIPPED: {p}" for p in unfilled]
    get_routes = {r["path"] for r in found["routes"] if "GET" in r["methods"]}
    problems += [f"SKIPPED names no GET route: {p}" for p in SKIPPED.keys() - get_routes]
    problems += [p for c, r in sweep.hits if (p := _check(c, r)) is not None]
    errors = [c.url for c, r in sweep.hits if r.status_code >= 500]
    requested = get_routes & {c.route for c, _ in sweep.hits}
    print(f"timings (s): {timings}; {len(found['routes'])} routes, {len(get_routes)} GET, "
          f"{len(requested)} of them requested, {len(SKIPPED)} skipped; "
          f"{sum(len(m['files']) for m in found['mounts'])} files in "
          f"{len(found['mounts'])} static mounts; {len(linked)} linked assets; "
          f"{len(sweep.hits)} requests")
    assert not problems, (f"{len(problems)} problems ({len(errors)} answers 5xx):\n"
                          + "\n".join(problems)
                          + f"\n--- server output:\n{log.read_text(errors='replace')[-20000:]}")
