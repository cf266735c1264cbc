"""The draw checker's old path (``app/inspection/draw.py``, named in the published OpenAPI
descriptions) runs the checker that now lives in ``app/planning/draw.py``."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.planning import draw

ROOT = Path(draw.__file__).resolve().parents[2]


def published_plan() -> dict:
    spec = draw.DrawInput(
        seed="seed-1",
        population=[draw.Target(f"GI-T-{i}", f"USCC{i % 2}") for i in range(1, 6)],
        pool=[11, 12],
        sample_size=2,
    )
    return {
        "id": 7,
        "algorithm": draw.ALGORITHM_NAME,
        "algorithm_text": draw.ALGORITHM,
        "seed": spec.seed,
        "sample_size": 2,
        "sample_fraction": None,
        "inspectors_per_target": 1,
        "draw_input": {
            "population": [{"key": t.key, "enterprise": t.enterprise} for t in spec.population],
            "pool": [{"id": i, "name": f"inspector {i}"} for i in spec.pool],
            "excluded": [],
        },
        "targets": [
            {
                "rank": d.rank,
                "key": d.key,
                "enterprise": d.enterprise,
                "inspectors": list(d.inspectors),
            }
            for d in draw.draw(spec)
        ],
    }


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )


@pytest.mark.parametrize("old", [["app/inspection/draw.py"], ["-m", "app.inspection.draw"]])
def test_the_old_path_runs_the_checker(tmp_path, old) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(published_plan()), encoding="utf-8")
    new = run("app/planning/draw.py", str(plan))
    assert new.returncode == 0 and new.stdout.startswith("match:"), new.stderr
    again = run(*old, str(plan))
    assert (again.returncode, again.stdout) == (new.returncode, new.stdout)
    missing = run(*old, str(tmp_path / "missing.json"))
    assert missing.returncode == 2 and "cannot check" in missing.stderr
