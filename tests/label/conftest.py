import factories
import pytest

from app.core.principal import Role


@pytest.fixture
async def shop(session, client):
    """A licensee with an active licence for a GI product, and a regulator."""
    product = await factories.product(session, code="WYXRK", name_zh="五原向日葵")
    company = await factories.enterprise(session, name="丰瑞农业")
    licence = await factories.licence(session, company.id, product.id)
    return {
        "product": product,
        "company": company,
        "licence": licence,
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, company.id),
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }
