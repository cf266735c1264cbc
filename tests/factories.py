"""Builders for test data: each makes one valid object and returns it flushed."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.passwords import hash_password
from app.core.organisations import Organisation
from app.core.principal import OrgKind, Role
from app.core.time import public_today, utcnow
from app.enterprise.models import Enterprise
from app.enterprise.uscc import compose
from app.label.models import BatchStatus, Label, LabelBatch, LabelStatus
from app.licence.models import Licence, LicenceStatus
from app.registry.models import GIProduct, LegalRoute, TestItem
from app.tradeitem.models import TradeItem

_serial = itertools.count(1)
PASSWORD = "correct horse battery"


def make_uscc(n: int) -> str:
    """A company registered in 五原县, with valid organisation-code and USCC check characters."""
    return compose("91", "150821", f"MA{n:06d}")


async def product(session: AsyncSession, **overrides: Any) -> GIProduct:
    n = next(_serial)
    fields: dict[str, Any] = {
        "code": f"P{n}",
        "name_zh": f"测试产品{n}",
        "name_en": f"Test product {n}",
        "route": LegalRoute.CERTIFICATION_MARK,
        "trademark": f"测试{n}",
        "trademark_reg_number": f"第{n:08d}号",
        "standard_number": f"T/TEST {n}-2024",
        "protected_area": "五原县",
        "standard_yield_kg_per_mu": Decimal("250"),
        "default_pack_size_kg": Decimal("0.5"),
    }
    fields.update(overrides)
    obj = GIProduct(**fields)
    session.add(obj)
    await session.flush()
    return obj


async def test_item(session: AsyncSession, product_id: int, **overrides: Any) -> TestItem:
    fields: dict[str, Any] = {
        "product_id": product_id,
        "code": f"item{next(_serial)}",
        "name_zh": "水分",
        "name_en": "Moisture",
        "unit": "%",
        "min_value": None,
        "max_value": Decimal("9.0"),
    }
    fields.update(overrides)
    obj = TestItem(**fields)
    session.add(obj)
    await session.flush()
    return obj


async def enterprise(session: AsyncSession, **overrides: Any) -> Enterprise:
    n = next(_serial)
    fields: dict[str, Any] = {
        "name": f"测试企业{n}",
        "uscc": make_uscc(n),
        "address": "五原县",
        "region": "巴彦淖尔市五原县",
        "division_code": "150821",
    }
    fields.update(overrides)
    obj = Enterprise(**fields)
    session.add(obj)
    await session.flush()
    return obj


async def licence(
    session: AsyncSession, enterprise_id: int, product_id: int, **overrides: Any
) -> Licence:
    n = next(_serial)
    today = public_today()
    fields: dict[str, Any] = {
        "number": f"GI-TEST-{n:05d}",
        "enterprise_id": enterprise_id,
        "product_id": product_id,
        "status": LicenceStatus.ACTIVE,
        "production_area_mu": Decimal("100"),
        "production_location": "五原县隆兴昌镇",
        "valid_from": today - timedelta(days=30),
        "valid_until": today + timedelta(days=700),
        "applied_at": utcnow() - timedelta(days=40),
        "decided_at": utcnow() - timedelta(days=30),
    }
    fields.update(overrides)
    obj = Licence(**fields)
    session.add(obj)
    await session.flush()
    return obj


# The organisation a staff account of each role joins unless told: what the migration of
# revision 0026 made of the accounts that existed (a region-level bureau, a laboratory, the
# platform operator), so tests written before organisations keep their meaning.
DEFAULT_ORG_KIND = {
    Role.REGULATOR: OrgKind.MARKET_SUPERVISION,
    Role.INSPECTOR: OrgKind.LABORATORY,
    Role.ADMIN: OrgKind.PLATFORM_OPERATOR,
}


async def organisation(
    session: AsyncSession,
    kind: OrgKind = OrgKind.MARKET_SUPERVISION,
    division_code: str = "150000",
    **overrides: Any,
) -> Organisation:
    n = next(_serial)
    fields: dict[str, Any] = {
        "name_zh": f"测试机构{n}",
        "name_en": f"Test organisation {n}",
        "kind": kind,
        "division_code": division_code,
    }
    if kind is OrgKind.LABORATORY:
        fields |= {"accreditation_number": f"CMA-TEST-{n:06d}", "accreditation_scope": "葵花籽"}
    fields.update(overrides)
    obj = Organisation(**fields)
    session.add(obj)
    await session.flush()
    return obj


async def user(
    session: AsyncSession, role: Role, enterprise_id: int | None = None, **overrides: Any
) -> User:
    """A user of ``role``; staff join a new organisation of their role's ``DEFAULT_ORG_KIND``
    at region level (150000) unless ``organisation_id`` is given."""
    n = next(_serial)
    if role in DEFAULT_ORG_KIND and "organisation_id" not in overrides:
        overrides["organisation_id"] = (await organisation(session, DEFAULT_ORG_KIND[role])).id
    fields: dict[str, Any] = {
        "username": f"{role.value}{n}",
        "display_name": f"{role.value} {n}",
        "password_hash": _password_hash(),
        "role": role,
        "enterprise_id": enterprise_id,
    }
    fields.update(overrides)
    obj = User(**fields)
    session.add(obj)
    await session.flush()
    return obj


_cached_hash: list[str] = []


def _password_hash() -> str:
    # argon2 is deliberately slow; one hash serves every test user.
    if not _cached_hash:
        _cached_hash.append(hash_password(PASSWORD))
    return _cached_hash[0]


async def login(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await client.post(
        "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def auth_headers(
    session: AsyncSession,
    client: httpx.AsyncClient,
    role: Role,
    enterprise_id: int | None = None,
    **overrides: Any,
) -> dict[str, str]:
    """A fresh user of ``role`` (licensees get an enterprise) and its Authorization header;
    a regulator works for a region-level (150000) market-supervision bureau unless
    ``organisation_id`` says otherwise."""
    if role is Role.LICENSEE and enterprise_id is None:
        enterprise_id = (await enterprise(session)).id
    account = await user(session, role, enterprise_id, **overrides)
    return await login(client, account.username)


async def item(
    session: AsyncSession, enterprise_id: int, product_id: int, **overrides: Any
) -> TradeItem:
    """A trade item of ``enterprise_id`` under ``product_id`` (no GTIN unless given)."""
    n = next(_serial)
    fields: dict[str, Any] = {"name": f"商品{n} 500 g", "gtin": None}
    fields.update(overrides)
    obj = TradeItem(enterprise_id=enterprise_id, product_id=product_id, **fields)
    session.add(obj)
    await session.flush()
    return obj


async def batch(session: AsyncSession, licence_row: Licence, **overrides: Any) -> LabelBatch:
    """A label batch of ``licence_row`` (issued unless ``status`` says otherwise)."""
    n = next(_serial)
    fields: dict[str, Any] = {
        "licence_id": licence_row.id,
        "enterprise_id": licence_row.enterprise_id,
        "product_id": licence_row.product_id,
        "lot_number": f"LOT-{n:05d}",
        "quantity": 10,
        "unit": "袋 0.5 kg",
        "production_date": public_today() - timedelta(days=10),
        "origin": "五原县隆兴昌镇",
        "season": public_today().year,
        "status": BatchStatus.ISSUED,
        "issued_at": utcnow() - timedelta(days=5),
        "key_id": "2",
    }
    fields.update(overrides)
    obj = LabelBatch(**fields)
    session.add(obj)
    await session.flush()
    return obj


async def labels(
    session: AsyncSession, batch_row: LabelBatch, codes: list[str], **overrides: Any
) -> list[Label]:
    """Label rows for ``codes`` (mint them with the codec under test) in ``batch_row``."""
    rows = [
        Label(code=code, batch_id=batch_row.id, serial=i, status=LabelStatus.ACTIVE, **overrides)
        for i, code in enumerate(codes, start=1)
    ]
    session.add_all(rows)
    await session.flush()
    return rows


def labels_of(batch_row: LabelBatch) -> Select[Label]:
    """The batch's label rows, by serial (a query: tests change them in place)."""
    return select(Label).where(Label.batch_id == batch_row.id).order_by(Label.serial)
