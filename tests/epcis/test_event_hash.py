"""app/epcis/eventhash.py against GS1's reference implementation (epcis-event-hash-generator)
over the EPCIS 2.0 standard's examples (vendored, see vendor/README.md)."""

import json
from pathlib import Path

import pytest
from epcis_world import reference_ids, reference_pre_hashes

from app.epcis import eventhash

pytestmark = pytest.mark.filterwarnings("ignore:open_text is deprecated:DeprecationWarning")

VENDOR = Path(__file__).with_name("vendor")
EXAMPLES = sorted(VENDOR.glob("Example_9.6.*.jsonld"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_standards_examples_hash_as_the_reference_does(path):
    document = json.loads(path.read_text())
    events = document["epcisBody"]["eventList"]
    assert len(events) == len(reference_ids(document)) >= 1
    ours = [eventhash.pre_hash(e, document["@context"]) for e in events]
    assert ours == reference_pre_hashes(document)
    assert [eventhash.event_id(e, document["@context"]) for e in events] == reference_ids(document)


def test_the_hash_ignores_field_order_and_notation_but_not_content():
    document = json.loads((VENDOR / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    event, context = document["epcisBody"]["eventList"][0], document["@context"]
    reordered = dict(reversed(list(event.items())))
    reordered["epcList"] = list(reversed(event["epcList"]))
    reordered["bizStep"] = "https://ref.gs1.org/cbv/BizStep-shipping"
    reordered["eventID"] = "ni:///sha-256;whatever?ver=CBV2.0"
    assert eventhash.event_id(reordered, context) == eventhash.event_id(event, context)
    # the same SGTIN as a Digital Link on another host, and the same instant in UTC
    reordered["epcList"][0] = "https://example.com/01/10614141073464/21/2018"
    reordered["eventTime"] = "2005-04-04T02:33:31.116Z"
    assert eventhash.event_id(reordered, context) == eventhash.event_id(event, context)
    reordered["disposition"] = "in_progress"
    assert eventhash.event_id(reordered, context) != eventhash.event_id(event, context)


@pytest.mark.parametrize(
    ("uri", "canonical"),
    [
        ("urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017"),
        ("urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908"),
        ("urn:epc:id:sgln:0614141.00777.0", "https://id.gs1.org/414/0614141007776"),
        (
            "https://gi.example.cn/01/06901234567892/10/WY-2026-001/21/K3F9",
            "https://id.gs1.org/01/06901234567892/21/K3F9",
        ),
        ("https://gi.example.cn/v/K3F9ABCDEFGHJKMNPQRS", None),
    ],
)
def test_gs1_keys_become_canonical_digital_links_as_the_reference_makes_them(uri, canonical):
    from epcis_event_hash_generator.dl_normaliser import normaliser

    assert eventhash.canonical_digital_link(uri) == canonical == normaliser(uri)
