"""SQL belongs in ``repository.py``: this finds query building anywhere else in a domain.

A module breaks the rule when it takes ``select``/``insert``/``update``/``delete``/``text``
from SQLAlchemy (however imported: ``from sqlalchemy import select``, ``sqlalchemy.select``,
``sa.select``, a dialect's ``insert``) or calls a raw driver (``exec_driver_sql``, asyncpg's
``fetch``/``fetchrow``/``copy_records_to_table``). ``python -m app.tools.nosql`` lists each
place and exits 1; ``ALLOWED`` names the exceptions, each with its reason."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parents[1]
QUERY_BUILDERS = {"select", "insert", "update", "delete", "text"}
RAW_DRIVER_CALLS = {"exec_driver_sql", "fetch", "fetchrow", "fetchval", "copy_records_to_table"}
ALLOWED: dict[str, str] = {}


# Not domains: the kernel is the infrastructure the repositories stand on (engine, trust
# epoch, notice ledger, job queue); the CLI, the demo loader and these tools are composition
# roots that run as scripts.
UNCHECKED_PACKAGES = {"core", "cli", "demo", "tools"}


def is_repository(path: Path) -> bool:
    """``repository.py``, or a module of a ``repository/`` package when one file would be long."""
    return path.name == "repository.py" or path.parent.name == "repository"


def checked_modules(root: Path = APP) -> Iterator[Path]:
    """Every module of every domain but its tables and its repository: routers, services and
    their helper modules."""
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).parts
        if len(relative) < 2 or relative[0] in UNCHECKED_PACKAGES:
            continue
        if path.name != "models.py" and not is_repository(path):
            yield path


def violations(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    sqlalchemy_aliases = {"sqlalchemy"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    sqlalchemy_aliases.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            for alias in node.names:
                if alias.name in QUERY_BUILDERS:
                    yield node.lineno, f"imports {alias.name} from {node.module}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = node.value
            if (
                node.attr in QUERY_BUILDERS
                and isinstance(owner, ast.Name)
                and owner.id in sqlalchemy_aliases
            ):
                yield node.lineno, f"uses {owner.id}.{node.attr}"
            if node.attr in RAW_DRIVER_CALLS:
                yield node.lineno, f"calls the driver's {node.attr}"


def report(root: Path = APP) -> list[str]:
    lines: list[str] = []
    for path in checked_modules(root):
        relative = path.relative_to(root.parent).as_posix()
        if relative in ALLOWED:
            continue
        lines.extend(f"{relative}:{line}: {what}" for line, what in violations(path))
    return lines


def main() -> int:
    found = report()
    print("\n".join(found) or "no SQL outside the repositories")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
