import factories
import pytest

from app.core.principal import Role


@pytest.fixture
async def line(session, client):
    """A licensee whose product requires activation, its regulator, and another licensee."""
    product = await factories.product(
        session, code="WYXRK", name_zh="五原向日葵", name_en="Wuyuan Sunflower"
    )
    product.requires_activation = True
    company = await factories.enterprise(session, name="丰瑞农业")
    licence = await factories.licence(session, company.id, product.id)
    rival = await factories.enterprise(session, name="别家农业")
    await factories.licence(session, rival.id, product.id)
    await session.flush()
    return {
        "product": product,
        "company": company,
        "licence": licence,
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, company.id),
        "rival": await factories.auth_headers(session, client, Role.LICENSEE, rival.id),
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }
