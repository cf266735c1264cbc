"""The photo of a consumer report is decoded in a worker thread, not on the event loop."""

import asyncio
import io
import threading

import anyio
from PIL import Image

from app.report import photo

WAIT_SECONDS = 20  # only a broken build waits this long: the test then fails, it does not hang


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, format="JPEG")
    return out.getvalue()


async def test_other_requests_are_served_while_a_photo_decodes(client, monkeypatch) -> None:
    decoding, release = threading.Event(), threading.Event()
    real_decode = photo._decode

    def held_decode(data: bytes, max_side: int) -> Image.Image:
        decoding.set()
        if not release.wait(WAIT_SECONDS):  # on the event loop, this would freeze every request
            raise RuntimeError("the decoder was never released")
        return real_decode(data, max_side)

    monkeypatch.setattr(photo, "_decode", held_decode)
    form = {"what_was_seen": "the seal on this bag is printed crooked"}
    filing = asyncio.create_task(
        client.post("/api/v1/reports", data=form, files={"photo": ("p.jpg", jpeg(), "image/jpeg")})
    )
    assert await anyio.to_thread.run_sync(decoding.wait, WAIT_SECONDS)

    health = await client.get("/healthz")
    assert health.status_code == 200
    assert not filing.done() and not release.is_set()  # answered while the decoder was held

    release.set()
    response = await filing
    assert response.status_code == 201, response.text
