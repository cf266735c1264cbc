"""The console's routers (for ``app.main.ROUTERS``), and what else the app needs to serve
them: the vendored stylesheet and the console's error pages."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.console import admin, batches, dashboard, decisions, keys, login, passwords, queues
from app.console.errors import install_console_errors
from app.console.templates import STATIC_DIR

# Listed, not included into one router: this FastAPI includes a router lazily, and
# ``assert_routes_guarded`` reads the routes of each router in ``app.main.ROUTERS`` directly.
ROUTERS = (
    login.router,
    dashboard.router,
    batches.router,
    queues.router,
    decisions.licences,
    decisions.batches,
    admin.router,
    keys.router,
    passwords.router,
)


def install_console(app: FastAPI) -> None:
    """Call after the API's and the public pages' error handlers are installed."""
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    install_console_errors(app)
