"""Cartons and pallets in the EPCIS events (issue 15 points 3-4): cartons onto and off a pallet
are the pallet's AggregationEvents, and a package's EPC is a query key: ``MATCH_epc`` finds the
events listing it as a child, ``MATCH_parentID`` those it is the parent of, ``MATCH_anyEPC``
both, all within the reader's scope and paged by the cursor. A pallet's revocation or recall
reaches its units' events through its cartons."""

import pytest
from epcis_world import all_events
from packing_line import (
    GROUNDS,
    SSCC,
    call,
    events_of,
    found_by,
    kinds,
    new_carton,
    new_package,
    sgtins,
)
from sqlalchemy import select

from app.epcis.vocabulary import CONTEXT
from app.label.models import BatchStatus, LabelBatch

pytestmark = pytest.mark.filterwarnings("ignore:open_text is deprecated:DeprecationWarning")

PALLET_SSCC = "106141410000000019"  # extension 1, company 0614141, serial 000000001
PALLET_URN = "urn:epc:id:sscc:0614141.1000000001"
PUBLIC = "https://gi.example.cn/v/"


def dl(sscc: str) -> str:
    return f"https://id.gs1.org/00/{sscc}"


def aggregation(events: list[dict]) -> list[tuple[str, str, str, list[str]]]:
    return [(e["action"], e["bizStep"], e["parentID"], e["childEPCs"]) for e in events]


async def pack(client, line, package: str, codes: list[str], *, out: bool = False) -> dict:
    verb = "unpack" if out else "pack"
    return await call(
        client, f"/api/v1/packages/{package}/{verb}", {"codes": codes}, line["licensee"]
    )


@pytest.fixture
async def pallet(client, line):
    """A pallet (SSCC) holding an SSCC carton of four units of two lots and a gimark-coded
    carton of two; then the gimark one taken off, and the pallet emptied."""
    first, second = line["first"], line["second"]
    carton, minted = await new_carton(client, line, SSCC), await new_carton(client, line)
    pallet = await new_package(client, line, "pallet", PALLET_SSCC)
    await pack(client, line, carton, first[:3] + second[:1])
    await pack(client, line, minted, first[3:5])
    stacked = await pack(client, line, pallet, [carton, f"(00){PALLET_SSCC}", minted, "123"])
    assert (stacked["changed"], stacked["refused"]) == (2, {"not_a_carton": 1, "malformed": 1})
    again = await pack(client, line, pallet, [carton])  # moves nothing: no event
    assert again["unchanged"] == 1
    await pack(client, line, pallet, [minted], out=True)
    emptied = f"/api/v1/packages/{pallet}/unpack"
    await call(client, emptied, {"everything": True}, line["licensee"])
    return {"carton": carton, "minted": minted, "pallet": pallet}


async def test_cartons_onto_and_off_a_pallet_are_its_aggregation_events(client, line, pallet):
    minted = PUBLIC + pallet["minted"]
    events = await found_by(client, line, MATCH_parentID=dl(PALLET_SSCC))
    assert aggregation(events) == [
        ("ADD", "packing", dl(PALLET_SSCC), [dl(SSCC), minted]),  # in the order scanned
        ("DELETE", "unpacking", dl(PALLET_SSCC), [minted]),
        ("DELETE", "unpacking", dl(PALLET_SSCC), [dl(SSCC)]),
    ]
    assert {(e["type"], e["disposition"]) for e in events} == {("AggregationEvent", "in_progress")}
    assert all("epcList" not in e for e in events)
    # the pallet in any form it is written in: its URN, its digits, with "(00)", on our host
    for form in (PALLET_URN, PALLET_SSCC, f"(00){PALLET_SSCC}", f"{PUBLIC[:-2]}00/{PALLET_SSCC}"):
        assert await all_events(client, line["licensee"], MATCH_parentID=form) == events, form
    # a pallet is nobody's child
    assert await all_events(client, line["licensee"], MATCH_epc=dl(PALLET_SSCC)) == []
    every = await all_events(client, line["licensee"], eventType="AggregationEvent")
    assert [e for e in every if e["parentID"] == dl(PALLET_SSCC)] == events


async def test_a_pallet_with_a_gimark_code_is_its_public_url(client, line):
    carton = await new_carton(client, line, SSCC)
    pallet = await new_package(client, line, "pallet")
    await pack(client, line, pallet, [carton])
    (event,) = await found_by(client, line, MATCH_parentID=pallet.lower())
    assert aggregation([event]) == [("ADD", "packing", PUBLIC + pallet, [dl(SSCC)])]


async def test_a_cartons_epc_finds_it_as_a_child_a_parent_or_either(client, line, pallet):
    first, second, carton = line["first"], line["second"], pallet["carton"]
    as_child = await found_by(client, line, MATCH_epc=dl(carton))
    assert [(e["action"], e["parentID"]) for e in as_child] == [
        ("ADD", dl(PALLET_SSCC)),
        ("DELETE", dl(PALLET_SSCC)),
    ]
    as_parent = await found_by(client, line, MATCH_parentID=dl(carton))
    assert (
        aggregation(as_parent)
        == [  # its units, one event per lot
            ("ADD", "packing", dl(SSCC), sgtins(first[:3])),
            ("ADD", "packing", dl(SSCC), sgtins(second[:1])),
        ]
    )
    either = await found_by(client, line, MATCH_anyEPC=carton)
    assert either == as_parent + as_child  # in time order: packed, then stacked
    minted = pallet["minted"]
    assert [e["action"] for e in await found_by(client, line, MATCH_epc=minted)] == [
        "ADD",
        "DELETE",
    ]
    # a label is never a parent here, and MATCH_anyEPC of a label is its MATCH_epc
    unit = first[0]
    assert await all_events(client, line["licensee"], MATCH_parentID=unit) == []
    assert await found_by(client, line, MATCH_anyEPC=unit) == await events_of(client, line, unit)


async def test_epc_parameters_together_all_apply(client, line, pallet):
    first, carton = line["first"], pallet["carton"]
    both = await found_by(client, line, MATCH_epc=first[1], MATCH_parentID=carton)
    assert aggregation(both) == [("ADD", "packing", dl(SSCC), sgtins(first[:3]))]
    other = await all_events(
        client, line["licensee"], MATCH_epc=first[1], MATCH_parentID=pallet["minted"]
    )
    assert other == []
    on_pallet = await found_by(client, line, MATCH_epc=carton, MATCH_parentID=PALLET_SSCC)
    assert [e["action"] for e in on_pallet] == ["ADD", "DELETE"]
    # two labels of different lots are in no one act of gimark's
    assert (
        await all_events(
            client, line["licensee"], MATCH_epc=first[0], MATCH_anyEPC=line["second"][0]
        )
        == []
    )


async def test_package_matches_page_by_the_cursor(client, line, pallet):
    others = [await new_carton(client, line) for _ in range(6)]
    for other in others:  # six more acts on the pallet, each its own event
        await pack(client, line, pallet["pallet"], [other])
    stacked = await found_by(client, line, MATCH_parentID=PALLET_SSCC, perPage=50)
    assert [e["childEPCs"] for e in stacked[3:]] == [[PUBLIC + other] for other in others]
    for per_page in (1, 2):
        paged = await all_events(
            client, line["licensee"], MATCH_parentID=PALLET_SSCC, perPage=per_page
        )
        assert paged == stacked
    either = await found_by(client, line, MATCH_anyEPC=SSCC, perPage=50)
    assert await all_events(client, line["licensee"], MATCH_anyEPC=SSCC, perPage=1) == either
    assert len(either) == 4  # its units' two events, the pallet's two naming it


async def test_a_pallets_revocation_reaches_every_unit_on_it(client, line):
    first, second, regulator = line["first"], line["second"], line["regulator"]
    carton, minted = await new_carton(client, line, SSCC), await new_carton(client, line)
    pallet = await new_package(client, line, "pallet")
    await pack(client, line, carton, first[10:13] + second[:2])
    await pack(client, line, minted, first[20:22])
    await pack(client, line, pallet, [carton, minted])
    body = GROUNDS | {"scope": "labels", "package": pallet}
    assert (await call(client, "/api/v1/revocations", body, regulator))["label_count"] == 7

    taken_out = await found_by(client, line, EQ_bizStep="decommissioning")
    assert kinds(taken_out) == [("ObjectEvent", "DELETE", "inactive")] * 2  # one per lot
    listed = [epc for e in taken_out for epc in e["epcList"]]
    assert listed == sgtins(first[10:13] + first[20:22] + second[:2])
    (revoked,) = await events_of(client, line, first[21], EQ_bizStep="decommissioning")
    assert revoked == taken_out[0]


async def test_a_pallets_recall_reaches_its_lots(client, session, line):
    first, second = line["first"], line["second"]
    carton, pallet = await new_carton(client, line), await new_package(client, line, "pallet")
    await pack(client, line, carton, first[:1] + second[:1])
    await pack(client, line, pallet, [carton])
    batches = await session.scalars(
        select(LabelBatch).where(LabelBatch.licence_id == line["licence"].id)
    )
    for batch in batches:
        batch.status = BatchStatus.SUSPENDED  # a recall follows a suspension
    await session.flush()
    recall = GROUNDS | {"case_number": "五市监召〔2026〕2号"}
    url = f"/api/v1/packages/{pallet}/recall"
    recalled = await client.post(url, json=recall, headers=line["regulator"])
    assert recalled.status_code == 200, recalled.text
    assert len(recalled.json()) == 2  # both lots

    held = await found_by(client, line, EQ_bizStep="holding")
    assert {(e["action"], e["disposition"]) for e in held} == {("OBSERVE", "recalled")}
    assert [epc for e in held for epc in e["epcList"]] == sgtins(first + second)


async def test_captured_events_are_found_by_their_parent_package(client, line):
    """A line's own AggregationEvents: into an SSCC gimark never registered, and into the
    licensee's gimark-coded carton (its parentID no label's, but the licensee's package)."""
    first = line["first"]
    carton = await new_carton(client, line)
    events = [
        {
            "type": "AggregationEvent",
            "eventTime": f"2026-11-30T09:1{n}:00.000+08:00",
            "eventTimeZoneOffset": "+08:00",
            "parentID": parent,
            "childEPCs": sgtins(first[2 * n : 2 * n + 2]),
            "action": "ADD",
            "bizStep": "packing",
            "disposition": "in_progress",
        }
        for n, parent in enumerate((dl("006141419999999994"), PUBLIC + carton))
    ]
    document = {"@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0"}
    document |= {"creationDate": "2026-11-30T09:20:00Z", "epcisBody": {"eventList": events}}
    ids = (await call(client, "/api/v1/epcis/capture", document, line["licensee"]))["eventIDs"]

    by_sscc = await found_by(client, line, MATCH_parentID="006141419999999994")
    assert [e["eventID"] for e in by_sscc] == ids[:1]
    assert await all_events(client, line["licensee"], MATCH_epc="006141419999999994") == []
    by_carton = await found_by(client, line, MATCH_anyEPC=carton)
    assert [e["eventID"] for e in by_carton] == ids[1:]
    by_unit = await found_by(client, line, MATCH_epc=first[3], eventType="AggregationEvent")
    assert [e["eventID"] for e in by_unit] == ids[1:]
    assert await all_events(client, line["licensee"], MATCH_parentID=first[3]) == []
