"""Demo data is flagged, and every public page that shows it says "演示数据 / demo data"."""

import factories
from sqlalchemy import select
from verification_fixtures import codec, label_world  # noqa: F401

from app.core.principal import Role
from app.demo.loader import load_demo, sample_codes
from app.enterprise.models import Enterprise
from app.label.models import BatchStatus, LabelBatch
from app.registry.models import GIProduct

MARKER = "演示数据 / demo data"


async def test_demo_objects_are_flagged_and_marked_on_public_pages(
    session, client, test_settings
) -> None:
    assert await load_demo(session, test_settings)
    assert all(await session.scalars(select(GIProduct.is_demo)))
    assert all(await session.scalars(select(Enterprise.is_demo)))

    code = (await sample_codes(session))[0]
    page = await client.get(f"/v/{code}")
    assert page.status_code == 200 and MARKER in page.text
    verdict = (await client.get(f"/api/v1/verify/{code}")).json()
    assert verdict["is_demo"] is True
    # the legal line cites the programme document, never a placeholder standard number
    assert "《五原向日葵国家地理标志产品保护示范区建设工作方案" in verdict["product"]["legal_line"]
    assert "xxx" not in page.text

    register = await client.get("/public/register", params={"q": "演示"})
    listed = (await client.get("/api/v1/public/register", params={"q": "演示"})).json()
    assert listed["total"] == 5 and all(e["is_demo"] for e in listed["items"])
    assert register.text.count(MARKER) == 5
    notices = await client.get("/public/notices")
    published = (await client.get("/api/v1/public/notices")).json()
    assert published["total"] > 0 and all(n["is_demo"] for n in published["items"])
    assert notices.text.count(MARKER) == published["total"]


async def test_real_data_carries_no_demo_marker(client, label_world) -> None:  # noqa: F811
    page = await client.get(f"/v/{label_world['code']}")
    assert page.status_code == 200 and "丰瑞农业" in page.text and MARKER not in page.text
    assert (await client.get(f"/api/v1/verify/{label_world['code']}")).json()["is_demo"] is False
    register = await client.get("/public/register")
    assert "丰瑞农业" in register.text and MARKER not in register.text


async def test_demo_labels_print_with_the_programme_document(
    session, client, test_settings
) -> None:
    """Every demo product's legal line fits a default label: the demo is printable."""
    await load_demo(session, test_settings)
    issued = select(LabelBatch).where(LabelBatch.status == BatchStatus.ISSUED)
    batches = list(await session.scalars(issued.order_by(LabelBatch.id)))
    assert len(batches) == 4
    for batch in batches:
        headers = await factories.auth_headers(session, client, Role.LICENSEE, batch.enterprise_id)
        pdf = await client.get(f"/api/v1/batches/{batch.id}/labels.pdf", headers=headers)
        assert pdf.status_code == 200, (batch.product_id, pdf.text[:300])
