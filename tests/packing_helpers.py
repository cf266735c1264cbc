"""Helpers of the packing-line tests (tests/packing): issue a batch, read its print file,
check a code, call the activation API."""

import csv
import io


async def issue(client, line, quantity: int = 12, lot: str = "WY-2026-101") -> int:
    """A batch requested and issued through the API (as a line's labels are)."""
    response = await client.post(
        "/api/v1/batches",
        json={
            "licence_id": line["licence"].id,
            "lot_number": lot,
            "quantity": quantity,
            "unit": "袋",
            "production_date": "2026-09-01",
            "origin": "五原县",
        },
        headers=line["licensee"] | {"Idempotency-Key": f"issue-{lot}"},
    )
    assert response.status_code == 201, response.text
    batch_id = int(response.json()["id"])
    approved = await client.post(
        f"/api/v1/batches/{batch_id}/approve", json={}, headers=line["regulator"]
    )
    assert approved.status_code == 200, approved.text
    return batch_id


async def codes_of(client, line, batch_id: int) -> list[str]:
    """The batch's codes, as the print shop's CSV lists them (serial order)."""
    response = await client.get(f"/api/v1/batches/{batch_id}/labels.csv", headers=line["licensee"])
    assert response.status_code == 200
    _comment, rest = response.text.split("\n", 1)
    return [row["code"] for row in csv.DictReader(io.StringIO(rest))]


async def verdict(client, code: str) -> str:
    response = await client.get(f"/api/v1/verify/{code}")
    assert response.status_code == 200, response.text
    return str(response.json()["verdict"])


async def activate(client, line, body: dict, key: str, *, path: str = "activate", who="licensee"):
    response = await client.post(
        f"/api/v1/labels/{path}", json=body, headers=line[who] | {"Idempotency-Key": key}
    )
    return response
