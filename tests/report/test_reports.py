import io
import re

import factories
import pytest
from PIL import Image
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.principal import Role
from app.report.exceptions import PhotoRejected
from app.report.models import ConsumerReport
from app.report.photo import sanitise_photo


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
        url, json={"status": "resolved", "reason": "x", "outcome": "x"}, headers=regulator
    )
    assert closing_early.status_code == 409 and closing_early.json()["current_state"] == "new"
    assert (
        await client.post(url, json={"status": "investigating"}, headers=regulator)
    ).status_code == 200
    no_reason = await client.post(
        url, json={"status": "resolved", "outcome": "已立案查处"}, headers=regulator
    )
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    done = await client.post(
        url,
        json={"status": "resolved", "reason": "现场核查属实", "outcome": "已立案查处"},
        headers=regulator,
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
        await client.post(url, json={"status": "dismissed", "reason": "x"}, headers=owner)
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
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == "what_was_seen"
    missing = await client.post("/api/v1/reports", data={"code": "X"})
    assert missing.json()["errors"][0]["field"] == "body.what_was_seen"


@pytest.mark.parametrize("text", ["疑似假冒", "是假货", "Seal broken"])
async def test_a_few_words_are_a_report(client, text) -> None:
    """Four Chinese characters are a complete report (a Chinese character counts as a word)."""
    api = await client.post("/api/v1/reports", data={"what_was_seen": text})
    assert api.status_code == 201
    page = await client.post("/report", data={"what_was_seen": text})
    assert page.status_code == 200 and "已收到您的举报" in page.text


TYPED = {
    "code": "K3F9-abcd",
    "what_was_seen": "假",
    "where_bought": "临河区某超市",
    "contact": "王女士 13800000000",
}


@pytest.mark.parametrize(
    ("lang", "says"),
    [("zh", "请写几个字说明您看到的问题"), ("en", "Please say in a few words what you saw")],
)
async def test_a_refused_form_comes_back_in_its_language_with_what_was_typed(
    client, lang, says
) -> None:
    photo = {"photo": ("bag.jpg", jpeg_with_gps(), "image/jpeg")}
    page = await client.post("/report", params={"lang": lang}, data=TYPED, files=photo)
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert says in page.text and f'action="/report?lang={lang}"' in page.text
    for value in TYPED.values():
        assert value in page.text
    photo_note = "照片出于安全原因不会保留" if lang == "zh" else "a photo is never kept"
    assert photo_note in page.text
    if lang == "zh":
        alert = page.text.split("data-error>", 1)[1].split("</section>", 1)[0]
        assert not re.search("[A-Za-z]{3,}", re.sub("<[^>]*>", "", alert))


async def test_a_refused_photo_and_an_overlong_field_stay_on_the_form(client) -> None:
    gif = {"photo": ("x.gif", b"GIF89a....", "image/gif")}
    typed = {**TYPED, "what_was_seen": "包装印刷模糊"}
    page = await client.post("/report", params={"lang": "en"}, data=typed, files=gif)
    assert page.status_code == 422 and "could not be read" in page.text
    assert "包装印刷模糊" in page.text and "临河区某超市" in page.text
    long = await client.post("/report", data={**typed, "where_bought": "街" * 501})
    assert long.status_code == 422 and "购买地点太长了" in long.text and "包装印刷模糊" in long.text


async def _file(client, code: str, **form) -> int:
    created = await client.post("/api/v1/reports", data={"code": code, **form})
    assert created.status_code == 201
    return int(created.json()["id"])


async def test_licensee_never_sees_the_informant(session, client, label_world) -> None:
    await client.get(f"/v/{label_world['code']}")  # the informant checked the label first
    report_id = await _file(
        client,
        label_world["code"],
        what_was_seen="假冒包装，请联系我 13812345678 或 shopper@example.cn",
        where_bought="五原县某超市，我家电话 0478-1234567",
        contact="王女士 139-1234-5678",
    )
    files = {"photo": ("bag.jpg", jpeg_with_gps(), "image/jpeg")}
    await client.post(
        "/api/v1/reports",
        data={"code": label_world["code"], "what_was_seen": "有照片的举报"},
        files=files,
    )
    owner = await factories.auth_headers(session, client, Role.LICENSEE, label_world["company"].id)
    one = (await client.get(f"/api/v1/reports/{report_id}", headers=owner)).json()
    listed = (await client.get("/api/v1/reports", headers=owner)).json()
    assert listed["total"] == 2
    for body in (one, *listed["items"]):
        text = str(body)
        for leak in (
            "contact",
            "photo_media_type",
            "handled_by_id",
            "13812345678",
            "shopper@",
            "0478-1234567",
            "139-1234-5678",
            "王女士",
        ):
            assert leak not in text
    assert one["what_was_seen"].startswith("假冒包装") and "五原县某超市" in one["where_bought"]
    with_photo = next(item for item in listed["items"] if item["id"] != report_id)
    photo = await client.get(f"/api/v1/reports/{with_photo['id']}/photo", headers=owner)
    assert photo.status_code == 403

    scans = (await client.get("/api/v1/scans", headers=owner)).json()
    assert scans["total"] >= 1 and "198.51.100" not in str(scans)  # the informant's network

    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    staff_scans = (await client.get("/api/v1/scans", headers=regulator)).json()
    assert staff_scans["items"][0]["network_prefix"] == "198.51.100.0/24"
    full = (await client.get(f"/api/v1/reports/{report_id}", headers=regulator)).json()
    assert full["contact"] == "王女士 139-1234-5678" and "13812345678" in full["what_was_seen"]
    staff_list = (await client.get("/api/v1/reports", headers=regulator)).json()
    assert any(item.get("contact") == "王女士 139-1234-5678" for item in staff_list["items"])


@pytest.mark.parametrize("status", ["resolved", "dismissed"])
async def test_closing_a_report_needs_a_reason_that_is_audited(
    session, client, label_world, status
) -> None:
    report_id = await _file(client, label_world["code"], what_was_seen="疑似假冒")
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    url = f"/api/v1/reports/{report_id}/transition"
    start = await client.post(
        url, json={"status": "investigating", "reason": "已派员核查"}, headers=regulator
    )
    assert start.status_code == 200
    for missing in ({}, {"reason": "   "}):
        refused = await client.post(url, json={"status": status, **missing}, headers=regulator)
        assert refused.status_code == 422 and refused.json()["code"] == "unprocessable"
    closed = await client.post(
        url, json={"status": status, "reason": "核查不属实"}, headers=regulator
    )
    assert closed.status_code == 200 and closed.json()["status"] == status
    events = await session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "consumer_report", AuditEvent.object_id == str(report_id))
        .order_by(AuditEvent.seq)
    )
    reasons = {event.action: event.reason for event in events}
    assert reasons == {
        "report.file": None,
        "report.investigating": "已派员核查",
        f"report.{status}": "核查不属实",
    }
