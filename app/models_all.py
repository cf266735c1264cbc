"""Imports every domain's tables so ``Base.metadata`` is complete (Alembic, tests)."""

from app.audit import models as audit_models
from app.auth import models as auth_models
from app.calendar import models as calendar_models
from app.console import models as console_models
from app.core import appeals as appeal_models
from app.core import notices as notice_models
from app.core import organisations as organisation_models
from app.core import trust as trust_models
from app.core import workdays as workday_models
from app.core.jobs import models as job_models
from app.core.models import Base
from app.credit import models as credit_models
from app.enterprise import models as enterprise_models
from app.epcis import models as epcis_models
from app.idempotency import models as idempotency_models
from app.inspection import models as inspection_models
from app.label import models as label_models
from app.licence import models as licence_models
from app.origin import models as origin_models
from app.packing import models as packing_models
from app.planning import models as planning_models
from app.registry import models as registry_models
from app.report import models as report_models
from app.revocation import models as revocation_models
from app.statistics import models as statistics_models
from app.supervision import models as supervision_models
from app.tradeitem import models as tradeitem_models
from app.verification import models as verification_models

__all__ = [
    "Base",
    "appeal_models",
    "audit_models",
    "auth_models",
    "calendar_models",
    "console_models",
    "credit_models",
    "enterprise_models",
    "epcis_models",
    "idempotency_models",
    "inspection_models",
    "job_models",
    "label_models",
    "licence_models",
    "notice_models",
    "organisation_models",
    "origin_models",
    "packing_models",
    "planning_models",
    "registry_models",
    "report_models",
    "revocation_models",
    "statistics_models",
    "supervision_models",
    "tradeitem_models",
    "trust_models",
    "verification_models",
    "workday_models",
]
