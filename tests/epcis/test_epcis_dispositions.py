"""What a label is when it comes into being, or back (issue 15 points 2 and 4): labels of a
product that requires activation are commissioned ``inactive`` and only the packing line's
activation makes them ``active``; a void undone restores each label as it was. The event says
what was true when the act happened, whatever the product says later."""

import pytest
from epcis_world import all_events
from packing_line import call, events_of, kinds, sgtin
from sqlalchemy import update

from app.label.models import LabelBatch
from app.registry.models import GIProduct

pytestmark = pytest.mark.filterwarnings("ignore:open_text is deprecated:DeprecationWarning")


async def test_labels_awaiting_activation_are_commissioned_inactive(client, session, line):
    first = line["first"]
    await call(client, "/api/v1/labels/activate", {"codes": first[:1]}, line["licensee"], "on")
    # The product stops requiring activation after the issue: the event is unchanged.
    await session.execute(update(GIProduct).values(requires_activation=False))
    await session.execute(update(LabelBatch).values(requires_activation=False))
    await session.flush()
    commissioned = await events_of(client, line, first[0], EQ_bizStep="commissioning")
    assert kinds(commissioned) == [
        ("ObjectEvent", "ADD", "inactive"),  # issued, printed, not on sale
        ("ObjectEvent", "OBSERVE", "active"),  # put on sale by the line
    ]


async def test_labels_not_awaiting_activation_are_commissioned_active(client, world):
    (issued,) = await all_events(client, world["licensee_b"], EQ_bizStep="commissioning")
    assert (issued["action"], issued["disposition"]) == ("ADD", "active")


async def test_an_undone_void_restores_each_label_as_it_was(client, line):
    first, licensee = line["first"], line["licensee"]
    await call(client, "/api/v1/labels/activate", {"codes": first[:1]}, licensee, "on")
    body = {"codes": first[:2], "reason": "印刷错误"}
    await call(client, "/api/v1/labels/void", body, licensee)
    await call(client, "/api/v1/labels/unvoid", {"codes": first[:2]}, licensee)

    activated = await events_of(client, line, first[0], EQ_bizStep="commissioning")
    assert kinds(activated)[-1] == ("ObjectEvent", "ADD", "active")
    assert activated[-1]["epcList"] == [sgtin(first[0])]
    never_activated = await events_of(client, line, first[1], EQ_bizStep="commissioning")
    assert kinds(never_activated) == [("ObjectEvent", "ADD", "inactive")] * 2  # issue, unvoid
    assert never_activated[-1]["epcList"] == [sgtin(first[1])]


async def test_an_undone_void_of_labels_not_awaiting_activation_is_active(client, world):
    code, licensee = world["codes_b"][0], world["licensee_b"]
    await call(client, "/api/v1/labels/void", {"codes": [code], "reason": "破损"}, licensee)
    await call(client, "/api/v1/labels/unvoid", {"codes": [code]}, licensee)
    events = await all_events(client, licensee, MATCH_epc=code, EQ_bizStep="commissioning")
    assert [(e["action"], e["disposition"]) for e in events] == [("ADD", "active")] * 2
