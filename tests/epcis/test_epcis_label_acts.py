"""The packing line's and the revocations' acts as EPCIS events (issue 15 point 4): activation
and deactivation, units into and out of cartons, labels revoked one by one, with a carton or
with their licence, and the reversal that restores them. Each act is done through the API and
read back as the standard's query reads it: by ``MATCH_epc`` of a label it touched, with an
``eventType`` or ``EQ_bizStep`` filter."""

import pytest
from epcis_world import all_events
from packing_line import (
    FIRST_QUANTITY,
    GROUNDS,
    SSCC,
    call,
    events_of,
    kinds,
    new_carton,
    sgtin,
    sgtins,
)

from app.epcis import service as epcis_service

pytestmark = pytest.mark.filterwarnings("ignore:open_text is deprecated:DeprecationWarning")


async def test_activation_and_deactivation_observe_exactly_the_labels_switched(client, line):
    first, second = line["first"], line["second"]
    scanned = first[:3] + first[4:6] + second[:2]  # serial 4 is not scanned; two batches
    switched = await call(
        client, "/api/v1/labels/activate", {"codes": scanned}, line["licensee"], "on"
    )
    assert switched["changed"] == 7
    body = {"codes": first[1:3], "reason": "装错箱，退回"}
    await call(client, "/api/v1/labels/deactivate", body, line["licensee"], "off")

    commissioned = await events_of(client, line, first[0], EQ_bizStep="commissioning")
    assert kinds(commissioned) == [
        ("ObjectEvent", "ADD", "inactive"),  # its batch's issue: printed, awaiting the line
        ("ObjectEvent", "OBSERVE", "active"),  # put on sale by the line
    ]
    assert commissioned[1]["epcList"] == sgtins(first[:3] + first[4:6])  # this batch's only
    observed = await events_of(client, line, second[1], eventType="ObjectEvent")
    assert [e["epcList"] for e in observed if e["action"] == "OBSERVE"] == [sgtins(second[:2])]
    not_scanned = await events_of(client, line, first[3], EQ_bizStep="commissioning")
    assert [e["action"] for e in not_scanned] == ["ADD"]

    (off,) = await events_of(client, line, first[2], EQ_bizStep="decommissioning")
    assert kinds([off]) == [("ObjectEvent", "OBSERVE", "inactive")]
    assert off["epcList"] == sgtins(first[1:3])
    assert await events_of(client, line, first[0], EQ_bizStep="decommissioning") == []


async def test_units_into_and_out_of_a_carton_are_aggregation_events(client, line):
    first, second, licensee = line["first"], line["second"], line["licensee"]
    carton, minted = await new_carton(client, line, SSCC), await new_carton(client, line)
    packed = await call(
        client, f"/api/v1/packages/{carton}/pack", {"codes": first[10:14] + second[:2]}, licensee
    )
    assert packed["changed"] == 6
    moved = {"codes": first[11:12]}
    await call(client, f"/api/v1/packages/{carton}/unpack", moved, licensee)
    await call(client, f"/api/v1/packages/{minted}/pack", moved, licensee)
    await call(client, f"/api/v1/packages/{carton}/unpack", {"everything": True}, licensee)

    sscc, public = f"https://id.gs1.org/00/{SSCC}", f"https://gi.example.cn/v/{minted}"
    travels = await events_of(client, line, first[11], eventType="AggregationEvent")
    assert [(e["action"], e["bizStep"], e["parentID"]) for e in travels] == [
        ("ADD", "packing", sscc),
        ("DELETE", "unpacking", sscc),
        ("ADD", "packing", public),
    ]
    assert [e["childEPCs"] for e in travels] == [
        sgtins(first[10:14]),  # the units of its own batch; the other batch's have their event
        [sgtin(first[11])],
        [sgtin(first[11])],
    ]
    assert all("epcList" not in e and e["disposition"] == "in_progress" for e in travels)
    emptied = await events_of(client, line, first[10], EQ_bizStep="unpacking")
    assert [e["childEPCs"] for e in emptied] == [sgtins([first[10], *first[12:14]])]
    other_batch = await events_of(client, line, second[0], eventType="AggregationEvent")
    assert [(e["action"], e["childEPCs"]) for e in other_batch] == [
        ("ADD", sgtins(second[:2])),
        ("DELETE", sgtins(second[:2])),
    ]


async def test_labels_revoked_one_by_one_or_by_carton_and_restored_as_they_were(client, line):
    first, second, regulator = line["first"], line["second"], line["regulator"]
    await call(client, "/api/v1/labels/activate", {"codes": first[7:8]}, line["licensee"], "on")
    body = GROUNDS | {"scope": "labels", "codes": [first[7], first[5], second[3]]}
    revocation = await call(client, "/api/v1/revocations", body, regulator)
    assert revocation["label_count"] == 3
    carton = await new_carton(client, line)
    await call(client, f"/api/v1/packages/{carton}/pack", {"codes": first[20:23]}, line["licensee"])
    by_carton = GROUNDS | {"scope": "labels", "package": carton}
    assert (await call(client, "/api/v1/revocations", by_carton, regulator))["label_count"] == 3
    url = f"/api/v1/revocations/{revocation['id']}/reverse"
    await call(client, url, {"reason": "误撤销"}, regulator)

    (revoked,) = await events_of(client, line, first[5], EQ_bizStep="decommissioning")
    assert kinds([revoked]) == [("ObjectEvent", "DELETE", "inactive")]
    assert revoked["epcList"] == sgtins([first[5], first[7]])  # in serial order, one batch
    revoked_there = await events_of(client, line, second[3], EQ_bizStep="decommissioning")
    assert [e["epcList"] for e in revoked_there] == [[sgtin(second[3])]]
    (with_carton,) = await events_of(client, line, first[21], EQ_bizStep="decommissioning")
    assert with_carton["epcList"] == sgtins(first[20:23])

    # The reversal: the one the line had activated is active again, the other inactive.
    restored = await events_of(client, line, first[5], EQ_bizStep="commissioning")
    assert kinds(restored) == [("ObjectEvent", "ADD", "inactive")] * 2  # issued, restored
    assert restored[1]["epcList"] == [sgtin(first[5])]
    active_again = await events_of(client, line, first[7], EQ_bizStep="commissioning")
    assert kinds(active_again)[-1] == ("ObjectEvent", "ADD", "active")
    assert active_again[-1]["epcList"] == [sgtin(first[7])]
    # The carton's revocation stands: no event puts its labels back.
    still = await events_of(client, line, first[21], EQ_bizStep="commissioning")
    assert [e["action"] for e in still] == ["ADD"]


async def test_a_licences_labels_revoked_with_it_and_restored_by_the_reversal(client, line):
    """Two batches; serial 300 of the first was voided before, so it is in neither the
    revocation's events nor the reversal's; 519 + 6 labels read as 500 + 19 and 6."""
    first, second, regulator = line["first"], line["second"], line["regulator"]
    voided = first[299]
    body = {"codes": [voided], "reason": "印刷错误"}
    await call(client, "/api/v1/labels/void", body, line["licensee"])
    await call(client, "/api/v1/labels/activate", {"codes": first[:10]}, line["licensee"], "on")
    url = f"/api/v1/licences/{line['licence'].id}/withdraw"
    withdrawn = await call(client, url, GROUNDS | {"revoke_labels": True}, regulator)
    assert withdrawn["labels_revoked"] == FIRST_QUANTITY - 1 + 6

    taken_out = await all_events(client, line["licensee"], EQ_bizStep="decommissioning")
    void, *revoked = taken_out
    assert void["epcList"] == [sgtin(voided)]
    assert [len(e["epcList"]) for e in revoked] == [500, 19, 6]
    assert [epc for e in revoked for epc in e["epcList"]] == sgtins(
        first[:299] + first[300:] + second
    )
    assert {(e["action"], e["disposition"]) for e in revoked} == {("DELETE", "inactive")}
    (last,) = await events_of(client, line, first[-1], EQ_bizStep="decommissioning")
    assert last["epcList"] == sgtins(first[501:])  # 299 before the gap, 201 after it
    assert await events_of(client, line, voided, EQ_bizStep="decommissioning") == [void]
    assert await events_of(client, line, second[5], EQ_bizStep="decommissioning") == revoked[2:]

    listed = await client.get("/api/v1/revocations?scope=licence", headers=regulator)
    (licence_revocation,) = listed.json()["items"]
    reverse = f"/api/v1/revocations/{licence_revocation['id']}/reverse"
    await call(client, reverse, {"reason": "复议撤销"}, regulator)

    # The ten the line had activated come back active, the other 509 + 6 inactive.
    back_on = await events_of(client, line, first[0], EQ_bizStep="commissioning")
    assert kinds(back_on)[-1] == ("ObjectEvent", "ADD", "active")
    assert back_on[-1]["epcList"] == sgtins(first[:10])
    (_issue, back) = await events_of(client, line, first[-1], EQ_bizStep="commissioning")
    assert kinds([back]) == [("ObjectEvent", "ADD", "inactive")]
    assert back["epcList"] == sgtins(first[511:])  # the second part: 500 of 509 came first
    (_issue, back_there) = await events_of(client, line, second[0], EQ_bizStep="commissioning")
    assert back_there["epcList"] == sgtins(second)
    restoring = await events_of(client, line, first[301], EQ_bizStep="commissioning")
    assert restoring[-1]["epcList"] == sgtins(first[10:299] + first[300:511])  # across the gap
    assert [e["action"] for e in await events_of(client, line, voided)] == ["ADD", "DELETE"]


async def test_match_epc_pages_on_past_many_acts_on_the_same_batch(client, line, monkeypatch):
    """A page stops reading the ledger after MAX_SCANS rounds of acts that do not name the
    label (a batch packed carton by carton has thousands); the query must go on from there,
    not end the results."""
    monkeypatch.setattr(epcis_service, "MAX_SCANS", 2)  # 2 rounds of perPage + 2 rows each
    first, licensee = line["first"], line["licensee"]
    url = "/api/v1/labels/activate"
    await call(client, url, {"codes": first[:1]}, licensee, "label")
    for n in range(1, 9):
        await call(client, url, {"codes": [first[n]]}, licensee, f"another-{n}")
    body = {"codes": first[:1], "reason": "装错箱"}
    await call(client, "/api/v1/labels/deactivate", body, licensee, "off")
    paged = await all_events(client, licensee, MATCH_epc=first[0], perPage=1)
    assert [(e["bizStep"], e["action"]) for e in paged] == [
        ("commissioning", "ADD"),
        ("commissioning", "OBSERVE"),
        ("decommissioning", "OBSERVE"),
    ]
