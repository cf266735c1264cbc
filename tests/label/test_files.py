import asyncio
import csv
import io
import threading

import factories
import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from qr_images import decoded_texts, pdf_pages, pdf_text, svg_image

from app.core.principal import Role
from app.label import files
from app.label.code import format_grouped
from app.label.models import BatchStatus
from app.label.printing.pdf import PdfWriter
from app.registry.models import QrForm


async def issued(session, client, shop, quantity: int = 30, item_id: int | None = None):
    response = await client.post(
        "/api/v1/batches",
        json={
            "licence_id": shop["licence"].id,
            "lot_number": "WY-2026-009",
            "quantity": quantity,
            "unit": "袋",
            "production_date": "2026-09-01",
            "origin": "五原县",
            "item_id": item_id,
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


async def test_a_label_wider_than_the_page_is_refused_not_a_server_error(
    session, client, shop
) -> None:
    """Found by schemathesis: 199 mm labels with 8 mm margins fit no column on A4."""
    batch_id = await issued(session, client, shop, quantity=2)
    response = await client.get(
        f"/api/v1/batches/{batch_id}/labels.pdf",
        params={"label_width_mm": 199, "label_height_mm": 30, "margin_mm": 8, "gap_mm": 2},
        headers=shop["licensee"],
    )
    assert response.status_code == 422 and response.json()["code"] == "print_size_refused"
    assert "at most 194.0 mm wide" in response.json()["detail"]


async def test_a_range_past_the_batch_is_refused_not_a_server_error(session, client, shop) -> None:
    """Found by schemathesis: from_serial=2⁶³−2 reached the 32-bit serial column as a 500."""
    batch_id = await issued(session, client, shop, quantity=2)
    for params in ({"from_serial": 3}, {"from_serial": 2**63 - 2, "to_serial": 1}):
        response = await client.get(
            f"/api/v1/batches/{batch_id}/labels.pdf", params=params, headers=shop["licensee"]
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "unprocessable"
        assert response.json()["detail"].startswith("from_serial")


async def test_digital_link_products_print_their_items_gtin(session, client, shop) -> None:
    """A product that chose Digital Links prints the batch item's GTIN in every file and QR;
    one that did not (the default) prints the short URL though the item has a GTIN."""
    item = await factories.item(
        session, shop["company"].id, shop["product"].id, gtin="06901234567892"
    )
    batch_id = await issued(session, client, shop, quantity=2, item_id=item.id)
    short = (await csv_rows(client, shop, batch_id))[0]
    assert short["url"] == expected_url(short["code"])

    shop["product"].qr_form = QrForm.DIGITAL_LINK
    await session.flush()
    row = (await csv_rows(client, shop, batch_id))[0]
    link = f"HTTPS://GI.EXAMPLE.CN/01/06901234567892/10/WY-2026-009/21/{row['code']}"
    assert row["url"] == link
    png = await client.get(f"/api/v1/labels/{row['code']}/qr.png", headers=shop["licensee"])
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert result.text == link
    # The scanned URI resolves (the path is what a phone's browser asks the server for).
    path = result.text.removeprefix("HTTPS://GI.EXAMPLE.CN")
    answer = await client.get(path, headers={"Accept": "application/json"})
    assert answer.json()["verdict"] == "genuine" and answer.json()["code"] == row["code"]


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


# -- only live labels are printed ---------------------------------------------------------

GROUNDS = {
    "reason": "冒用标志",
    "legal_basis": "《地理标志产品保护办法》第二十一条",
    "case_number": "五市监罚〔2026〕7号",
}


async def void_and_revoke(client, shop, codes, voided, revoked) -> None:
    response = await client.post(
        "/api/v1/labels/void",
        json={"codes": voided, "reason": "卷标破损"},
        headers=shop["licensee"],
    )
    assert response.status_code == 200
    response = await client.post(
        "/api/v1/revocations",
        json={"scope": "labels", "codes": revoked} | GROUNDS,
        headers=shop["regulator"],
    )
    assert response.status_code == 201


def pdf_urls(pdf: bytes) -> list[str]:
    """Every QR symbol found on every page, in page order."""
    return [text for page in pdf_pages(pdf) for text in decoded_texts(page)]


async def test_print_files_hold_only_live_labels_and_count_the_rest(session, client, shop) -> None:
    batch_id = await issued(session, client, shop, quantity=30)
    codes = [r["code"] for r in await csv_rows(client, shop, batch_id)]
    voided, revoked = codes[2:5], [codes[9], codes[29]]
    await void_and_revoke(client, shop, codes, voided, revoked)
    live = [c for c in codes if c not in voided + revoked]

    comment, rows = await csv_file(client, shop, batch_id)
    assert [r["code"] for r in rows] == live
    assert "25 labels printed, 5 left out (void 3, revoked 2)" in comment
    assert "印制 25 枚，未印 5 枚（作废 3, 撤销 2）" in comment

    response = await client.get(f"/api/v1/batches/{batch_id}/labels.pdf", headers=shop["licensee"])
    assert response.status_code == 200
    found = pdf_urls(response.content)
    assert sorted(found) == sorted(expected_url(code) for code in live)  # each once
    assert "25 labels printed, 5 left out (void 3, revoked 2)" in pdf_text(response.content)


async def test_a_serial_range_counts_only_what_it_left_out(session, client, shop) -> None:
    batch_id = await issued(session, client, shop, quantity=30)
    codes = [r["code"] for r in await csv_rows(client, shop, batch_id)]
    await void_and_revoke(client, shop, codes, [codes[0]], [codes[20]])
    response = await client.get(
        f"/api/v1/batches/{batch_id}/labels.pdf",
        params={"from_serial": 11, "to_serial": 30},
        headers=shop["licensee"],
    )
    assert sorted(pdf_urls(response.content)) == sorted(
        expected_url(c) for c in codes[10:] if c != codes[20]
    )
    text = pdf_text(response.content)
    assert "serials 11-30: 19 labels printed, 1 left out (revoked 1)" in text


async def test_a_narrow_margin_puts_the_count_on_a_cover_page(session, client, shop) -> None:
    batch_id = await issued(session, client, shop, quantity=2)
    response = await client.get(
        f"/api/v1/batches/{batch_id}/labels.pdf",
        params={"margin_mm": 1},
        headers=shop["licensee"],
    )
    cover, sheet = pdf_pages(response.content, dpi=150)
    assert decoded_texts(cover) == [] and len(decoded_texts(sheet)) == 2
    assert "2 labels printed, 0 left out" in pdf_text(response.content)


async def refusals(client, shop, batch_id: int, code: str) -> list[tuple[int, str, str]]:
    """(status, problem code, current state) of every print file of the batch and label."""
    paths = [f"/api/v1/batches/{batch_id}/labels.{kind}" for kind in ("csv", "pdf")]
    paths += [f"/api/v1/labels/{code}/qr.{kind}" for kind in ("png", "svg")]
    found = []
    for path in paths:
        response = await client.get(path, headers=shop["licensee"])
        body = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        found.append((response.status_code, body["code"], body["current_state"]))
    return found


async def test_a_batch_out_of_good_standing_prints_nothing(session, client, shop) -> None:
    batch_id = await issued(session, client, shop, quantity=3)
    code = (await csv_rows(client, shop, batch_id))[0]["code"]
    regulator = shop["regulator"]
    url = f"/api/v1/batches/{batch_id}"
    await client.post(f"{url}/suspend", json={"reason": "抽检不合格"}, headers=regulator)
    assert await refusals(client, shop, batch_id, code) == [(409, "invalid_state", "suspended")] * 4
    recall = {
        "reason": "复检确认",
        "legal_basis": "《地理标志产品保护规定》第二十四条",
        "case_number": "五市监案〔2026〕7号",
    }
    assert (await client.post(f"{url}/recall", json=recall, headers=regulator)).status_code == 200
    assert await refusals(client, shop, batch_id, code) == [(409, "invalid_state", "recalled")] * 4


async def test_a_revoked_batch_or_a_suspended_licence_prints_nothing(session, client, shop) -> None:
    batch_id = await issued(session, client, shop, quantity=3)
    code = (await csv_rows(client, shop, batch_id))[0]["code"]
    licence_url = f"/api/v1/licences/{shop['licence'].id}"
    suspended = await client.post(
        f"{licence_url}/suspend", json={"reason": "未按规定使用专用标志"}, headers=shop["regulator"]
    )
    assert suspended.status_code == 200
    assert await refusals(client, shop, batch_id, code) == [(409, "invalid_state", "suspended")] * 4
    await client.post(
        f"{licence_url}/reinstate", json={"reason": "整改完成"}, headers=shop["regulator"]
    )
    revoked = await client.post(
        "/api/v1/revocations",
        json={"scope": "batch", "batch_id": batch_id} | GROUNDS,
        headers=shop["regulator"],
    )
    assert revoked.status_code == 201
    assert await refusals(client, shop, batch_id, code) == [(409, "invalid_state", "revoked")] * 4


async def test_the_qr_image_of_a_void_or_revoked_label_is_refused(session, client, shop) -> None:
    batch_id = await issued(session, client, shop, quantity=3)
    codes = [r["code"] for r in await csv_rows(client, shop, batch_id)]
    await void_and_revoke(client, shop, codes, [codes[0]], [codes[1]])
    for code, state in ((codes[0], "void"), (codes[1], "revoked")):
        response = await client.get(f"/api/v1/labels/{code}/qr.png", headers=shop["licensee"])
        assert response.status_code == 409 and response.json()["current_state"] == state
    live = await client.get(f"/api/v1/labels/{codes[2]}/qr.png", headers=shop["licensee"])
    assert decoded_texts(Image.open(io.BytesIO(live.content))) == [expected_url(codes[2])]


# -- the event loop stays free ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "owner", "step"),
    [("pdf", PdfWriter, "take"), ("csv", files, "csv_lines")],
    ids=["pdf-writer", "csv-rows"],
)
async def test_healthz_answers_while_a_print_file_is_being_built(
    session, client, shop, monkeypatch, kind, owner, step
) -> None:
    """The file's builder is held on an event in the middle of its work: if it ran on the
    event loop, nothing else could be served until it was released."""
    batch_id = await issued(session, client, shop, quantity=60)  # 3 PDF pages
    codes = [r["code"] for r in await csv_rows(client, shop, batch_id)]
    building, release = threading.Event(), threading.Event()
    original = getattr(owner, step)

    def held(*args, **kwargs):
        building.set()
        # A safety net, not a timing: a builder on the event loop never sees the release.
        if not release.wait(timeout=120):
            raise RuntimeError("the file's builder was never released")
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, step, held)
    url = f"/api/v1/batches/{batch_id}/labels.{kind}"
    download = asyncio.create_task(client.get(url, headers=shop["licensee"]))
    assert await asyncio.to_thread(building.wait, 120)
    health = await client.get("/healthz")
    assert health.status_code == 200 and not download.done()
    release.set()
    response = await download
    assert response.status_code == 200
    if kind == "pdf":
        assert sorted(pdf_urls(response.content)) == sorted(expected_url(c) for c in codes)
    else:
        assert [row["code"] for row in await csv_rows(client, shop, batch_id)] == codes
        assert response.text.count("\n") == 1 + 1 + len(codes)
