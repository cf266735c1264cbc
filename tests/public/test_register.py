import factories

from app.core.time import public_today
from app.licence.models import LicenceStatus

PUBLIC_FIELDS = {
    "enterprise_name",
    "uscc",
    "product_name_zh",
    "product_name_en",
    "product_code",
    "licence_number",
    "route",
    "valid_from",
    "valid_until",
    "status",
    "withdrawn_on",
    "is_demo",
    "credit_listing",  # the enterprise's listing on the credit list, while in force
}


async def test_register_lists_public_fields_only(session, client) -> None:
    product = await factories.product(session, name_zh="乌海葡萄")
    company = await factories.enterprise(
        session, name="乌海阳光合作社", contact_phone="13800000000"
    )
    await factories.licence(session, company.id, product.id)
    pending = await factories.enterprise(session, name="申请中企业")
    await factories.licence(
        session, pending.id, product.id, status=LicenceStatus.PENDING, number=None
    )
    gone = await factories.enterprise(session, name="已退出企业")
    from app.core.time import utcnow

    await factories.licence(
        session, gone.id, product.id, status=LicenceStatus.WITHDRAWN, withdrawn_at=utcnow()
    )

    page = (await client.get("/api/v1/public/register", params={"q": product.code})).json()
    names = {e["enterprise_name"]: e for e in page["items"]}
    assert set(names) == {"乌海阳光合作社", "已退出企业"}
    assert all(set(e) == PUBLIC_FIELDS for e in page["items"])
    assert names["已退出企业"]["status"] == "withdrawn"
    assert names["已退出企业"]["withdrawn_on"] == public_today().isoformat()
    assert "13800000000" not in str(page)


async def test_register_search_by_uscc_and_html(session, client) -> None:
    product = await factories.product(session, name_zh="五原向日葵", name_en="Wuyuan Sunflower")
    company = await factories.enterprise(session, name="丰瑞农业")
    await factories.licence(session, company.id, product.id)
    found = (await client.get("/api/v1/public/register", params={"q": company.uscc})).json()
    assert [e["enterprise_name"] for e in found["items"]] == ["丰瑞农业"]

    html = await client.get("/public/register", params={"q": "丰瑞"})
    assert html.status_code == 200 and "丰瑞农业" in html.text and company.uscc in html.text
    assert "五原向日葵" in html.text and "地理标志证明商标" in html.text
    english = await client.get("/public/register", params={"q": "丰瑞", "lang": "en"})
    assert "Wuyuan Sunflower" in english.text and "GI certification mark" in english.text
    assert "<script" not in html.text  # no external or inline script on the public page


async def test_register_page_keeps_the_search_across_pages(session, client) -> None:
    product = await factories.product(session, name_zh="乌海葡萄")
    for n in range(3):
        company = await factories.enterprise(session, name=f"海勃湾葡萄园{n}")
        await factories.licence(session, company.id, product.id)

    html = (await client.get("/public/register", params={"q": "海勃湾", "limit": 2})).text
    assert 'action="/public/register"' in html and 'value="海勃湾"' in html
    assert "共 3 条" in html
    assert "/public/register?lang=zh&q=%E6%B5%B7%E5%8B%83%E6%B9%BE&offset=2&limit=2" in html
    last = (await client.get("/public/register", params={"q": "海勃湾", "offset": 2})).text
    assert "下一页" not in last
