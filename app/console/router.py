"""The console's routers (for ``app.main.ROUTERS``), and what else the app needs to serve
them: the vendored stylesheet and the console's error pages."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.console import (
    admin,
    audit_trail,
    batch_acts,
    batch_labels,
    batches,
    credit,
    dashboard,
    decisions,
    enterprises,
    inspections,
    items,
    keys,
    ledger,
    licence_acts,
    licence_apply,
    licences,
    login,
    objections,
    organisations,
    origin,
    passwords,
    plans,
    print_pages,
    print_runs,
    products,
    queues,
    replacements,
    reports,
    revocations,
    statistics,
    supervision,
    suspicious,
    use_reports,
    voiding,
)
from app.console.errors import install_console_errors
from app.console.templates import STATIC_DIR

# Listed, not included into one router: this FastAPI includes a router lazily, and
# ``assert_routes_guarded`` reads the routes of each router in ``app.main.ROUTERS`` directly.
ROUTERS = (
    login.router,
    dashboard.router,
    batches.router,
    batch_labels.router,
    print_pages.batches,
    print_pages.files,
    voiding.router,
    replacements.router,
    print_runs.router,
    queues.router,
    licences.router,
    licence_apply.router,  # before decisions.licences: "/new" is not a licence id
    decisions.licences,
    decisions.batches,
    licence_acts.router,
    batch_acts.router,
    revocations.router,
    credit.router,
    plans.router,
    audit_trail.router,
    products.router,
    enterprises.router,
    items.router,
    origin.router,
    reports.router,
    suspicious.router,
    inspections.router,
    objections.router,
    admin.router,
    organisations.router,
    keys.router,
    supervision.router,
    use_reports.router,
    ledger.router,
    statistics.router,
    passwords.router,
)


def install_console(app: FastAPI) -> None:
    """Call after the API's and the public pages' error handlers are installed."""
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    install_console_errors(app)
