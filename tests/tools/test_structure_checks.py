"""The structure checks find what they claim to find, on small trees made for the purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.tools import layers, nosql

pytestmark = pytest.mark.dbless


def write(root: Path, relative: str, source: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, "utf-8")


def test_a_deferred_import_back_up_closes_a_cycle(tmp_path: Path) -> None:
    write(tmp_path, "licence/service.py", "from app.label import service\n")
    write(tmp_path, "label/service.py", "def f():\n    from app.licence import models\n")
    write(tmp_path, "registry/models.py", "from app.core import db\n")
    write(tmp_path, "core/db.py", "")
    graph = layers.domain_graph(tmp_path)
    assert graph["licence"] == {"label"} and graph["label"] == {"licence"}
    assert layers.cycles(graph) == [("label", "licence"), ("licence", "label")]


def test_a_one_way_tree_has_no_cycle_and_no_upward_edge(tmp_path: Path) -> None:
    write(tmp_path, "label/service.py", "from ..licence import service\n")
    write(tmp_path, "licence/service.py", "from app.registry import service\n")
    write(tmp_path, "registry/service.py", "import app.core.db\n")
    write(tmp_path, "core/db.py", "")
    graph = layers.domain_graph(tmp_path)
    assert graph["label"] == {"licence"}  # the relative import is resolved
    assert layers.cycles(graph) == [] and layers.upward_edges(graph) == []


def test_an_import_up_the_ladder_is_named(tmp_path: Path) -> None:
    write(tmp_path, "licence/service.py", "from app.revocation import service\n")
    write(tmp_path, "revocation/service.py", "")
    assert layers.upward_edges(layers.domain_graph(tmp_path)) == [("licence", "revocation")]


def test_query_building_in_a_router_is_found_however_imported(tmp_path: Path) -> None:
    write(
        tmp_path,
        "app/x/router.py",
        "import sqlalchemy as sa\nfrom sqlalchemy.dialects.postgresql import insert\n"
        "q = sa.select(1)\nasync def f(c):\n    await c.fetchrow('SELECT 1')\n",
    )
    write(tmp_path, "app/x/repository.py", "from sqlalchemy import select\n")
    found = nosql.report(tmp_path / "app")
    assert found == [
        "app/x/router.py:2: imports insert from sqlalchemy.dialects.postgresql",
        "app/x/router.py:3: uses sa.select",
        "app/x/router.py:5: calls the driver's fetchrow",
    ]
