"""The demo register is a working world: genuine labels, published results, a suspended lot."""

from sqlalchemy import func, select

from app.core.notices import PublicNotice
from app.demo.loader import load_demo, sample_codes
from app.inspection.models import Inspection
from app.label.models import LabelBatch


async def test_demo_load_gives_every_verdict_something_to_show(
    session, client, test_settings
) -> None:
    assert await load_demo(session, test_settings) is True
    assert await load_demo(session, test_settings) is False
    results = dict(
        (
            await session.execute(
                select(Inspection.result, func.count()).group_by(Inspection.result)
            )
        ).all()
    )
    assert results == {"pass": 3, "fail": 1}
    statuses = set(await session.scalars(select(LabelBatch.status)))
    assert statuses == {"issued", "suspended"}
    # The three passes; the failure is in its objection window, not published (issue 14.3).
    assert await session.scalar(select(func.count()).select_from(PublicNotice)) == 3
    stages = set(await session.scalars(select(Inspection.stage)))
    assert stages == {"final", "provisional"}

    codes = await sample_codes(session)
    verdicts = [(await client.get(f"/api/v1/verify/{code}")).json()["verdict"] for code in codes]
    assert verdicts.count("genuine") == len(codes) - 1 and verdicts[1] == "suspended"
    notices = (await client.get("/public/notices")).text
    assert "合格" in notices and "不合格" not in notices
