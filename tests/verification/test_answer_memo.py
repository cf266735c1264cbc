"""The JSON check's answer memo (``service.verify_json``, issue 16): a code checked again is
answered from the bytes made before, with its history made afresh, and never after what the
answer was made of has changed."""

from __future__ import annotations

import json

from app.core.trust import trust_changed
from app.label.models import BatchStatus
from app.verification.schemas import VerifyResponse


async def check(client, code: str) -> bytes:
    response = await client.get(f"/api/v1/verify/{code}")
    assert response.status_code == 200, response.text
    return response.content


async def test_a_repeated_check_gets_the_same_answer_with_its_history_moving_on(
    app, client, label_world
) -> None:
    code = label_world["code"]
    bodies = [await check(client, code) for _ in range(3)]
    assert (code, "zh") in app.state.verifier.answers  # made once, then served from the memo
    answers = [json.loads(body) for body in bodies]
    counts = [a["history"]["times_checked_before"] for a in answers]
    assert counts == sorted(counts) and counts[-1] > counts[0]
    assert answers[-1]["history"]["first_checked_at"] is not None
    for body, answer in zip(bodies, answers, strict=True):
        # Byte for byte what pydantic writes for the same answer, in the model's field order.
        assert body == VerifyResponse.model_validate(answer).model_dump_json().encode()
        answer.pop("history")
    assert answers[0] == answers[1] == answers[2] and answers[0]["verdict"] == "genuine"


async def test_the_memo_is_not_served_once_the_label_reads_otherwise(
    session, client, label_world
) -> None:
    code = label_world["code"]
    assert json.loads(await check(client, code))["verdict"] == "genuine"
    label_world["batch"].status = BatchStatus.RECALLED
    await trust_changed(session)
    await session.flush()
    recalled = json.loads(await check(client, code))
    assert (recalled["verdict"], recalled["trustworthy"]) == ("recalled", False)
    en = await client.get(f"/api/v1/verify/{code}", headers={"Accept-Language": "en"})
    assert en.json()["verdict"] == "recalled" and en.json()["headline"] != recalled["headline"]
