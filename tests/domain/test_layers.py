"""The layering docs/architecture.md promises: ``domain/`` imports nothing from the rest of
slotkeeper, and no module of ``bookings/`` grows past a few hundred lines."""

from __future__ import annotations

import ast
from pathlib import Path

import slotkeeper

PACKAGE = Path(slotkeeper.__file__).parent
MAX_BOOKINGS_LINES = 400


def _modules(folder: str) -> list[Path]:
    found = sorted((PACKAGE / folder).rglob("*.py"))
    assert found, f"no modules under {PACKAGE / folder}"
    return found


def _package_of(path: Path) -> str:
    return ".".join(["slotkeeper", *path.relative_to(PACKAGE).parent.parts])


def _imported(source: str, package: str) -> set[str]:
    """The modules ``source`` imports anywhere in it (inside functions too), with relative
    imports resolved against ``package``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            if node.module:
                names.add(base)
            else:
                names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_import_check_sees_absolute_relative_and_function_level_imports() -> None:
    source = (
        "import slotkeeper.kit.clock\n"
        "from ..bookings import service\n"
        "from . import ranges\n"
        "from .slots import SlotRules\n"
        "def f():\n"
        "    from slotkeeper.web import pages\n"
    )
    assert _imported(source, "slotkeeper.domain") == {
        "slotkeeper.kit.clock",
        "slotkeeper.bookings",
        "slotkeeper.domain.ranges",
        "slotkeeper.domain.slots",
        "slotkeeper.web",
    }


def test_domain_imports_nothing_from_the_rest_of_slotkeeper() -> None:
    outside = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("domain")
        for name in _imported(path.read_text(), _package_of(path))
        if _within(name, "slotkeeper") and not _within(name, "slotkeeper.domain")
    )
    assert not outside


def test_no_bookings_module_is_over_400_lines() -> None:
    lines = {
        str(path.relative_to(PACKAGE)): len(path.read_text().splitlines())
        for path in _modules("bookings")
    }
    too_long = {name: count for name, count in lines.items() if count > MAX_BOOKINGS_LINES}
    assert not too_long, f"split these by concept: {too_long}"


def test_bookings_tells_the_waitlist_only_through_events() -> None:
    """The seam of the event outbox: ``bookings/`` writes events and never imports the
    waitlist (which hears of freed times as a consumer)."""
    inward = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("bookings")
        for name in _imported(path.read_text(), _package_of(path))
        if _within(name, "slotkeeper.waitlist")
    )
    assert not inward
