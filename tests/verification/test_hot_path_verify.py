"""The public check taken ahead of the route table (``app.core.hotpath``) answers exactly as
the routed endpoint does."""


async def test_hot_and_routed_checks_answer_the_same(client, label_world) -> None:
    code = label_world["code"]
    hot = await client.get(f"/api/v1/verify/{code}")
    # A request with a body header is not taken by the hot path: the route table serves it.
    routed = await client.request("GET", f"/api/v1/verify/{code}", headers={"content-length": "0"})
    assert hot.status_code == routed.status_code == 200
    assert hot.headers["content-type"] == routed.headers["content-type"]
    first, second = hot.json(), routed.json()
    assert second["history"]["times_checked_before"] == first["history"]["times_checked_before"] + 1
    first.pop("history"), second.pop("history")
    assert first == second and first["verdict"] == "genuine"


async def test_a_code_longer_than_the_path_admits_gets_the_routes_422(client) -> None:
    response = await client.get("/api/v1/verify/" + "A" * 65)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
