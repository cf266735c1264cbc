async def test_healthz_and_readyz(client) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok", ready.text


async def test_readyz_reports_an_unreachable_database(test_settings) -> None:
    import httpx

    from app.core.db import Database, create_engine
    from app.main import create_app

    broken = Database(create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    app = create_app(test_settings, broken)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/readyz")
    assert response.status_code == 503 and "unreachable" in response.json()["database"]
    await broken.dispose()


async def test_openapi_docs_are_served(client) -> None:
    assert (await client.get("/docs")).status_code == 200
    assert "/api/v1/auth/token" in (await client.get("/openapi.json")).json()["paths"]
