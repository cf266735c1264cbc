import io

import factories
import pytest
from PIL import Image
from sqlalchemy import select

from app.auth.models import Role
from app.report.models import ConsumerReport
from app.report.photo import PhotoRejected, sanitise_photo


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "orange")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (41.0, 5.0, 30.0), 3: "E", 4: (108.0, 16.0, 12.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address: 五原县某街 1 号")
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def test_exif_and_gps_are_stripped() -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    clean = sanitise_photo(original)
    assert clean.media_type == "image/jpeg"
    reopened = Image.open(io.BytesIO(clean.content))
    assert not reopened.getexif() and b"PhoneMaker" not in clean.content


def test_png_text_chunks_are_stripped() -> None:
    clean = sanitise_photo(png_with_text())
    assert clean.media_type == "image/png" and b"home address" not in clean.content
    assert not Image.open(io.BytesIO(clean.content)).info.get("Comment")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a" + b"\x00" * 100, "photo_corrupt"),
        (b"just some text", "photo_corrupt"),
        (jpeg_with_gps()[:200], "photo_corrupt"),
        (b"\xff\xd8" + b"0" * (5 * 1024 * 1024), "photo_too_large"),
    ],
)
def test_bad_photos_are_refused(data, code) -> None:
    with pytest.raises(PhotoRejected) as caught:
        sanitise_photo(data)
    assert caught.value.code == code


def test_gif_is_refused_by_type() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(PhotoRejected) as caught:
        sanitise_photo(out.getvalue())
    assert caught.value.code == "photo_type"


async def test_file_and_work_a_report(session, client, label_world) -> None:
    files = {"photo": ("bag.jpg", jpeg_with_gps(), "image/jpeg")}
    form = {
        "code": label_world["code"].lower(),
        "what_was_seen": "包装印刷模糊，疑似假冒",
        "where_bought": "临河区某超市",
    }
    created = await client.post("/api/v1/reports", data=form, files=files)
    assert created.status_code == 201 and created.json()["status"] == "new"
    report_id = created.json()["id"]
    stored = await session.scalar(select(ConsumerReport).where(ConsumerReport.id == report_id))
    assert stored.code == label_world["code"] and stored.enterprise_id == label_world["company"].id
    photo_bytes = await session.scalar(
        select(ConsumerReport.photo).where(ConsumerReport.id == report_id)
    )
    assert photo_bytes and b"PhoneMaker" not in photo_bytes

    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    url = f"/api/v1/reports/{report_id}/transition"
    closing_early = await client.post(
        url, json={"status": "resolved", "outcome": "x"}, headers=regulator
    )
    assert closing_early.status_code == 409 and closing_early.json()["current_state"] == "new"
    assert (
        await client.post(url, json={"status": "investigating"}, headers=regulator)
    ).status_code == 200
    no_outcome = await client.post(url, json={"status": "resolved"}, headers=regulator)
    assert no_outcome.status_code == 422
    done = await client.post(
        url, json={"status": "resolved", "outcome": "已立案查处"}, headers=regulator
    )
    assert done.json()["status"] == "resolved" and done.json()["outcome"] == "已立案查处"
    photo = await client.get(f"/api/v1/reports/{report_id}/photo", headers=regulator)
    assert photo.headers["content-type"] == "image/jpeg"

    owner = await factories.auth_headers(session, client, Role.LICENSEE, label_world["company"].id)
    stranger = await factories.auth_headers(session, client, Role.LICENSEE)
    assert (await client.get(f"/api/v1/reports/{report_id}", headers=owner)).status_code == 200
    assert (await client.get(f"/api/v1/reports/{report_id}", headers=stranger)).status_code == 404
    assert (await client.get("/api/v1/reports", headers=stranger)).json()["total"] == 0
    assert (
        await client.post(url, json={"status": "dismissed", "outcome": "x"}, headers=owner)
    ).status_code == 403


async def test_report_form_page(client, label_world) -> None:
    form = await client.get("/report", params={"code": label_world["code"], "lang": "en"})
    assert (
        form.status_code == 200
        and 'name="what_was_seen"' in form.text
        and label_world["code"] in form.text
    )
    sent = await client.post(
        "/report", params={"lang": "en"}, data={"what_was_seen": "The seal was broken"}
    )
    assert sent.status_code == 200 and "Thank you" in sent.text and "data-report=" in sent.text
    bad = await client.post(
        "/report",
        data={"what_was_seen": "坏了，看看"},
        files={"photo": ("x.gif", b"GIF89a....", "image/gif")},
    )
    assert bad.status_code == 422 and "JPEG" in bad.text


async def test_bad_report_payload_is_a_problem(client) -> None:
    response = await client.post("/api/v1/reports", data={"what_was_seen": "no"})
    assert (
        response.status_code == 422
        and response.json()["errors"][0]["field"] == "body.what_was_seen"
    )
