"""The OpenAPI document lists every route's problem responses; /docs and /redoc work offline."""

import re
from urllib.parse import urljoin

import httpx
import pytest

from app.core.config import Settings
from app.main import create_app

pytestmark = pytest.mark.dbless
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def offline_app(tmp_path_factory):
    # Never connects: nothing here touches the database.
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('docs') / 'unused.db'}"
    settings = Settings(
        mode="test",
        database_url=url,
        jwt_secret="s" * 48,
        label_keys={"1": "11" * 32},
        label_current_key_id="1",
    )
    return create_app(settings)


@pytest.fixture
async def docs_client(offline_app):
    transport = httpx.ASGITransport(app=offline_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture(scope="module")
def operations(offline_app) -> list[tuple[str, str, dict]]:
    schema = offline_app.openapi()
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_documents_its_problems(operations) -> None:
    assert len(operations) > 50
    for method, path, operation in operations:
        responses = operation["responses"]
        expected = {"422"}
        if operation.get("security"):  # it needs a token or an API key
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            expected |= {"409", "413"}
        assert expected <= set(responses), (method, path, sorted(responses))
        for status, response in responses.items():
            if status.startswith("4"):
                content = dict(response["content"])
                assert content.pop("application/problem+json") == {"schema": PROBLEM_REF}
                successes = [r for s, r in responses.items() if s.startswith("2")]
                html_page = any("text/html" in r.get("content", {}) for r in successes)
                assert content == (
                    {"text/html": {"schema": {"type": "string"}}} if html_page else {}
                )


def test_guard_metadata_decides_401_and_403(operations) -> None:
    by_key = {(m, p): op["responses"] for m, p, op in operations}
    assert {"401", "403"} <= set(by_key[("GET", "/api/v1/enterprises")])
    assert "401" not in by_key[("GET", "/api/v1/public/register")]
    assert "429" in by_key[("POST", "/api/v1/verify/{code}/location")]


def test_problem_schema_and_integer_range(offline_app) -> None:
    schema = offline_app.openapi()
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "code", "request_id"} <= set(problem["required"])
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    params = schema["paths"]["/api/v1/enterprises/{enterprise_id}"]["get"]["parameters"]
    enterprise_id = next(p for p in params if p["name"] == "enterprise_id")["schema"]
    assert enterprise_id["maximum"] == 2**63 - 1


def asset_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", html)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_pages_load_every_asset_from_the_app(docs_client, page) -> None:
    response = await docs_client.get(page)
    assert response.status_code == 200
    urls = asset_urls(response.text)
    assert urls, response.text
    for url in urls:
        assert not re.match(r"^(https?:)?//", url), f"{page} loads {url} from another host"
        asset = await docs_client.get(urljoin(f"http://testserver{page}", url))
        assert asset.status_code == 200, url
        assert asset.content


async def test_authorize_uses_the_password_flow_on_this_host(docs_client) -> None:
    page = (await docs_client.get("/docs")).text
    assert "oauth2RedirectUrl" in page
    assert (await docs_client.get("/docs/oauth2-redirect")).status_code == 200
    schemes = (await docs_client.get("/openapi.json")).json()["components"]["securitySchemes"]
    password_flow = next(s for s in schemes.values() if s["type"] == "oauth2")["flows"]["password"]
    assert password_flow["tokenUrl"] == "/api/v1/auth/token"


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_docs_pages_let_the_browser_fetch_from_this_host_only(docs_client, page) -> None:
    """ReDoc's sidebar fetches its logo from a CDN: the policy refuses it (and anything else)."""
    response = await docs_client.get(page)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    for directive in ("img-src", "connect-src", "font-src", "style-src", "script-src"):
        sources = policy[directive].split()
        assert "'self'" in sources
        assert all(s.startswith("'") or s in ("data:", "blob:") for s in sources), directive
    # the inline script that starts Swagger UI is allowed by its hash, not by 'unsafe-inline'
    assert "'unsafe-inline'" not in policy["script-src"]
    if "<script>" in response.text:
        assert "'sha256-" in policy["script-src"]
