"""``GET /batches/{id}/labels``: a batch's labels a keyset page at a time in serial order
(either way), one found by its code as printed, 404 for another enterprise's batch. The
console's label list calls the same service (tests/console/test_licensee_batch_labels.py)."""

from __future__ import annotations

import factories
from paging import assert_cursor_refused, walk

from app.core.principal import Role
from app.label.code import format_grouped


def _codes(n: int) -> list[str]:
    return [f"K3F9{i:016d}" for i in range(n)]


async def test_labels_page_by_serial_either_way(session, client, shop) -> None:
    batch = await factories.batch(session, shop["licence"])
    await factories.labels(session, batch, _codes(7))
    url = f"/api/v1/batches/{batch.id}/labels"
    forwards = await walk(client, url, shop["licensee"], {"limit": 3})
    assert [label["serial"] for label in forwards] == list(range(1, 8))
    assert forwards[0]["url"].endswith(_codes(7)[0]) and forwards[0]["status"] == "active"
    backwards = await walk(client, url, shop["licensee"], {"limit": 3, "sort": "-serial"})
    assert [label["serial"] for label in backwards] == list(range(7, 0, -1))
    first = (await client.get(url, params={"limit": 3}, headers=shop["licensee"])).json()
    assert first["total"] == 7 and first["next_cursor"]
    wrong_sort = await client.get(
        url,
        params={"cursor": first["next_cursor"], "sort": "-serial"},
        headers=shop["licensee"],
    )
    assert_cursor_refused(wrong_sort)


async def test_one_label_is_found_by_its_printed_code(session, client, shop) -> None:
    batch = await factories.batch(session, shop["licence"])
    codes = _codes(4)
    await factories.labels(session, batch, codes)
    url = f"/api/v1/batches/{batch.id}/labels"
    typed = format_grouped(codes[2]).lower()
    found = (await client.get(url, params={"code": typed}, headers=shop["licensee"])).json()
    assert [label["code"] for label in found["items"]] == [codes[2]] and found["total"] == 1


async def test_another_enterprises_batch_is_404(session, client, shop) -> None:
    batch = await factories.batch(session, shop["licence"])
    stranger = await factories.auth_headers(session, client, Role.LICENSEE)
    response = await client.get(f"/api/v1/batches/{batch.id}/labels", headers=stranger)
    assert response.status_code == 404
