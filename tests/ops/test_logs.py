"""One log line per request, as JSON by default (route template, status, duration and the
request id the response carries), or as plain text for development."""

from __future__ import annotations

import json

from verification_fixtures import client_from

from app.main import create_app


def _lines(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


async def test_each_request_writes_one_json_line_with_its_id(app, client, label_world, capsys):
    capsys.readouterr()
    response = await client.get(f"/api/v1/verify/{label_world['code']}")
    missing = await client.get("/public/notices/999999999")
    app.state.access_log.flush()  # JSON lines are written in blocks (and once a second)

    lines = _lines(capsys.readouterr().err)
    (verify,) = [x for x in lines if x["request_id"] == response.headers["x-request-id"]]
    assert verify["logger"] == "gimark.access" and verify["level"] == "info"
    assert (verify["method"], verify["route"], verify["status"]) == (
        "GET",
        "/api/v1/verify/{code}",
        200,
    )
    assert verify["ms"] > 0 and label_world["code"] not in json.dumps(verify)
    (refused,) = [x for x in lines if x["request_id"] == missing.headers["x-request-id"]]
    assert refused["status"] == 404


async def test_plain_text_for_development(test_settings, database, capsys) -> None:
    app = create_app(test_settings.model_copy(update={"log_format": "text"}), database)
    async with client_from(app, "198.51.100.30") as client:
        capsys.readouterr()
        response = await client.get("/healthz")
    err = capsys.readouterr().err
    request_id = response.headers["x-request-id"]
    (line,) = [x for x in err.splitlines() if request_id in x]
    assert not line.startswith("{") and "gimark.access" in line and "GET /healthz 200" in line


async def test_no_request_lines_when_switched_off(test_settings, database, capsys) -> None:
    app = create_app(test_settings.model_copy(update={"log_requests": False}), database)
    async with client_from(app, "198.51.100.31") as client:
        capsys.readouterr()
        response = await client.get("/healthz")
    assert response.headers["x-request-id"] not in capsys.readouterr().err


def test_other_log_lines_are_json_with_the_request_id_and_scrubbed(capsys) -> None:
    import contextvars
    import logging

    from app.core.logformat import install_log_format
    from app.core.logsafety import configure_logging
    from app.core.requestid import bind_request_id

    configure_logging()
    install_log_format("json")
    capsys.readouterr()

    def log_an_error() -> None:
        bind_request_id("req-ops-0001")
        try:
            raise RuntimeError("boom for someone@example.com")
        except RuntimeError:
            logging.getLogger("gimark.ops").exception("could not do it for %s", "a@b.cn")

    contextvars.copy_context().run(log_an_error)  # the id stays bound to this context only
    (line,) = _lines(capsys.readouterr().err)
    assert (line["level"], line["logger"], line["request_id"]) == (
        "error",
        "gimark.ops",
        "req-ops-0001",
    )
    assert "RuntimeError" in line["exception"]
    assert "@" not in line["message"] and "example.com" not in line["exception"]
