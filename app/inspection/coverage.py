"""Annual coverage: the programme requires every batch to be sampled each year and to pass.

The report names what is still missing this year: batches issued this year with no passing
inspection, and licensed enterprises none of whose batches was sampled this year.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.time import public_zone
from app.inspection import repository
from app.inspection.schemas import CoverageBatch, CoverageEnterprise, CoverageReport


async def annual(session: AsyncSession, year: int, product_id: int | None) -> CoverageReport:
    # The programme's year is the GI's calendar year, as the sampling dates are.
    start = datetime(year, 1, 1, tzinfo=public_zone())
    end = datetime(year + 1, 1, 1, tzinfo=public_zone())
    issued = repository.issued_between(start, end, product_id)
    missing = [
        CoverageBatch(
            batch_id=batch.id,
            lot_number=batch.lot_number,
            enterprise_name=name,
            uscc=uscc,
            product_code=code,
            issued_at=batch.issued_at,
            status=batch.status.value,
            latest_result=result,
        )
        for batch, name, uscc, code, result in await repository.batches_without_pass(
            session, issued
        )
    ]
    licensed, unsampled = await repository.licensed_enterprises(session, year, product_id)
    return CoverageReport(
        year=year,
        product_id=product_id,
        batches_issued=await repository.count_batches(session, issued),
        batches_without_pass=missing,
        enterprises_licensed=licensed,
        enterprises_not_sampled=[
            CoverageEnterprise(enterprise_id=i, name=n, uscc=u) for i, n, u in unsampled
        ],
    )
