"""The composition root's one-time wiring, shared by every entry point (the web app, the
``gimark`` command and its job worker), so that a process started either way is complete.

- Every domain's tables are imported, so foreign keys between them resolve: a command that
  touches only labels still flushes rows whose keys point at tables of domains above label
  (``batch_measure.report_id`` → ``consumer_report``).
- The statistics refresh runs on the job worker's schedule; the jobs domain lies below the
  statistics and cannot name it, so it is added here.
- A recall cites evidence kept by domains above label (an inspection, a consumer report):
  they lend their look-ups to ``app.label.recall_cause`` here, as label may not import them.
- An accepted annual use report counts as use for the two-year non-use rule: supervision
  lends its look-up to ``app.label.licence_use`` the same way.
"""

from __future__ import annotations

import app.models_all  # noqa: F401  (imported for its side effect: the complete metadata)
from app.inspection import recall_evidence
from app.jobs import runtime as jobs_runtime
from app.label import licence_use, recall_cause
from app.report import service as report_service
from app.statistics import jobs as statistics_jobs
from app.supervision import use_reports


def wire() -> None:
    recall_cause.provide(
        recall_cause.Evidence(recall_evidence.cited_inspection, report_service.get_readable)
    )
    licence_use.provide_declared_use(use_reports.declared_use_since)
    jobs_runtime.add_periodic(statistics_jobs.PERIODIC)
