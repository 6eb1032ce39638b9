"""Where a served instance spends its CPU under the benchmark's load (needs py-spy).

    .venv/bin/python -m bench.profile book            # 32 clients booking, PostgreSQL
    .venv/bin/python -m bench.profile slots --backend sqlite

Samples the server with ``py-spy record --gil`` (only samples holding the GIL, i.e. Python
CPU) while the load generator drives it, then prints the share of samples by the package
of the innermost frame and the busiest frames (inclusive). py-spy is not a project
dependency: put it on PATH or pass ``--py-spy``, e.g. after
``pip install --target /tmp/pyspy py-spy`` use ``--py-spy /tmp/pyspy/bin/py-spy``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx

from bench.infra import Server, pg_database
from bench.run import loadgen, slots_path
from bench.world import booking_world, slots_world

_FRAME_LINE = re.compile(r":\d+\)$")
_PLUMBING = re.compile(r"\((asyncio|typer|uvicorn|threading|anyio|starlette)/|cli\.py|<module>")


def summarize(raw: Path, top: int) -> str:
    by_package: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_FRAME_LINE.sub(")", f) for f in stack.split(";")]
        match = re.search(r"\(([^/)]+)/", frames[-1])
        by_package[match.group(1) if match else "(other)"] += n
        for frame in set(frames):
            inclusive[frame] += n
    if not total:
        return "no samples"
    out = [f"{total} samples holding the GIL", "", "innermost frame's package:"]
    out += [f"  {100 * n / total:5.1f}%  {name}" for name, n in by_package.most_common(15)]
    out += ["", "inclusive, application and framework frames:"]
    shown = 0
    for frame, n in inclusive.most_common():
        if _PLUMBING.search(frame):
            continue
        out.append(f"  {100 * n / total:5.1f}%  {frame[:150]}")
        shown += 1
        if shown == top:
            break
    return "\n".join(out)


def profile(args: argparse.Namespace, url: str, scratch: Path) -> None:
    raw = scratch / "profile.txt"
    with Server(url, scratch / "server", args.workers) as server:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            if args.what == "book":
                world = booking_world(client)
                job = {"kind": "book", "plan": world.plan.to_json(), "concurrency": args.clients}
                loadgen(server, {**job, "offset": 0, "duration": 2.0})
            else:
                sworld = slots_world(client)
                last = sworld.first_day + timedelta(days=args.days - 1)
                path = slots_path(sworld.busy, sworld.first_day, last)
                job = {"kind": "repeat", "method": "GET", "path": path, "warmup": 0}
                loadgen(server, {**job, "runs": 20})
        command = [args.py_spy, "record", "--pid", str(server.pid), "--duration", str(args.seconds)]
        command += ["--rate", "250", "--gil", "--nonblocking", "--format", "raw"]
        command += ["--output", str(raw)]
        spy = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if args.what == "book":
            # Offsets far from the warm-up's, so every booking is a fresh, free time.
            result = loadgen(server, {**job, "offset": 20_000, "duration": float(args.seconds)})
            print(f"load: {result.statuses}, {result.data['used'] / result.data['elapsed']:.0f}/s")
        else:
            done = 0
            while spy.poll() is None:
                done += len(loadgen(server, {**job, "runs": 100}).data["latencies"])
            print(f"load: {done} slots requests")
        _, err = spy.communicate()
        if spy.returncode != 0 or not raw.exists():
            raise SystemExit(f"py-spy failed: {err.decode(errors='replace')}")
    print(summarize(raw, args.top))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("what", choices=["book", "slots"])
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--days", type=int, default=30, help="days per slots request")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--py-spy", default=shutil.which("py-spy"))
    args = parser.parse_args(argv)
    if not args.py_spy:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="slotkeeper-profile-") as tmp:
        scratch = Path(tmp)
        if args.backend == "sqlite":
            profile(args, f"sqlite:///{scratch / 'bench.db'}", scratch)
        else:
            with pg_database() as url:
                profile(args, url, scratch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
