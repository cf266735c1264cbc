"""A search for ``%``, ``_`` or the escape character finds those characters, not every row."""

import factories
import pytest

from app.core.notices import NoticeKind, PublicNotice
from app.core.principal import Role

LITERALS = ("%", "_", "/")


@pytest.fixture
async def named(session) -> dict[str, str]:
    """One enterprise (with an active licence) and one product per special character, plus
    plain ones that a wildcard would also match."""
    names = {}
    for char in (*LITERALS, ""):
        enterprise = await factories.enterprise(session, name=f"五原{char}纯度企业")
        product = await factories.product(session, name_zh=f"葵花籽{char}特级")
        await factories.licence(session, enterprise.id, product.id)
        names[char] = enterprise.name
    return names


async def found(client, path: str, q: str, headers=None) -> list[dict]:
    response = await client.get(path, params={"q": q, "limit": 200}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.mark.parametrize("char", LITERALS)
async def test_enterprise_search(session, client, named, char) -> None:
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    items = await found(client, "/api/v1/enterprises", char, regulator)
    assert [item["name"] for item in items] == [named[char]]


@pytest.mark.parametrize("char", LITERALS)
async def test_product_search(session, client, named, char) -> None:
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    items = await found(client, "/api/v1/products", char, regulator)
    assert [item["name_zh"] for item in items] == [f"葵花籽{char}特级"]


@pytest.mark.parametrize("char", LITERALS)
async def test_public_register_search(client, named, char) -> None:
    items = await found(client, "/api/v1/public/register", char)
    assert [item["enterprise_name"] for item in items] == [named[char]]


@pytest.mark.parametrize("char", LITERALS)
async def test_notice_search(session, client, char) -> None:
    for subject_id, mark in enumerate((char, "")):
        text = f"批次{mark}撤销"
        notice = PublicNotice(
            kind=NoticeKind.REVOCATION, subject_id=subject_id, reason=text, search_text=text
        )
        session.add(notice)
    await session.flush()
    items = await found(client, "/api/v1/public/notices", char)
    assert [item["reason"] for item in items] == [f"批次{char}撤销"]
