"""The home page, the typed-code form and the HTML error pages of the public site."""

from __future__ import annotations

import pytest

from app.label.code import format_grouped


async def test_home_page_has_a_code_field_and_the_public_links(client) -> None:
    zh = await client.get("/")
    assert zh.status_code == 200 and zh.headers["content-type"].startswith("text/html")
    assert 'action="/check"' in zh.text and 'name="code"' in zh.text and "查验" in zh.text
    for link in ("/public/register?lang=zh", "/public/notices?lang=zh", "/report?lang=zh"):
        assert link in zh.text
    en = await client.get("/", params={"lang": "en"})
    assert "Check a GI special mark" in en.text and "/report?lang=en" in en.text
    assert "查验" not in en.text.split("<main>", 1)[1]


@pytest.mark.parametrize("shape", ["grouped", "lower", "spaced"])
async def test_a_typed_code_leads_to_its_verdict(client, label_world, shape) -> None:
    code = label_world["code"]
    typed = {
        "grouped": format_grouped(code),
        "lower": code.lower(),
        "spaced": " ".join(format_grouped(code).lower().split("-")),
    }[shape]
    sent = await client.get("/check", params={"code": typed, "lang": "en"})
    assert sent.status_code == 303 and sent.headers["location"] == f"/v/{code}?lang=en"
    verdict = await client.get(sent.headers["location"])
    assert 'data-verdict="genuine"' in verdict.text


async def test_an_empty_code_stays_on_the_home_page(client) -> None:
    empty = await client.get("/check", params={"code": " - "})
    assert empty.status_code == 422 and "请输入标签上印制的码" in empty.text


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/v/" + "A" * 65, 422),
        ("/public/register?limit=abc", 422),
        ("/public/register?offset=-1", 422),
        ("/public/nothing-here", 404),
        ("/check?code=" + "A" * 65, 422),
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_bad_page_input_is_an_html_page_in_its_language(client, url, status, lang) -> None:
    separator = "&" if "?" in url else "?"
    page = await client.get(f"{url}{separator}lang={lang}")
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert f'data-status="{status}"' in page.text and 'href="/?lang=' in page.text
    heading = {
        (404, "zh"): "找不到这个页面",
        (404, "en"): "Page not found",
        (422, "zh"): "没能读懂这个地址",
        (422, "en"): "We could not read that address",
    }[(status, lang)]
    assert heading in page.text


async def test_the_api_keeps_problem_json(client) -> None:
    for url, status in (("/api/v1/public/register?limit=abc", 422), ("/api/v1/nothing", 404)):
        answer = await client.get(url)
        assert answer.status_code == status
        assert answer.headers["content-type"] == "application/problem+json"


async def test_a_report_form_whose_body_cannot_be_parsed_is_422_html(client) -> None:
    """A broken multipart body (schemathesis found it) is a bad payload: 422, as the API says."""
    boundary = "a222103b9b30b1f9e8be6882ecedb1d2"
    response = await client.post(
        "/report",
        content=f"--{boundary}\r\n[]--{boundary}--\r\n".encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
