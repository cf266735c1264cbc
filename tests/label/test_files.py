import csv
import io

import factories
import pypdfium2
import zxingcpp
from PIL import Image
from qr_images import decoded_texts, svg_image

from app.auth.models import Role
from app.label.code import format_grouped
from app.label.models import BatchStatus


async def issued(session, client, shop, quantity: int = 30):
    response = await client.post(
        "/api/v1/batches",
        json={
            "licence_id": shop["licence"].id,
            "lot_number": "WY-2026-009",
            "quantity": quantity,
            "unit": "袋",
            "production_date": "2026-09-01",
            "origin": "五原县",
        },
        headers=shop["licensee"] | {"Idempotency-Key": "files"},
    )
    batch = response.json()
    await client.post(f"/api/v1/batches/{batch['id']}/approve", json={}, headers=shop["regulator"])
    return batch["id"]


def expected_url(code: str) -> str:
    return f"HTTPS://GI.EXAMPLE.CN/V/{code}"


async def csv_file(client, shop, batch_id) -> tuple[str, list[dict[str, str]]]:
    """(the summary comment line, the rows under the header)."""
    response = await client.get(f"/api/v1/batches/{batch_id}/labels.csv", headers=shop["licensee"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    comment, rest = response.text.split("\n", 1)
    assert comment.startswith("# ")
    return comment, list(csv.DictReader(io.StringIO(rest)))


async def csv_rows(client, shop, batch_id):
    return (await csv_file(client, shop, batch_id))[1]


async def test_csv_lists_every_label_once(session, client, shop) -> None:
    batch_id = await issued(session, client, shop)
    rows = await csv_rows(client, shop, batch_id)
    assert [int(r["serial"]) for r in rows] == list(range(1, 31))
    assert all(
        r["url"] == expected_url(r["code"]) and r["grouped_code"] == format_grouped(r["code"])
        for r in rows
    )


async def test_png_and_svg_qr_decode_to_the_label_url(session, client, shop) -> None:
    batch_id = await issued(session, client, shop)
    code = (await csv_rows(client, shop, batch_id))[0]["code"]
    png = await client.get(
        f"/api/v1/labels/{format_grouped(code).lower()}/qr.png", headers=shop["licensee"]
    )
    assert png.headers["content-type"] == "image/png"
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert result.text == expected_url(code)

    svg = await client.get(f"/api/v1/labels/{code}/qr.svg", headers=shop["licensee"])
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert decoded_texts(svg_image(svg.content)) == [expected_url(code)]


async def test_pdf_sheets_decode_and_carry_the_legal_text(session, client, shop) -> None:
    batch_id = await issued(session, client, shop, quantity=30)
    codes = [r["code"] for r in await csv_rows(client, shop, batch_id)]
    response = await client.get(f"/api/v1/batches/{batch_id}/labels.pdf", headers=shop["licensee"])
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(response.content)
    found, text = set(), ""
    for page in pdf:
        found |= {r.text for r in zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil())}
        text += page.get_textpage().get_text_range()
    assert found == {expected_url(code) for code in codes}
    assert shop["company"].uscc in text and format_grouped(codes[0]) in text
    assert shop["product"].trademark_reg_number in text and "WY-2026-009" in text


async def test_print_check_refuses_a_tiny_label_and_says_what_works(session, client, shop) -> None:
    batch_id = await issued(session, client, shop, quantity=2)
    response = await client.get(
        f"/api/v1/batches/{batch_id}/labels.pdf",
        params={"label_height_mm": 12, "label_width_mm": 40},
        headers=shop["licensee"],
    )
    assert response.status_code == 422 and response.json()["code"] == "print_size_refused"
    assert "at least" in response.json()["detail"]


async def test_gtin_products_print_gs1_digital_links(session, client, shop) -> None:
    shop["product"].gtin = "06901234567892"
    await session.flush()
    batch_id = await issued(session, client, shop, quantity=2)
    row = (await csv_rows(client, shop, batch_id))[0]
    assert row["url"] == f"HTTPS://GI.EXAMPLE.CN/01/06901234567892/10/WY-2026-009/21/{row['code']}"


async def test_files_are_licensee_scoped_and_need_an_issued_batch(session, client, shop) -> None:
    batch_id = await issued(session, client, shop, quantity=2)
    stranger = await factories.auth_headers(session, client, Role.LICENSEE)
    for path in ("labels.csv", "labels.pdf"):
        assert (
            await client.get(f"/api/v1/batches/{batch_id}/{path}", headers=stranger)
        ).status_code == 404
    code = (await csv_rows(client, shop, batch_id))[0]["code"]
    assert (await client.get(f"/api/v1/labels/{code}/qr.png", headers=stranger)).status_code == 404
    pending = await factories.batch(session, shop["licence"], status=BatchStatus.REQUESTED)
    refused = await client.get(f"/api/v1/batches/{pending.id}/labels.csv", headers=shop["licensee"])
    assert refused.status_code == 409


async def test_print_shop_api_key_downloads_files(session, client, shop) -> None:
    batch_id = await issued(session, client, shop, quantity=2)
    key = (
        await client.post("/api/v1/api-keys", json={"name": "印刷厂"}, headers=shop["licensee"])
    ).json()
    response = await client.get(
        f"/api/v1/batches/{batch_id}/labels.csv", headers={"X-API-Key": key["api_key"]}
    )
    assert response.status_code == 200 and response.text.count("\n") == 1 + 1 + 2
