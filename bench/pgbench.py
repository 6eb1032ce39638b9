"""pgbench running the booking transaction's SQL directly against PostgreSQL.

The statements are those ``POST /bookings`` issues for a guest booking on a capacity-1
service (captured from the app's engine; ``bench.run`` checks the app still issues as many
per booking): read the service and the provider, the providers offering the service,
expire run-out holds on the time, read weekly hours, date overrides, time off and the
bookings around the time, insert the booking and its first history event. Parameters are
pgbench variables; each transaction books a distinct time (``permute`` over a per-client
counter), so every transaction commits, as every measured app booking is a 201.

One script per provider (pgbench picks one at random per transaction), since pgbench
variables cannot be indexed.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.infra import libpq_args, libpq_env
from bench.stats import Latencies

# 2040-01-01T00:00:00Z: far from the times the app books in the same database.
EPOCH_2040 = 2208988800
SPACE = 4_000_000  # distinct 30-minute starts: more than any run can use

TEMPLATE = Path(__file__).with_name("booking.sql")

# Statements per transaction, as the app's statement counter would count them (asyncpg's
# BEGIN and COMMIT are not cursor executions, so neither is counted on either side).
STATEMENTS_PER_TRANSACTION = sum(
    line.startswith(("SELECT", "INSERT", "UPDATE", "DELETE"))
    for line in TEMPLATE.read_text().splitlines()
)


def available() -> bool:
    return shutil.which("pgbench") is not None


def write_scripts(directory: Path, providers: int) -> list[Path]:
    template = TEMPLATE.read_text()
    paths = []
    for i in range(providers):
        path = directory / f"book_p{i}.sql"
        path.write_text(template.replace("@P@", f"p{i}"))
        paths.append(path)
    return paths


@dataclass
class PgbenchResult:
    tps: float
    transactions: int
    failed: int
    latencies: Latencies
    client_cpu: float
    command: str


def run(
    url: str,
    workdir: Path,
    *,
    service_id: str,
    org_id: str,
    provider_ids: list[str],
    price_minor: int,
    currency: str,
    clients: int,
    duration: int,
    threads: int = 2,
) -> PgbenchResult:
    workdir.mkdir(parents=True, exist_ok=True)
    scripts = write_scripts(workdir, len(provider_ids))
    for old in workdir.glob("pgbench_log*"):
        old.unlink()
    defines = {
        "n": "0",
        "nclients": str(clients),
        "space": str(SPACE),
        "epoch": str(EPOCH_2040),
        "service": service_id,
        "org": org_id,
        "price": str(price_minor),
        "currency": currency,
        **{f"p{i}": pid for i, pid in enumerate(provider_ids)},
    }
    cmd = ["pgbench", "--no-vacuum", "--protocol=prepared", f"--client={clients}"]
    cmd += [f"--jobs={threads}", f"--time={duration}", "--log", "--log-prefix=pgbench_log"]
    for name, value in defines.items():
        cmd += ["-D", f"{name}={value}"]
    for script in scripts:
        cmd += ["-f", f"{script.name}@1"]
    cmd += libpq_args(url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        cmd, cwd=workdir, env=libpq_env(url), capture_output=True, text=True, timeout=duration + 120
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    tps = _number(r"^tps = ([0-9.]+) \(without initial connection time\)", done.stdout)
    transactions = int(_number(r"^number of transactions actually processed: (\d+)", done.stdout))
    failed_match = re.search(r"^number of failed transactions: (\d+)", done.stdout, re.M)
    latencies = Latencies(_logged_latencies(workdir))
    client_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    shown = " ".join(cmd[: cmd.index("-D")]) + f" -D ... -f book_p{{0..{len(scripts) - 1}}}.sql@1"
    return PgbenchResult(
        tps=tps,
        transactions=transactions,
        failed=int(failed_match.group(1)) if failed_match else 0,
        latencies=latencies,
        client_cpu=client_cpu,
        command=shown,
    )


def _number(pattern: str, text: str) -> float:
    match = re.search(pattern, text, re.M)
    if match is None:
        raise RuntimeError(f"unexpected pgbench output (no {pattern!r}):\n{text}")
    return float(match.group(1))


def _logged_latencies(workdir: Path) -> list[float]:
    """Per-transaction latencies (seconds) from pgbench's ``--log`` files."""
    out: list[float] = []
    for path in workdir.glob("pgbench_log*"):
        for line in path.read_text().splitlines():
            fields = line.split()
            # client_id transaction_no time script_no time_epoch time_us [schedule_lag]
            if len(fields) >= 6 and fields[2].isdigit():
                out.append(int(fields[2]) / 1e6)
    return out
