"""The domain import graph: which domain folder imports which, and the cycles between them.

Every import counts as an edge: at module top, under ``TYPE_CHECKING`` and inside functions,
because a deferred import still couples the two domains. ``python -m app.tools.layers`` prints
the graph (``domain -> domain, domain``) and the cycles; it exits 1 when there is a cycle, or
with ``--order`` when an import points up the layer order the structure issue sets out."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parents[1]
# Lowest first. A domain may import the ones before it, never the ones after it.
LAYER_ORDER = (
    "core",  # kernel: config, db, time, principal, trust epoch, notice ledger, jobs, permissions
    "audit",  # the ledger every transition writes to, and the transition helper
    "auth",  # accounts, tokens, keys: who the principal is
    "organisation",  # the admin's API over organisations (their table is the kernel's)
    "calendar",  # an admin's holidays and make-up working days (app.core.workdays reads them)
    "web",  # templates, i18n and static files of the public pages
    "idempotency",
    "registry",
    "enterprise",
    "appeal",  # reads the appeal trail the transition helper writes (app.core.appeals)
    "credit",  # the credit list: licences and batches refuse a listed enterprise
    "tradeitem",  # a licensee's items and their GTINs: batches name the item they pack
    "licence",
    "origin",  # growing bases, harvests, purchases: batch requests draw on them
    "label",
    "packing",  # cartons and pallets of labels, and the packing line's activation API
    "planning",
    "inspection",
    "revocation",
    "verification",
    "epcis",  # EPCIS 2.0 events read from the ledger, batches and labels; captured events
    "report",
    "supervision",  # roster, use rate, use reports, ledger: statistics reads them
    "notice",
    "jobs",  # the periodic jobs: they call the domains below them
    "statistics",
    "console",
)
NOT_DOMAINS = {"cli", "demo", "tools"}  # the composition roots: they may import anything


def imported_modules(tree: ast.AST, package: str) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield _absolute(node, package)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*parts, node.module] if node.module else parts)


def domain_of(module: str, root: Path = APP) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "app" or parts[1] in NOT_DOMAINS:
        return None
    return parts[1] if (root / parts[1]).is_dir() else None  # app/main.py is no domain


def domain_graph(root: Path = APP) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = ".".join(("app", *path.relative_to(root).with_suffix("").parts))
        source = domain_of(module, root)
        if source is None:
            continue
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets = graph.setdefault(source, set())
        for imported in imported_modules(ast.parse(path.read_text("utf-8")), package):
            target = domain_of(imported, root)
            if target is not None and target != source:
                targets.add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Pairs (a, b) where b reaches a and a imports b: each edge that closes a loop."""
    return sorted((a, b) for a, targets in graph.items() for b in targets if _reaches(graph, b, a))


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return False


def upward_edges(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    rank = {name: index for index, name in enumerate(LAYER_ORDER)}
    return sorted(
        (a, b)
        for a, targets in graph.items()
        for b in targets
        if rank.get(b, -1) > rank.get(a, len(rank))
    )


def main(argv: list[str]) -> int:
    graph = domain_graph()
    for name in sorted(graph):
        print(f"{name} -> {', '.join(sorted(graph[name])) or '(nothing)'}")
    loops = cycles(graph)
    for a, b in loops:
        print(f"cycle: {a} imports {b}, and {b} reaches back to {a}")
    upward = upward_edges(graph) if "--order" in argv else []
    for a, b in upward:
        print(f"upward: {a} imports {b}, which sits above it")
    return 1 if loops or upward else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
