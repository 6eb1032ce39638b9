"""The README's curl walk-through, run as a newcomer would, twice in a row, against a real
``slotkeeper serve`` with the demo data: the same output both times."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.server.servers import _command, _environment, start_server

pytestmark = pytest.mark.server

README = Path(__file__).resolve().parents[2] / "README.md"


def walkthrough() -> str:
    text = README.read_text()
    section = text[text.index("## Book a slot with curl"):]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "the README's walk-through has no sh block"
    return match.group(1)


def test_the_readme_walkthrough_runs_twice_with_the_same_output(tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.fail("curl is needed to run the README's walk-through")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    loaded = subprocess.run([*_command(), "demo-data"], cwd=tmp_path, capture_output=True,
                            text=True, env=_environment(url, {}), timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    server = start_server(url, tmp_path / "server")
    try:
        script = walkthrough()
        assert "http://127.0.0.1:8000" in script
        script = script.replace("http://127.0.0.1:8000", server.base_url)
        runs = [
            subprocess.run(["bash", "-eu", "-o", "pipefail", "-c", script], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
            for _ in range(2)
        ]
    finally:
        server.stop()
    for run in runs:
        assert run.returncode == 0, (run.stdout, run.stderr, server.log())
        assert run.stderr == ""
    first, second = (run.stdout.splitlines() for run in runs)
    assert first == second
    assert first[0].startswith("first free haircut: ")
    assert first[1].startswith("confirmed ")  # status, start, price, currency
    assert first[1].endswith(" 55.00 USD")
    assert first[2] == "True"  # the retry with the same key answered the same booking
    assert '"status":409' in first[3] and "slot-taken" in first[3]
    assert first[4:] == ["confirmed", "cancelled customer"]
