"""An enterprise's labels and scans count in the county of its registered address (its
``division_code``, the division of every bureau's jurisdiction), not in the county whose office
registered its USCC: that county's bureau cannot list the enterprise, so it must not see its
figures either. Counterfeits belong to no enterprise and stay in the province's figures."""

from __future__ import annotations

from datetime import date

import factories
import pytest
from stats_world import at, scan

from app.core.principal import Role
from app.core.time import public_today, utcnow
from app.enterprise.uscc import compose
from app.statistics import rollup

YEAR = public_today().year - 1
PERIOD = {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}
LINHE, DENGKOU = "150802", "150822"  # 临河区 registered it; it lies in 磴口县


@pytest.fixture
async def world(session):
    """Six labels of a 磴口县 co-operative whose USCC the 临河区 office issued, two of them
    scanned, and one scan of a code never issued."""
    product = await factories.product(session)
    company = await factories.enterprise(
        session, uscc=compose("93", LINHE, "MC000001"), division_code=DENGKOU
    )
    licence = await factories.licence(session, company.id, product.id)
    batch = await factories.batch(session, licence, issued_at=at(date(YEAR, 4, 1)), quantity=6)
    labels = await factories.labels(session, batch, [f"DK{i:012d}" for i in range(6)])
    when = at(date(YEAR, 5, 3))
    session.add_all(
        [
            scan(labels[0].code, when),
            scan(labels[1].code, when, where=(40.3, 107.0)),
            scan("FAKE0000000001", when, verdict="unknown"),
        ]
    )
    await session.flush()
    await rollup.refresh(session, utcnow())
    return company, product


async def _bureau(session, client, division: str) -> dict[str, str]:
    bureau = await factories.organisation(session, division_code=division)
    return await factories.auth_headers(session, client, Role.REGULATOR, organisation_id=bureau.id)


async def _listed(client, headers) -> set[int]:
    answer = await client.get("/api/v1/enterprises", headers=headers, params={"limit": 100})
    assert answer.status_code == 200, answer.text
    return {row["id"] for row in answer.json()["items"]}


async def _figures(client, headers, what: str, **params) -> dict:
    answer = await client.get(f"/api/v1/stats{what}", headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_the_county_of_the_registered_address_counts_them(session, client, world) -> None:
    company, product = world
    dengkou = await _bureau(session, client, DENGKOU)
    labels = await _figures(client, dengkou, "/labels", product_id=product.id, **PERIOD)
    assert labels["filters"]["division"] == DENGKOU  # the bureau's own, by default
    assert labels["totals"] == {"issued": 6, "void": 0, "revoked": 0}
    scans = await _figures(client, dengkou, "/scans", product_id=product.id, **PERIOD)
    assert (scans["total"], scans["by_verdict"]) == (2, {"genuine": 2})
    licences = await _figures(client, dengkou, "/licences", product_id=product.id, **PERIOD)
    assert licences["by_state"]["active"] == 1
    assert company.id in await _listed(client, dengkou)  # the enterprises it can list


async def test_the_county_whose_office_issued_the_uscc_does_not(session, client, world) -> None:
    company, product = world
    linhe = await _bureau(session, client, LINHE)
    labels = await _figures(client, linhe, "/labels", product_id=product.id, **PERIOD)
    assert labels["filters"]["division"] == LINHE
    assert labels["totals"] == {"issued": 0, "void": 0, "revoked": 0}
    scans = await _figures(client, linhe, "/scans", product_id=product.id, **PERIOD)
    assert scans["total"] == 0
    licences = await _figures(client, linhe, "/licences", product_id=product.id, **PERIOD)
    assert licences["by_state"]["active"] == 0
    assert company.id not in await _listed(client, linhe)


async def test_the_city_counts_them_and_the_province_the_counterfeits(
    session, client, world
) -> None:
    _company, product = world
    city = await _bureau(session, client, "150800")  # 巴彦淖尔市: both counties
    overview = await _figures(client, city, "", product_id=product.id, **PERIOD)
    assert overview["labels"]["totals"]["issued"] == 6
    assert "unknown" not in (await _figures(client, city, "/scans", **PERIOD))["by_verdict"]
    province = await _bureau(session, client, "150000")
    assert (await _figures(client, province, "/scans", **PERIOD))["by_verdict"]["unknown"] >= 1
    by_county = await _figures(client, province, "/labels", division=DENGKOU, **PERIOD)
    assert by_county["totals"]["issued"] == 6
