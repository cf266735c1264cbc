"""Public rate limits through the whole app, designed for carrier-grade NAT: one address may
check genuine codes all day; distinct unknown codes and report spam are what is stopped."""

import re

import pytest
from verification_fixtures import client_from

from app.label.code import LabelCodec
from app.main import create_app

NAT = "203.0.113.9"  # thousands of phones behind one IPv4 address


def forged_codes(count: int) -> list[str]:
    """Well-formed codes (the check character is right) under a key that is not ours."""
    return LabelCodec({"1": b"\x33" * 32}, "1").mint_many(count)


async def test_a_thousand_checks_of_genuine_codes_from_one_address_all_pass(
    app, label_world
) -> None:
    codes = [label.code for label in label_world["labels"]]
    async with client_from(app, NAT) as nat:
        statuses = set()
        for n in range(1000):
            path = "/api/v1/verify/" if n % 2 else "/v/"
            statuses.add((await nat.get(path + codes[n % len(codes)])).status_code)
    assert statuses == {200}


async def test_a_burst_of_distinct_unknown_codes_is_stopped_and_spares_everyone_else(
    app, label_world
) -> None:
    bad = forged_codes(125)
    async with client_from(app, NAT) as flood, client_from(app, "198.51.100.4") as other:
        statuses = [(await flood.get(f"/api/v1/verify/{code}")).status_code for code in bad]
        assert statuses[:120] == [200] * 120 and statuses[120:] == [429] * 5
        refused = await flood.get(f"/api/v1/verify/{forged_codes(1)[0]}")
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "rate_limited" and int(refused.headers["retry-after"]) >= 1
        # The flood spent its own budget only: genuine checks from the same address, a repeat
        # of a code it already asked about, and another address all still pass.
        assert (await flood.get(f"/v/{label_world['code']}")).status_code == 200
        assert (await flood.get(f"/v/{bad[0]}")).status_code == 200
        assert (await other.get(f"/v/{bad[-1]}")).status_code == 200
        typos = [(await other.get(f"/v/{code[:-1]}X")).status_code for code in bad[:5]]
        assert typos == [200] * 5  # malformed codes count too, but per source


@pytest.mark.parametrize(
    ("lang", "says"), [("zh", r"请在 (\d+) 秒后重试"), ("en", r"try again in (\d+) seconds")]
)
async def test_a_limited_page_is_html_in_its_language_with_the_retry_time(
    test_settings, database, lang, says
) -> None:
    settings = test_settings.model_copy(update={"rate_limit_bad_codes_per_hour": 2})
    app = create_app(settings, database)
    bad = forged_codes(3)
    async with client_from(app, NAT) as flood:
        for code in bad[:2]:
            assert (await flood.get(f"/v/{code}")).status_code == 200
        params = {} if lang == "zh" else {"lang": "en"}
        page = await flood.get(f"/v/{bad[2]}", params=params)
    assert page.status_code == 429 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-language"] == ("zh-CN" if lang == "zh" else "en")
    waited = re.search(says, page.text)
    assert waited and waited.group(1) == page.headers["retry-after"]
    if lang == "zh":
        assert "查询过于频繁" in page.text and "Too many" not in page.text


async def test_spoofed_forwarded_for_is_ignored_unless_from_a_trusted_proxy(
    test_settings, database
) -> None:
    bad = forged_codes(8)
    strict = {"rate_limit_bad_codes_per_hour": 3}
    plain = create_app(test_settings.model_copy(update=strict), database)
    async with client_from(plain, NAT) as attacker:
        statuses = [
            (
                await attacker.get(
                    f"/api/v1/verify/{code}", headers={"X-Forwarded-For": f"10.0.0.{n}"}
                )
            ).status_code
            for n, code in enumerate(bad[:5])
        ]
    assert statuses.count(429) == 2  # rotating a fake header does not buy more guesses

    proxied = {**strict, "trusted_proxies": ["10.1.0.0/16"]}
    behind_proxy = create_app(test_settings.model_copy(update=proxied), database)
    async with client_from(behind_proxy, "10.1.2.3") as proxy:
        for n, code in enumerate(bad[:4]):  # four real clients behind one proxy: each has its own
            header = {"X-Forwarded-For": f"6.6.6.6, 198.51.100.{n}"}
            assert (await proxy.get(f"/api/v1/verify/{code}", headers=header)).status_code == 200


async def test_reports_are_limited_per_code_and_per_source(
    test_settings, database, label_world
) -> None:
    settings = test_settings.model_copy(
        update={"rate_limit_reports_per_code_per_hour": 3, "rate_limit_reports_per_hour": 4}
    )
    app = create_app(settings, database)
    code = label_world["code"]
    form = {"code": code, "what_was_seen": "疑似假冒"}
    for n in range(3):  # three shoppers, three addresses, one code
        async with client_from(app, f"198.51.100.{n}") as shopper:
            assert (await shopper.post("/api/v1/reports", data=form)).status_code == 201
    async with client_from(app, "198.51.100.9") as late:
        api = await late.post("/api/v1/reports", data=form)
        assert api.status_code == 429 and api.headers["content-type"] == "application/problem+json"
        assert api.json()["code"] == "too_many_reports" and int(api.headers["retry-after"]) >= 1
        page = await late.post("/report", data={**form, "where_bought": "临河区某超市"})
        assert page.status_code == 429 and "关于这个码的举报已经很多" in page.text
        assert "疑似假冒" in page.text and "临河区某超市" in page.text  # what was typed is kept
        assert page.headers["retry-after"]
        # Another code from the same shopper still goes through.
        assert (
            await late.post("/api/v1/reports", data={"what_was_seen": "包装破损"})
        ).status_code == 201

    async with client_from(app, "192.0.2.77") as spammer:
        sent = [
            (
                await spammer.post("/api/v1/reports", data={"what_was_seen": f"垃圾举报 {n}"})
            ).status_code
            for n in range(6)
        ]
        assert sent == [201] * 4 + [429] * 2
        page = await spammer.post("/report", data={"what_was_seen": "再来一次"})
        assert page.status_code == 429 and "请在" in page.text and page.headers["retry-after"]
