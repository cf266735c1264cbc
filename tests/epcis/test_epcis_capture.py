"""Capture: a licensee's system sends EPCIS documents about its own labels; malformed or
foreign ones are refused with the JSON path of each failure, and nothing of them is kept."""

import copy

import pytest
from epcis_world import GTIN, all_events, reference_ids

from app.epcis.vocabulary import CONTEXT

pytestmark = pytest.mark.filterwarnings("ignore:open_text is deprecated:DeprecationWarning")
URL = "/api/v1/epcis/capture"


def packing_document(*epcs: str, **extra) -> dict:
    """What a packing line might send: its own extension, bare CBV words, a ship-from."""
    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-11-30T09:15:00.250+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": list(epcs),
        "action": "OBSERVE",
        "bizStep": "packing",
        "disposition": "in_progress",
        "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"},
        "line:station": "3号包装线",
    } | extra
    return {
        "@context": [CONTEXT, {"line": "https://fengrui.example/epcis/"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-30T09:16:00Z",
        "epcisBody": {"eventList": [event]},
    }


async def test_captured_events_appear_in_the_owners_query(client, world):
    codes = world["codes_a"]
    sent = packing_document(
        f"https://id.gs1.org/01/{GTIN}/21/{codes[10]}",
        f"https://gi.example.cn/v/{codes[11].lower()}",
    )
    response = await client.post(URL, json=sent, headers=world["licensee_a"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["eventCount"] == 1 and body["captureID"] >= 1
    # sent without an eventID: it gets the reference algorithm's
    assert body["eventIDs"] == reference_ids(sent)
    packed = await all_events(client, world["licensee_a"], EQ_bizStep="packing")
    assert [e["eventID"] for e in packed] == body["eventIDs"]
    assert packed[0]["line:station"] == "3号包装线"
    assert packed[0]["@context"] == sent["@context"]  # its extension's prefix travels with it
    # found by either label it names, and by the regulator
    found = await all_events(client, world["regulator"], MATCH_epc=codes[11])
    assert body["eventIDs"][0] in {e["eventID"] for e in found}
    assert await all_events(client, world["licensee_b"], EQ_bizStep="packing") == []


async def test_a_sent_event_id_is_kept(client, world):
    sent = packing_document(
        f"https://gi.example.cn/v/{world['codes_a'][0]}",
        eventID="urn:uuid:5b1e3f5c-0000-4000-8000-000000000001",
    )
    response = await client.post(URL, json=sent, headers=world["licensee_a"])
    assert response.status_code == 201, response.text
    assert response.json()["eventIDs"] == ["urn:uuid:5b1e3f5c-0000-4000-8000-000000000001"]


async def refused(client, headers, document) -> dict:
    response = await client.post(URL, json=document, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def paths(problem: dict) -> set[str]:
    return {error["path"] for error in problem["errors"]}


async def test_schema_failures_name_their_json_path(client, world):
    document = packing_document(f"https://gi.example.cn/v/{world['codes_a'][0]}")
    event = document["epcisBody"]["eventList"][0]
    event["action"] = "MOVE"
    event["eventTime"] = "yesterday"
    del event["eventTimeZoneOffset"]
    problem = await refused(client, world["licensee_a"], document)
    assert {
        "$.epcisBody.eventList[0].action",
        "$.epcisBody.eventList[0].eventTime",
        "$.epcisBody.eventList[0]",
    } <= paths(problem)
    messages = {e["path"]: e["message"] for e in problem["errors"]}
    assert "MOVE" in messages["$.epcisBody.eventList[0].action"]
    assert await all_events(client, world["licensee_a"], EQ_bizStep="packing") == []


async def test_a_document_that_is_no_document_is_refused(client, world):
    problem = await refused(client, world["licensee_a"], {"type": "EPCISDocument"})
    assert "$" in paths(problem)  # the missing @context, epcisBody… are the root's


async def test_another_licensees_code_or_no_label_is_refused_by_path(client, world):
    mine, theirs = world["codes_a"][0], world["codes_b"][0]
    document = packing_document(
        f"https://gi.example.cn/v/{mine}",
        f"https://gi.example.cn/v/{theirs}",
        "urn:epc:id:sgtin:0614141.107346.2017",
    )
    second = copy.deepcopy(document["epcisBody"]["eventList"][0])
    second["epcList"] = [f"https://id.gs1.org/01/06901234567908/21/{mine}"]  # not its GTIN
    document["epcisBody"]["eventList"].append(second)
    problem = await refused(client, world["licensee_a"], document)
    assert paths(problem) == {
        "$.epcisBody.eventList[0].epcList[1]",
        "$.epcisBody.eventList[0].epcList[2]",
        "$.epcisBody.eventList[1].epcList[0]",
    }
    # nothing of the document was kept, not even its valid first EPC's event
    assert await all_events(client, world["licensee_a"], EQ_bizStep="packing") == []
    assert await all_events(client, world["regulator"], EQ_bizStep="packing") == []


async def test_only_licensees_capture(client, world):
    document = packing_document(f"https://gi.example.cn/v/{world['codes_a'][0]}")
    response = await client.post(URL, json=document, headers=world["regulator"])
    assert response.status_code == 403


async def test_an_unknown_event_type_is_refused_by_path(client, world):
    document = packing_document(f"https://gi.example.cn/v/{world['codes_a'][0]}")
    document["epcisBody"]["eventList"][0]["type"] = "https://fengrui.example/epcis/PackingEvent"
    problem = await refused(client, world["licensee_a"], document)
    assert "$.epcisBody.eventList[0].type" in paths(problem) or "$.epcisBody.eventList[0]" in paths(
        problem
    )


def test_the_app_validates_against_the_vendored_schema():
    from pathlib import Path

    from app.epcis.validation import SCHEMA

    vendored = Path(__file__).with_name("vendor") / "EPCIS-JSON-Schema.json"
    assert SCHEMA.read_bytes() == vendored.read_bytes()
