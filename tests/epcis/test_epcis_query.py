"""The EPCIS event query: what gimark emits (valid EPCIS 2.0, hashed as the reference hashes),
its filters, its cursor paging, and who sees what."""

import factories
import pytest
from epcis_world import A_QUANTITY, GTIN, VALIDATOR, all_events, reference_ids

from app.core.principal import Role
from app.epcis.vocabulary import CONTEXT

pytestmark = pytest.mark.filterwarnings("ignore:open_text is deprecated:DeprecationWarning")


def sgtin(code: str) -> str:
    return f"https://id.gs1.org/01/{GTIN}/21/{code}"


def steps(events: list[dict]) -> list[str]:
    return [e["bizStep"] for e in events]


async def test_every_emitted_event_and_page_is_valid_epcis_2(client, world):
    response = await client.get(
        "/api/v1/epcis/events", params={"perPage": 50}, headers=world["regulator"]
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    document = response.json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert errors == []
    assert document["type"] == "EPCISQueryDocument"
    assert document["@context"] == [CONTEXT]
    events = document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    for event in events:  # each event alone, too, as the schema's event definition
        alone = {"@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0"}
        alone |= {"creationDate": "2026-11-30T00:00:00Z", "epcisBody": {"eventList": [event]}}
        assert list(VALIDATOR.iter_errors(alone)) == []
    # A's batch of 1201 labels reads as 3 events for each act on the whole batch (issue,
    # inspection, recall); B's issue; A's void of two labels
    assert sorted(steps(events)) == sorted(
        ["commissioning"] * 4 + ["decommissioning"] + ["inspecting"] * 3 + ["holding"] * 3
    )


async def test_event_ids_are_the_reference_hash_of_what_is_emitted(client, world):
    events = await all_events(client, world["regulator"], perPage=50)
    document = {"@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0"}
    document |= {"creationDate": "2026-11-30T00:00:00Z", "epcisBody": {"eventList": events}}
    assert [e["eventID"] for e in events] == reference_ids(document)
    # stable: the same facts read again give the same identifiers
    again = await all_events(client, world["regulator"], perPage=3)
    assert [e["eventID"] for e in again] == [e["eventID"] for e in events]


async def test_commissioning_lists_every_code_once_in_pages_of_500(client, world):
    events = await all_events(client, world["licensee_a"], EQ_bizStep="commissioning")
    assert [len(e["epcList"]) for e in events] == [500, 500, A_QUANTITY - 1000]
    listed = [epc for e in events for epc in e["epcList"]]
    assert listed == [sgtin(code) for code in world["codes_a"]]
    first = events[0]
    assert (first["type"], first["action"], first["disposition"]) == (
        "ObjectEvent",
        "ADD",
        "active",
    )
    assert first["eventTimeZoneOffset"] == "+08:00" and first["eventTime"].endswith("+08:00")


async def test_inspection_void_and_recall_read_as_the_standards_vocabulary(client, world):
    events = await all_events(client, world["licensee_a"])
    by_step: dict[str, dict] = {}
    for event in events:
        by_step.setdefault(event["bizStep"], event)
    assert by_step["inspecting"]["action"] == "OBSERVE"
    assert by_step["inspecting"]["disposition"] == "non_conformant"  # moisture 12.0 > 9.0
    void = by_step["decommissioning"]
    assert (void["action"], void["disposition"]) == ("DELETE", "inactive")
    assert sorted(void["epcList"]) == sorted(sgtin(code) for code in world["voided"])
    recalled = [e for e in events if e["bizStep"] == "holding"]
    assert {e["disposition"] for e in recalled} == {"recalled"}
    assert [epc for e in recalled for epc in e["epcList"]] == [sgtin(c) for c in world["codes_a"]]
    # the order of the acts: issue, void, inspection, recall
    order = [e["bizStep"] for e in events if e["epcList"][0].endswith(world["codes_a"][0])]
    assert order == ["commissioning", "inspecting", "holding"]


async def test_a_label_without_a_gtin_is_its_public_url(client, world):
    events = await all_events(client, world["licensee_b"])
    assert events[0]["epcList"] == [f"https://gi.example.cn/v/{c}" for c in world["codes_b"]]


async def test_filters(client, world):
    regulator = world["regulator"]
    assert await all_events(client, regulator, eventType="AggregationEvent") == []
    assert len(await all_events(client, regulator, eventType="ObjectEvent")) == 11
    inspected = await all_events(client, regulator, EQ_bizStep="inspecting")
    full_uri = "https://ref.gs1.org/cbv/BizStep-inspecting"
    assert await all_events(client, regulator, EQ_bizStep=full_uri) == inspected
    assert steps(inspected) == ["inspecting"] * 3
    every = await all_events(client, regulator)
    middle = every[5]["eventTime"]
    later = await all_events(client, regulator, GE_eventTime=middle)
    earlier = await all_events(client, regulator, LT_eventTime=middle)
    assert earlier + later == every and earlier and later


@pytest.mark.parametrize(
    "form",
    [
        lambda code: f"https://id.gs1.org/01/{GTIN}/21/{code}",
        lambda code: f"https://gi.example.cn/01/{GTIN}/10/WY-2026-001/21/{code}",
        lambda code: code.lower(),
    ],
    ids=["canonical", "qr-digital-link", "code"],
)
async def test_match_epc_finds_the_events_naming_that_label(client, world, form):
    voided = world["voided"][0]  # serial 701: the second commissioning event
    events = await all_events(client, world["licensee_a"], MATCH_epc=form(voided))
    assert steps(events) == ["commissioning", "decommissioning", "inspecting", "holding"]
    assert all(sgtin(voided) in e["epcList"] for e in events)
    assert events[0]["epcList"][0] == sgtin(world["codes_a"][500])


async def test_match_epc_with_another_items_gtin_or_an_unknown_code_finds_nothing(client, world):
    code = world["codes_a"][0]
    other = f"https://id.gs1.org/01/06901234567908/21/{code}"
    assert await all_events(client, world["regulator"], MATCH_epc=other) == []
    assert await all_events(client, world["regulator"], MATCH_epc="not-a-code") == []


async def test_pages_follow_the_cursor_without_gaps_or_repeats(client, world):
    every = await all_events(client, world["regulator"], perPage=50)
    paged = await all_events(client, world["regulator"], perPage=2)
    assert [e["eventID"] for e in paged] == [e["eventID"] for e in every]
    response = await client.get(
        "/api/v1/epcis/events", params={"perPage": 2}, headers=world["regulator"]
    )
    token = response.headers["GS1-Next-Page-Token"]
    assert response.headers["Link"].endswith("nextPageToken=" + token + '>; rel="next"')


async def test_a_forged_page_token_is_refused(client, world):
    response = await client.get(
        "/api/v1/epcis/events", params={"nextPageToken": "bm9wZQ"}, headers=world["regulator"]
    )
    assert response.status_code == 422
    assert response.json()["field"] == "nextPageToken"


async def test_a_licensee_sees_only_its_own_events(client, world):
    a = await all_events(client, world["licensee_a"])
    b = await all_events(client, world["licensee_b"])
    assert len(a) == 10 and len(b) == 1
    a_ids = {e["eventID"] for e in a}
    assert a_ids.isdisjoint(e["eventID"] for e in b)
    assert all(epc.startswith("https://id.gs1.org/") for e in a for epc in e["epcList"])
    b_code = world["codes_b"][0]
    assert await all_events(client, world["licensee_a"], MATCH_epc=b_code) == []


async def test_inspectors_and_strangers_are_refused(client, session, world):
    import factories

    inspector = await factories.auth_headers(session, client, Role.INSPECTOR)
    response = await client.get("/api/v1/epcis/events", headers=inspector)
    assert response.status_code == 403
    assert (await client.get("/api/v1/epcis/events")).status_code == 401


async def test_plain_json_on_request(client, world):
    headers = world["regulator"] | {"Accept": "application/json"}
    response = await client.get("/api/v1/epcis/events", headers=headers)
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    "params",
    [
        {"GE_eventTime": "9999-12-31T23:59:59-05:00"},
        {"nextPageToken": "WyI5OTk5LTEyLTMxVDIzOjU5OjU5LTA1OjAwIiwgMCwgMSwgMF0"},
        {"nextPageToken": "WzEsMiwzXQ"},
    ],
    ids=["time-beyond-utc", "token-beyond-utc", "token-of-numbers"],
)
async def test_out_of_range_input_is_a_422_not_a_crash(client, world, params):
    response = await client.get("/api/v1/epcis/events", params=params, headers=world["regulator"])
    assert response.status_code == 422, response.text


async def test_a_bureau_reads_the_events_of_its_jurisdiction_only(session, client, world):
    """The lot's enterprise is in 五原县 (150821): that county's bureau reads every event the
    region does; 海勃湾区's (150302) reads none (issue 14)."""

    async def events(headers) -> list[dict]:
        response = await client.get("/api/v1/epcis/events", params={"perPage": 50}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]

    everything = await events(world["regulator"])
    assert everything
    for division, expected in (("150821", everything), ("150302", [])):
        bureau = await factories.organisation(session, division_code=division)
        headers = await factories.auth_headers(
            session, client, Role.REGULATOR, organisation_id=bureau.id
        )
        assert await events(headers) == expected, division
