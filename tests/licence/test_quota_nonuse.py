from datetime import timedelta
from decimal import Decimal

import factories
import pytest

from app.core.principal import Role
from app.core.time import public_today, utcnow
from app.label.licence_use import months_before
from app.label.models import BatchStatus, LabelScanStat


async def test_quota_arithmetic(session, client) -> None:
    product = await factories.product(
        session, standard_yield_kg_per_mu=Decimal("250"), default_pack_size_kg=Decimal("0.7")
    )
    company = await factories.enterprise(session)
    licence = await factories.licence(
        session, company.id, product.id, production_area_mu=Decimal("12.5")
    )
    year = public_today().year
    await factories.batch(session, licence, quantity=1000, season=year)
    await factories.batch(session, licence, quantity=500, season=year, status=BatchStatus.REJECTED)
    await factories.batch(session, licence, quantity=700, season=year - 1)
    headers = await factories.auth_headers(session, client, Role.LICENSEE, company.id)

    quota = (await client.get(f"/api/v1/licences/{licence.id}/quota", headers=headers)).json()
    # 12.5 mu × 250 kg/mu ÷ 0.7 kg = 4464.28… packs → 4464 labels; rejected batches don't count
    assert (quota["total"], quota["used"], quota["remaining"]) == (4464, 1000, 3464)
    last_year = (
        await client.get(
            f"/api/v1/licences/{licence.id}/quota", params={"season": year - 1}, headers=headers
        )
    ).json()
    assert last_year["used"] == 700


def _ago(months: int):
    return months_before(utcnow(), months)


@pytest.mark.parametrize(("idle_months", "listed"), [(23, False), (25, True)])
async def test_non_use_at_23_and_25_months(session, client, idle_months, listed) -> None:
    product = await factories.product(session)
    company = await factories.enterprise(session)
    licence = await factories.licence(
        session,
        company.id,
        product.id,
        decided_at=_ago(40),
        valid_from=public_today() - timedelta(days=1200),
    )
    batch = await factories.batch(session, licence, issued_at=_ago(idle_months + 1))
    (label,) = await factories.labels(session, batch, [f"NONUSE{idle_months:014d}"])
    session.add(
        LabelScanStat(
            code=label.code,
            scan_count=3,
            first_scanned_at=_ago(idle_months + 1),
            last_scanned_at=_ago(idle_months),
        )
    )
    await session.flush()
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)

    cases = (await client.get("/api/v1/licences/non-use", headers=regulator)).json()
    match = [c for c in cases if c["licence_id"] == licence.id]
    assert bool(match) is listed
    if listed:
        assert (
            match[0]["last_scanned_at"] and match[0]["last_issued_at"] and match[0]["approved_at"]
        )
        assert match[0]["idle_since"] < match[0]["cutoff"]


async def test_recent_licence_is_not_non_use(session, client) -> None:
    product = await factories.product(session)
    company = await factories.enterprise(session)
    licence = await factories.licence(session, company.id, product.id, decided_at=_ago(6))
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    cases = (await client.get("/api/v1/licences/non-use", headers=regulator)).json()
    assert licence.id not in [c["licence_id"] for c in cases]
