import factories
import pytest
from digital_links import GTIN
from verification_fixtures import codec, label_world  # noqa: F401


@pytest.fixture
async def linked(session, label_world):  # noqa: F811 - the fixture, imported above
    """``label_world`` whose batch packs a trade item with ``GTIN``; its Digital Link path."""
    world = label_world
    item = await factories.item(session, world["company"].id, world["product"].id, gtin=GTIN)
    world["batch"].item_id = item.id
    await session.flush()
    world["item"] = item
    world["path"] = f"/01/{GTIN}/10/WY-2026-001/21/{world['code']}"
    return world
