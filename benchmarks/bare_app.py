"""The yardstick of the verify benchmark: a bare FastAPI app answering a fixed small JSON.

    uvicorn bare_app:app  (run from this folder, with the same options as gimark's server)

No middleware, one route: what FastAPI on uvicorn can do on this machine, so that gimark's
figures say what its own code costs (issue 16)."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/fixed")
async def fixed() -> dict[str, str]:
    return {"status": "ok", "code": "ABCD2345EFGH6789JKLM"}
