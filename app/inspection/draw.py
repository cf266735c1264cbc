"""The draw checker moved to ``app/planning/draw.py``; this runs it from the old path.

The OpenAPI descriptions of ``POST /api/v1/inspection-plans`` and
``GET /api/v1/public/inspection-plans/{id}`` tell readers to run ``python -m
app.inspection.draw``; they are part of the published API document, which the move to
``app.planning`` was not to change. Both ``python -m app.inspection.draw`` and ``python
app/inspection/draw.py`` therefore keep working. Standard library only, like the checker.
"""

from __future__ import annotations

import runpy
from pathlib import Path

if __name__ == "__main__":
    checker = Path(__file__).resolve().parents[1] / "planning" / "draw.py"
    runpy.run_path(str(checker), run_name="__main__")
