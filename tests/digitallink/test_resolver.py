"""The GS1 Digital Link resolver (issue 15 point 5): the GTIN and the lot in the link are the
label's, or the verdict is ``mismatch``; a GTIN that is not one is a 400; pages, JSON and
RFC 9264 linksets by content negotiation; the resolver description."""

import factories
from digital_links import GTIN, OTHER_GTIN

from app.core.principal import Role
from app.label.models import BatchStatus

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
GS1 = "https://gs1.org/voc/"


async def test_the_labels_gtin_and_lot_are_genuine(client, linked) -> None:
    page = await client.get(linked["path"], headers=BROWSER)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'data-verdict="genuine"' in page.text
    assert 'rel="linkset"' in page.headers["link"] and "linkType=linkset" in page.headers["link"]

    answer = await client.get(linked["path"], headers=JSON)
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["verdict"] == "genuine" and answer.json()["lot_number"] == "WY-2026-001"
    # The GTIN-13 spelling of the same GTIN, and the code in lower case, are the same link.
    short = f"/01/{GTIN[1:]}/10/WY-2026-001/21/{linked['code'].lower()}"
    assert (await client.get(short, headers=JSON)).json()["verdict"] == "genuine"


async def test_another_gtin_is_a_mismatch(client, linked) -> None:
    path = f"/01/{OTHER_GTIN}/10/WY-2026-001/21/{linked['code']}"
    answer = (await client.get(path, headers=JSON)).json()
    assert answer["verdict"] == "mismatch" and answer["trustworthy"] is False
    # The shopper sees which product the label was issued for, to compare with the pack.
    assert answer["product"]["name_zh"] == "五原向日葵" and answer["lot_number"] == "WY-2026-001"
    page = await client.get(path, headers=BROWSER)
    assert page.status_code == 200 and 'data-verdict="mismatch"' in page.text


async def test_another_lot_is_a_mismatch(client, linked) -> None:
    path = f"/01/{GTIN}/10/WY-2026-002/21/{linked['code']}"
    assert (await client.get(path, headers=JSON)).json()["verdict"] == "mismatch"


async def test_a_batch_without_an_item_gtin_matches_no_link(session, client, linked) -> None:
    linked["batch"].item_id = None
    await session.flush()
    assert (await client.get(linked["path"], headers=JSON)).json()["verdict"] == "mismatch"


async def test_a_recall_outranks_a_mismatch(session, client, linked) -> None:
    linked["batch"].status = BatchStatus.RECALLED
    await session.flush()
    path = f"/01/{OTHER_GTIN}/10/WY-2026-001/21/{linked['code']}"
    assert (await client.get(path, headers=JSON)).json()["verdict"] == "recalled"


async def test_a_bad_check_digit_is_a_400(client, linked) -> None:
    path = f"/01/06901234567893/10/WY-2026-001/21/{linked['code']}"
    problem = await client.get(path, headers=JSON)
    assert problem.status_code == 400
    assert problem.headers["content-type"] == "application/problem+json"
    assert problem.json()["code"] == "bad_gtin"
    page = await client.get(path, headers=BROWSER)
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "GTIN" in page.text
    for not_a_gtin in ("0690123456789", "12345", "0690123456789X"):  # length, digits
        wrong = f"/01/{not_a_gtin}/10/WY-2026-001/21/{linked['code']}"
        assert (await client.get(wrong, headers=JSON)).status_code == 400


async def test_linkset_document(client, linked) -> None:
    asked = await client.get(linked["path"], params={"linkType": "linkset"})
    by_accept = await client.get(linked["path"], headers={"Accept": "application/linkset+json"})
    older_keyword = await client.get(linked["path"], params={"linkType": "all"})
    for response in (asked, by_accept, older_keyword):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/linkset+json"
    document = asked.json()
    assert by_accept.json() == document == older_keyword.json()
    (context,) = document["linkset"]
    anchor = f"https://gi.example.cn/01/{GTIN}/10/WY-2026-001/21/{linked['code']}"
    assert context["anchor"] == anchor
    link_types = {key for key in context if key != "anchor"}
    assert {
        GS1 + "defaultLink",
        GS1 + "pip",
        GS1 + "verificationService",
        GS1 + "certificationInfo",
    } <= link_types
    for key in link_types:
        assert key.startswith(GS1) and context[key], key
        for link in context[key]:
            assert link["href"].startswith("https://gi.example.cn/") and link["title"]
            assert link["type"] and link["hreflang"] == ["zh", "en"]
    verification = {link["type"]: link["href"] for link in context[GS1 + "verificationService"]}
    assert verification == {"text/html": anchor, "application/json": anchor}
    (certification,) = context[GS1 + "certificationInfo"]
    assert linked["company"].uscc in certification["href"]


async def test_a_link_type_redirects_to_its_link(client, linked) -> None:
    response = await client.get(linked["path"], params={"linkType": "gs1:certificationInfo"})
    assert response.status_code == 307
    assert response.headers["location"].startswith("https://gi.example.cn/public/register?q=")
    # A link type this resolver does not have: the default answer, the verdict page.
    other = await client.get(linked["path"], params={"linkType": "gs1:hasRetailers"})
    assert other.status_code == 200 and 'data-verdict="genuine"' in other.text


async def test_no_linkset_for_a_code_that_is_not_a_label(client, linked, codec) -> None:
    never_issued = codec.mint_many(1)[0]
    path = f"/01/{GTIN}/10/WY-2026-001/21/{never_issued}"
    response = await client.get(path, params={"linkType": "linkset"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_resolver_description(client) -> None:
    response = await client.get("/.well-known/gs1resolver")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    description = response.json()
    assert description["resolverRoot"] == "https://gi.example.cn"
    assert description["name"] and description["supportedPrimaryKeys"] == ["01"]
    assert description["supportedLinkType"] == [
        {"namespace": GS1, "prefix": "gs1:", "profile": "https://www.gs1.org/voc/?show=linktypes"}
    ]
    assert description["linkTypeDefaultCanBeLinkset"] is False


async def test_a_changed_gtin_reaches_the_next_check(session, client, linked) -> None:
    """The lookup row is cached per worker: changing an item's GTIN moves the trust epoch, so
    the very next check through the old GTIN already reads ``mismatch``."""
    assert (await client.get(linked["path"], headers=JSON)).json()["verdict"] == "genuine"
    staff = await factories.auth_headers(session, client, Role.REGULATOR)
    change = {"name": linked["item"].name, "gtin": OTHER_GTIN}
    changed = await client.put(f"/api/v1/items/{linked['item'].id}", json=change, headers=staff)
    assert changed.status_code == 200, changed.text
    assert (await client.get(linked["path"], headers=JSON)).json()["verdict"] == "mismatch"
    moved = f"/01/{OTHER_GTIN}/10/WY-2026-001/21/{linked['code']}"
    assert (await client.get(moved, headers=JSON)).json()["verdict"] == "genuine"
