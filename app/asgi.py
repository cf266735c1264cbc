"""ASGI entry point for uvicorn / gunicorn: ``app.asgi:app``."""

import gc

from app.main import create_app

app = create_app()

# What exists now (modules, routes, the app) lives as long as the process: move it out of the
# cyclic collector's reach, so that a full collection walks only what requests allocate.
# Otherwise every gen-2 collection walks the million-odd objects of the imports, a 90-170 ms
# pause every few seconds under load (measured on the verify benchmark), which becomes the p99
# of every endpoint. It also keeps forked workers' pages shared.
gc.freeze()
