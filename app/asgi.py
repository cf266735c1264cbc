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

# The youngest generation is collected every 100,000 allocations instead of every 700. Under
# load each of the 32+ checks in flight holds a few dozen objects (coroutine, scope, futures);
# at 700 they outlived two young collections, were promoted, and pushed a full collection over
# every cached verdict row and memoised code every 0.7 s: 30-140 ms pauses, most of verify's
# p99 (issue 16, measured with gc.callbacks). Now what a request allocates dies young, and a
# full collection, still considered every 20 x 10 young ones, runs only once the old
# generation has grown by a quarter (CPython's own rule), which it now seldom does.
gc.set_threshold(100_000, 20, 10)
