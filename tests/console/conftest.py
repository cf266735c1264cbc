"""The console through HTTP: a browser-like client, and a licensee with an active licence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import factories
import httpx
import pytest
from console_helpers import client_for, log_in

from app.auth.models import User
from app.core.principal import Role
from app.licence.models import Licence


@dataclass
class World:
    licensee: User
    licence: Licence
    other_licence: Licence
    regulator: User


@pytest.fixture
async def world(session) -> World:  # type: ignore[no-untyped-def]
    product = await factories.product(session, name_zh="五原向日葵", name_en="Wuyuan Sunflower")
    company = await factories.enterprise(session, name="五原县丰瑞农业开发有限公司")
    other = await factories.enterprise(session, name="别家公司")
    licence = await factories.licence(session, company.id, product.id)
    other_licence = await factories.licence(session, other.id, product.id)
    licensee = await factories.user(session, Role.LICENSEE, company.id)
    regulator = await factories.user(session, Role.REGULATOR)
    return World(licensee, licence, other_licence, regulator)


@pytest.fixture
async def browser(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with client_for(app) as client:
        yield client


@pytest.fixture
async def licensee_browser(browser, world) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    response = await log_in(browser, world.licensee.username)
    assert response.status_code == 303, response.text
    return browser


@pytest.fixture
async def regulator_browser(browser, world) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    response = await log_in(browser, world.regulator.username)
    assert response.status_code == 303, response.text
    return browser
