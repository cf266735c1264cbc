"""Every state-changing path, each a short scenario over the real HTTP API (or, for what only a
command or a job does, the function that command or job runs), for the transition table test
(``test_transitions.py``). Each prepares what it needs, calls ``w.start()`` where the
transition under test begins, and acts."""

from __future__ import annotations

from datetime import timedelta

import factories
from inspection_fixtures import inspection_body
from transition_world import JobContext, World

from app.auth import service as auth_service
from app.auth.principal import user_principal
from app.core.principal import SYSTEM, OrgKind, Role
from app.core.time import public_today
from app.demo.loader import load_demo
from app.inspection import objections
from app.jobs import periodic
from app.jobs import service as jobs_service
from app.label import keys as label_keys
from app.label.models import BatchStatus, LabelStatus
from app.licence.models import LicenceStatus

ADMIN, REGULATOR, LICENSEE, INSPECTOR = Role.ADMIN, Role.REGULATOR, Role.LICENSEE, Role.INSPECTOR
TODAY = public_today()
REASON = {"reason": "按规定处理"}
GROUNDS = {
    "reason": "冒用他人许可编号",
    "legal_basis": "《商标法》第五十七条",
    "case_number": "五市监罚〔2026〕31号",
}
PRODUCT = {
    "code": "TRANS",
    "name_zh": "过渡产品",
    "name_en": "Transition product",
    "route": "certification_mark",
    "trademark": "过渡产品",
    "trademark_reg_number": "第10358831号",
    "protected_area": "五原县",
    "standard_yield_kg_per_mu": "250",
    "default_pack_size_kg": "0.5",
    "test_items": [
        {
            "code": "moisture",
            "name_zh": "水分",
            "name_en": "Moisture",
            "unit": "%",
            "max_value": "9",
        }
    ],
}
ENTERPRISE = {"name": "五原县新农业有限公司", "address": "五原县", "region": "巴彦淖尔市五原县"}


# --- accounts and keys ---------------------------------------------------------------------


async def set_a_calendar_day(w: World) -> None:
    await w.start()
    body = {"is_workday": True, "note": "调休上班"}
    await w.call("PUT", "/api/v1/calendar-days/2027-02-07", ADMIN, json=body, expect=201)


async def delete_a_calendar_day(w: World) -> None:
    body = {"is_workday": False, "note": "春节"}
    await w.call("PUT", "/api/v1/calendar-days/2027-02-08", ADMIN, json=body, expect=201)
    await w.start()
    await w.call("DELETE", "/api/v1/calendar-days/2027-02-08", ADMIN, expect=204)


async def create_user(w: World) -> None:
    bureau = await factories.organisation(w.session)
    await w.start()
    user = {"username": "clerk", "display_name": "职员", "password": "long enough pw"}
    body = user | {"role": "regulator", "organisation_id": bureau.id}
    await w.post("/api/v1/users", ADMIN, body, expect=201)


async def assign_an_organisation(w: World) -> None:
    clerk = await factories.user(w.session, REGULATOR)
    county = await factories.organisation(w.session, division_code="150821")
    await w.start()
    url = f"/api/v1/users/{clerk.id}/organisation"
    await w.call("PUT", url, ADMIN, json={"organisation_id": county.id})


ORGANISATION = {
    "name_zh": "五原县市场监督管理局",
    "name_en": "Wuyuan County Administration for Market Regulation",
    "kind": "market_supervision",
    "division_code": "150821",
}


async def create_organisation(w: World) -> None:
    await w.start()
    await w.post("/api/v1/organisations", ADMIN, ORGANISATION, expect=201)


async def update_organisation(w: World) -> None:
    made = await w.post("/api/v1/organisations", ADMIN, ORGANISATION, expect=201)
    await w.start()
    edited = ORGANISATION | {"name_en": "Wuyuan AMR"}
    await w.call("PUT", f"/api/v1/organisations/{made['id']}", ADMIN, json=edited)


async def deactivate_a_user(w: World) -> None:
    """The console's users page (no API route): the service call its form makes."""
    clerk = await factories.user(w.session, REGULATOR)
    admin = await factories.user(w.session, ADMIN)
    await w.start()
    await auth_service.set_user_active(w.session, user_principal(admin), clerk.id, False)


async def reactivate_a_user(w: World) -> None:
    """The console's users page (no API route): the service call its form makes."""
    clerk = await factories.user(w.session, REGULATOR)
    admin = user_principal(await factories.user(w.session, ADMIN))
    await auth_service.set_user_active(w.session, admin, clerk.id, False)
    await w.start()
    await auth_service.set_user_active(w.session, admin, clerk.id, True)


async def reset_a_password(w: World) -> None:
    """The console's reset page (no API route): the service call its form makes."""
    clerk = await factories.user(w.session, REGULATOR)
    admin = await factories.user(w.session, ADMIN)
    await w.start()
    await auth_service.reset_password(w.session, user_principal(admin), clerk.id)


async def change_own_password(w: World) -> None:
    """The console's change-password page: the service call its form makes."""
    clerk = await factories.user(w.session, REGULATOR)
    await w.start()
    await auth_service.change_own_password(
        w.session, user_principal(clerk), factories.PASSWORD, "a password of my own"
    )


async def create_api_key(w: World) -> None:
    await w.start()
    await w.post("/api/v1/api-keys", ADMIN, {"name": "erp"}, expect=201)


async def revoke_api_key(w: World) -> None:
    key = await w.post("/api/v1/api-keys", ADMIN, {"name": "erp"}, expect=201)
    await w.start()
    await w.call("DELETE", f"/api/v1/api-keys/{key['id']}", ADMIN)


async def reuse_a_refresh_token(w: World) -> None:
    account = await factories.user(w.session, REGULATOR)
    login = {"username": account.username, "password": factories.PASSWORD}
    first = await w.call("POST", "/api/v1/auth/token", None, data=login)
    await w.post("/api/v1/auth/refresh", None, {"refresh_token": first["refresh_token"]})
    await w.start()
    body = {"refresh_token": first["refresh_token"]}
    reused = await w.post("/api/v1/auth/refresh", None, body, expect=401)
    assert reused["code"] == "refresh_token_reused"


# --- registry and enterprises --------------------------------------------------------------


async def create_product(w: World) -> None:
    await w.start()
    await w.post("/api/v1/products", REGULATOR, PRODUCT, expect=201)


async def update_product(w: World) -> None:
    await w.start()
    body = {k: v for k, v in PRODUCT.items() if k != "code"} | {"name_zh": "五原葵花"}
    # the standard as it stands: its test items are the agriculture bureau's to change
    standard = await w.call("GET", f"/api/v1/products/{w.product.id}", REGULATOR)
    body["test_items"] = [
        {k: v for k, v in item.items() if k not in ("id", "retired_at")}
        for item in standard["test_items"]
    ]
    await w.call("PUT", f"/api/v1/products/{w.product.id}", REGULATOR, json=body)


async def upload_artwork(w: World) -> None:
    await w.start()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    url = f"/api/v1/products/{w.product.id}/artwork"
    await w.call("PUT", url, REGULATOR, files={"file": ("mark", svg)}, expect=204)


async def create_enterprise(w: World) -> None:
    await w.start()
    body = ENTERPRISE | {"uscc": factories.make_uscc(999_999)}
    await w.post("/api/v1/enterprises", REGULATOR, body, expect=201)


async def update_enterprise(w: World) -> None:
    await w.start()
    await w.call("PUT", f"/api/v1/enterprises/{w.company.id}", REGULATOR, json=ENTERPRISE)


async def update_own_contact(w: World) -> None:
    await w.start()
    url = f"/api/v1/enterprises/{w.company.id}/contact"
    await w.call("PATCH", url, LICENSEE, json={"contact_name": "王经理"})


async def create_own_item(w: World) -> None:
    await w.start()
    body = {"product_id": w.product.id, "name": "500 g 袋装", "gtin": "6901234567892"}
    await w.post("/api/v1/items", LICENSEE, body, expect=201)


async def change_item_gtin(w: World) -> None:
    body = {"product_id": w.product.id, "name": "500 g 袋装", "gtin": "6901234567892"}
    item = await w.post("/api/v1/items", LICENSEE, body, expect=201)
    await w.start()
    changed = {"name": "500 g 袋装", "gtin": "96385074"}
    await w.call("PUT", f"/api/v1/items/{item['id']}", REGULATOR, json=changed)


# --- origin --------------------------------------------------------------------------------

BASE = {"name": "隆兴昌镇基地", "division_code": "150821", "township": "隆兴昌镇", "area_mu": "40"}


async def _base(w: World) -> int:
    body = BASE | {"product_id": w.product.id}
    return int((await w.post("/api/v1/origin/bases", LICENSEE, body, expect=201))["id"])


async def create_growing_base(w: World) -> None:
    await w.start()
    await _base(w)


async def update_growing_base(w: World) -> None:
    base_id = await _base(w)
    await w.start()
    await w.call("PUT", f"/api/v1/origin/bases/{base_id}", REGULATOR, json=BASE | {"area_mu": "45"})


async def record_harvest(w: World) -> None:
    base_id = await _base(w)
    await w.start()
    body = {"base_id": base_id, "harvested_on": TODAY.isoformat(), "quantity_kg": "1000"}
    await w.post("/api/v1/origin/harvests", LICENSEE, body, expect=201)


async def record_purchase(w: World) -> None:
    await w.start()
    body = {
        "product_id": w.product.id,
        "seller_kind": "grower",
        "seller_name": "某农户",
        "division_code": "150821",
        "township": "塔尔湖镇",
        "purchased_on": TODAY.isoformat(),
        "quantity_kg": "300",
    }
    await w.post("/api/v1/origin/purchases", LICENSEE, body, expect=201)


async def upload_protected_area_shape(w: World) -> None:
    await w.start()
    ring = [[107.6, 40.9], [108.4, 40.9], [108.4, 41.4], [107.6, 41.4], [107.6, 40.9]]
    body = {"geometry": {"type": "Polygon", "coordinates": [ring]}}
    await w.call("PUT", f"/api/v1/origin/protected-areas/{w.product.id}", REGULATOR, json=body)


# --- licences ------------------------------------------------------------------------------


async def apply_for_licence(w: World) -> None:
    other = await factories.product(w.session)
    await w.start()
    body = {"product_id": other.id, "production_area_mu": "10", "production_location": "隆兴昌镇"}
    await w.post("/api/v1/licences", LICENSEE, body, expect=201)


async def _pending_licence(w: World) -> int:
    pending = await factories.licence(
        w.session,
        w.company.id,
        w.product.id,
        number=None,
        status=LicenceStatus.PENDING,
        valid_from=None,
        valid_until=None,
    )
    return pending.id


async def approve_licence(w: World) -> None:
    licence_id = await _pending_licence(w)
    await w.start()
    until = {"valid_until": (TODAY + timedelta(days=730)).isoformat()}
    await w.post(f"/api/v1/licences/{licence_id}/approve", REGULATOR, until)


async def endorse_licence(w: World) -> None:
    association = await factories.organisation(w.session, OrgKind.ASSOCIATION)
    w.product.registrant_organisation_id = association.id
    licence_id = await _pending_licence(w)
    member = await factories.user(w.session, REGULATOR, organisation_id=association.id)
    headers = await factories.login(w.client, member.username)
    await w.start()
    await w.post(f"/api/v1/licences/{licence_id}/endorse", None, {}, headers=headers)


async def reject_licence(w: World) -> None:
    licence_id = await _pending_licence(w)
    await w.start()
    await w.post(f"/api/v1/licences/{licence_id}/reject", REGULATOR, REASON)


async def suspend_licence(w: World) -> None:
    await w.start()
    await w.post(f"/api/v1/licences/{w.licence.id}/suspend", REGULATOR, REASON)


async def reinstate_licence(w: World) -> None:
    w.licence.status = LicenceStatus.SUSPENDED
    await w.flush()
    await w.start()
    await w.post(f"/api/v1/licences/{w.licence.id}/reinstate", REGULATOR, REASON)


async def withdraw_licence(w: World) -> None:
    await w.start()
    await w.post(f"/api/v1/licences/{w.licence.id}/withdraw", REGULATOR, GROUNDS)


async def withdraw_licence_revoking_its_labels(w: World) -> None:
    await w.start()
    body = GROUNDS | {"revoke_labels": True}
    withdrawn = await w.post(f"/api/v1/licences/{w.licence.id}/withdraw", REGULATOR, body)
    assert withdrawn["labels_revoked"] == 3


# --- batches and labels --------------------------------------------------------------------


async def _request_batch(w: World) -> dict:
    body = {
        "licence_id": w.licence.id,
        "lot_number": "WY-2026-777",
        "quantity": 5,
        "unit": "袋 0.5 kg",
        "production_date": (TODAY - timedelta(days=1)).isoformat(),  # whichever zone says today
        "origin": "五原县隆兴昌镇",
    }
    key = {"Idempotency-Key": "transition-1"}
    batch: dict = await w.post("/api/v1/batches", LICENSEE, body, headers=key, expect=201)
    return batch


async def request_batch(w: World) -> None:
    await w.start()
    assert (await _request_batch(w))["status"] == "requested"


async def request_batch_approved_on_its_own(w: World) -> None:
    w.product.auto_approve_batches = True  # the GI product trusts requests within quota
    await w.flush()
    await w.start()
    assert (await _request_batch(w))["status"] == "issued"


async def _requested_batch(w: World) -> int:
    batch = await factories.batch(
        w.session, w.licence, status=BatchStatus.REQUESTED, issued_at=None, key_id=None
    )
    return batch.id


async def approve_batch(w: World) -> None:
    batch_id = await _requested_batch(w)
    await w.start()
    await w.post(f"/api/v1/batches/{batch_id}/approve", REGULATOR, {"issue": False})


async def approve_and_issue_batch(w: World) -> None:
    batch_id = await _requested_batch(w)
    await w.start()
    await w.post(f"/api/v1/batches/{batch_id}/approve", REGULATOR, {})


async def issue_batch(w: World) -> None:
    approved = await factories.batch(
        w.session, w.licence, status=BatchStatus.APPROVED, issued_at=None, key_id=None
    )
    await w.start()
    await w.post(f"/api/v1/batches/{approved.id}/issue", REGULATOR)


async def reject_batch(w: World) -> None:
    batch_id = await _requested_batch(w)
    await w.start()
    await w.post(f"/api/v1/batches/{batch_id}/reject", REGULATOR, REASON)


async def suspend_batch(w: World) -> None:
    await w.start()
    await w.post(f"/api/v1/batches/{w.batch.id}/suspend", REGULATOR, REASON)


async def _suspended(w: World) -> None:
    w.batch.status = BatchStatus.SUSPENDED
    await w.flush()


async def clear_batch(w: World) -> None:
    await _suspended(w)
    await w.start()
    await w.post(f"/api/v1/batches/{w.batch.id}/clear", REGULATOR, REASON)


async def recall_batch(w: World) -> None:
    await _suspended(w)
    await w.start()
    await w.post(f"/api/v1/batches/{w.batch.id}/recall", REGULATOR, GROUNDS)


async def void_labels(w: World) -> None:
    await w.start()
    await w.post("/api/v1/labels/void", LICENSEE, {"codes": w.codes[:2], "reason": "印刷错误"})


async def undo_a_void(w: World) -> None:
    await w.post("/api/v1/labels/void", LICENSEE, {"codes": w.codes[:1], "reason": "印刷错误"})
    await w.start()
    await w.post("/api/v1/labels/unvoid", LICENSEE, {"codes": w.codes[:1]})


async def request_replacement_labels(w: World) -> None:
    """Issue 12: a new batch for voided labels, linked to them (the link is the extra event)."""
    await w.post("/api/v1/labels/void", LICENSEE, {"codes": w.codes[:2], "reason": "印刷错误"})
    await w.start()
    url = f"/api/v1/batches/{w.batch.id}/replacements"
    await w.post(url, LICENSEE, {"all_voided": True}, expect=201)


async def _awaiting_activation(w: World) -> None:
    """The world's batch as issued for a product that requires activation (issue 15)."""
    w.batch.requires_activation = True
    for label in await w.session.scalars(factories.labels_of(w.batch)):
        label.status = LabelStatus.INACTIVE
    await w.flush()


def _key(name: str) -> dict[str, str]:
    return {"Idempotency-Key": name}


async def activate_labels(w: World) -> None:
    await _awaiting_activation(w)
    await w.start()
    body = {"codes": w.codes}
    await w.post("/api/v1/labels/activate", LICENSEE, body, headers=_key("act-1"))


async def deactivate_labels(w: World) -> None:
    await _awaiting_activation(w)
    await w.post("/api/v1/labels/activate", LICENSEE, {"codes": w.codes}, headers=_key("a"))
    await w.start()
    body = {"codes": w.codes[:1], "reason": "装箱错误"}
    await w.post("/api/v1/labels/deactivate", LICENSEE, body, headers=_key("d"))


async def create_package(w: World) -> None:
    await w.start()
    await w.post("/api/v1/packages", LICENSEE, {"kind": "carton"}, expect=201)


async def _carton(w: World) -> str:
    carton: dict = await w.post("/api/v1/packages", LICENSEE, {"kind": "carton"}, expect=201)
    return str(carton["code"])


async def pack_a_carton(w: World) -> None:
    code = await _carton(w)
    await w.start()
    await w.post(f"/api/v1/packages/{code}/pack", LICENSEE, {"codes": w.codes})


async def unpack_a_carton(w: World) -> None:
    code = await _carton(w)
    await w.post(f"/api/v1/packages/{code}/pack", LICENSEE, {"codes": w.codes})
    await w.start()
    await w.post(f"/api/v1/packages/{code}/unpack", LICENSEE, {"codes": w.codes[:1]})


async def revoke_a_carton(w: World) -> None:
    code = await _carton(w)
    await w.post(f"/api/v1/packages/{code}/pack", LICENSEE, {"codes": w.codes})
    await w.start()
    await _revoke(w, scope="labels", package=code)


async def recall_a_carton(w: World) -> None:
    code = await _carton(w)
    await w.post(f"/api/v1/packages/{code}/pack", LICENSEE, {"codes": w.codes})
    await _suspended(w)
    await w.start()
    await w.post(f"/api/v1/packages/{code}/recall", REGULATOR, GROUNDS)


# --- inspections and their planning --------------------------------------------------------


async def record_passing_inspection(w: World) -> None:
    await w.start()
    await w.post("/api/v1/inspections", INSPECTOR, inspection_body(w.batch.id), expect=201)


async def record_failing_inspection(w: World) -> None:
    """A failing result suspends the batch by itself, unpublished (an objection window)."""
    await w.start()
    body = inspection_body(w.batch.id, moisture="12.0")
    assert (await w.post("/api/v1/inspections", INSPECTOR, body, expect=201))["result"] == "fail"


async def _failed(w: World) -> int:
    body = inspection_body(w.batch.id, "FAIL-1", moisture="12.0")
    failed: dict = await w.post("/api/v1/inspections", INSPECTOR, body, expect=201)
    return int(failed["id"])


async def _objected(w: World) -> tuple[int, dict[str, str]]:
    """A failing result the enterprise objected to; the re-test inspector's headers."""
    inspection_id = await _failed(w)
    retester = await factories.user(w.session, INSPECTOR)
    objection = {
        "reason": "样品保存不当",
        "retest_inspector_id": retester.id,
        "retest_lab": "另一所",
    }
    await w.post(f"/api/v1/inspections/{inspection_id}/objection", LICENSEE, objection, expect=201)
    return inspection_id, await factories.login(w.client, retester.username)


async def object_to_a_failing_result(w: World) -> None:
    inspection_id = await _failed(w)
    retester = await factories.user(w.session, INSPECTOR)
    await w.start()
    objection = {
        "reason": "样品保存不当",
        "retest_inspector_id": retester.id,
        "retest_lab": "另一所",
    }
    await w.post(f"/api/v1/inspections/{inspection_id}/objection", LICENSEE, objection, expect=201)


async def retest_overturns_the_result(w: World) -> None:
    """A passing re-test: the first result void and the batch back in good standing."""
    inspection_id, headers = await _objected(w)
    await w.start()
    retest = {"report_number": "RE-1", "items": inspection_body(w.batch.id)["items"]}
    url = f"/api/v1/inspections/{inspection_id}/retest"
    await w.call("POST", url, None, headers=headers, json=retest, expect=201)


async def retest_confirms_the_result(w: World) -> None:
    inspection_id, headers = await _objected(w)
    await w.start()
    failing = inspection_body(w.batch.id, moisture="11.0")["items"]
    url = f"/api/v1/inspections/{inspection_id}/retest"
    body = {"report_number": "RE-2", "items": failing}
    await w.call("POST", url, None, headers=headers, json=body, expect=201)


async def close_an_objection_window(w: World) -> None:
    """The ``inspection.close_windows`` job once the window's last day is over."""
    await _failed(w)
    await w.start()
    await objections.close_expired_windows(w.session, TODAY + timedelta(days=60))


async def draw_inspection_plan(w: World) -> None:
    await w.start()
    plan = {
        "title": "2026年五原向日葵双随机抽查",
        "product_id": w.product.id,
        "population": "licences",
        "period_start": (TODAY - timedelta(days=30)).isoformat(),
        "period_end": TODAY.isoformat(),
        "sample_size": 1,
        "inspector_ids": [w.inspector.id],
    }
    await w.post("/api/v1/inspection-plans", REGULATOR, plan, expect=201)


async def assign_inspector(w: World) -> None:
    await w.start()
    body = {"inspector_id": w.inspector.id, "licence_id": w.licence.id}
    await w.post("/api/v1/inspection-assignments", REGULATOR, body, expect=201)


def _conflict_url(w: World) -> str:
    return f"/api/v1/inspectors/{w.inspector.id}/conflicts/{w.company.id}"


async def mark_conflict(w: World) -> None:
    await w.start()
    await w.call("PUT", _conflict_url(w), REGULATOR, json={"reason": "配偶在该企业任职"})


async def clear_conflict(w: World) -> None:
    await w.call("PUT", _conflict_url(w), REGULATOR, json={"reason": "配偶在该企业任职"})
    await w.start()
    await w.call("DELETE", _conflict_url(w), REGULATOR, params={"reason": "已离职"}, expect=204)


# --- revocations ---------------------------------------------------------------------------


async def _revoke(w: World, **target: object) -> dict:
    revocation: dict = await w.post("/api/v1/revocations", REGULATOR, target | GROUNDS, expect=201)
    return revocation


async def revoke_batch(w: World) -> None:
    await w.start()
    await _revoke(w, scope="batch", batch_id=w.batch.id)


async def revoke_labels(w: World) -> None:
    await w.start()
    await _revoke(w, scope="labels", codes=w.codes[:2])


async def reverse_label_revocation(w: World) -> None:
    revocation = await _revoke(w, scope="labels", codes=w.codes[:2])
    await w.start()
    await w.post(f"/api/v1/revocations/{revocation['id']}/reverse", REGULATOR, REASON)


async def reverse_batch_revocation(w: World) -> None:
    revocation = await _revoke(w, scope="batch", batch_id=w.batch.id)
    await w.start()
    await w.post(f"/api/v1/revocations/{revocation['id']}/reverse", REGULATOR, REASON)


# --- the credit list ----------------------------------------------------------------------


def _listing_body(w: World) -> dict:
    return GROUNDS | {
        "enterprise_id": w.company.id,
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=365)).isoformat(),
    }


async def list_on_credit_list(w: World) -> None:
    await w.start()
    await w.post("/api/v1/credit-listings", REGULATOR, _listing_body(w), expect=201)


async def end_credit_listing_early(w: World) -> None:
    listing = await w.post("/api/v1/credit-listings", REGULATOR, _listing_body(w), expect=201)
    await w.start()
    await w.post(f"/api/v1/credit-listings/{listing['id']}/end", REGULATOR, REASON)


# --- EPCIS capture -------------------------------------------------------------------------


async def capture_epcis_events(w: World) -> None:
    await w.start()
    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-11-30T08:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": [f"https://gimark.example/v/{w.codes[0]}"],
        "action": "OBSERVE",
        "bizStep": "packing",
    }
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-30T08:00:00.000+08:00",
        "epcisBody": {"eventList": [event]},
    }
    await w.post("/api/v1/epcis/capture", LICENSEE, document, expect=201)


# --- consumer reports ----------------------------------------------------------------------


async def _file_report(w: World) -> int:
    form = {"code": w.codes[0], "what_was_seen": "包装印刷模糊，疑似假冒"}
    report: dict = await w.call("POST", "/api/v1/reports", None, data=form, expect=201)
    return int(report["id"])


async def _move_report(w: World, report_id: int, status: str, **why: str) -> None:
    url = f"/api/v1/reports/{report_id}/transition"
    await w.post(url, REGULATOR, {"status": status} | why)


async def file_report(w: World) -> None:
    await w.start()
    await _file_report(w)


async def file_report_on_the_public_form(w: World) -> None:
    await w.start()
    form = {"code": w.codes[0], "what_was_seen": "封口破损"}
    await w.call("POST", "/report", None, data=form)


async def investigate_report(w: World) -> None:
    report_id = await _file_report(w)
    await w.start()
    await _move_report(w, report_id, "investigating")


async def resolve_report(w: World) -> None:
    report_id = await _file_report(w)
    await _move_report(w, report_id, "investigating")
    await w.start()
    await _move_report(w, report_id, "resolved", reason="现场核查属实", outcome="已立案查处")


async def dismiss_report(w: World) -> None:
    report_id = await _file_report(w)
    await w.start()
    await _move_report(w, report_id, "dismissed", reason="无法核实")


async def refer_report(w: World) -> None:
    report_id = await _file_report(w)
    await w.start()
    body = {"to_division": "150821", "reason": "购买地在五原县，移送属地市场监管局"}
    await w.post(f"/api/v1/reports/{report_id}/refer", REGULATOR, body)


# --- supervision: the roster, annual use reports, print runs --------------------------------


def _roster_row(w: World) -> dict:
    return {
        "product_id": w.product.id,
        "uscc": factories.make_uscc(880001),
        "name": "名录企业",
        "division_code": "150821",
        "kind": "grower",
        "source": "摸底",
        "on_roster": TODAY.isoformat(),
    }


async def _product_in_wuyuan(w: World) -> None:
    w.product.protected_area_codes = ["150821"]
    await w.flush()


async def put_on_roster(w: World) -> None:
    await _product_in_wuyuan(w)
    await w.start()
    await w.post("/api/v1/roster", REGULATOR, _roster_row(w), expect=201)


async def edit_roster_entry(w: World) -> None:
    await _product_in_wuyuan(w)
    entry = await w.post("/api/v1/roster", REGULATOR, _roster_row(w), expect=201)
    await w.start()
    body = {k: v for k, v in _roster_row(w).items() if k != "product_id"} | {"exporter": True}
    await w.call("PUT", f"/api/v1/roster/{entry['id']}", REGULATOR, json=body)


async def import_roster(w: World) -> None:
    """A file of one new row and one changed row: each records its own action."""
    await _product_in_wuyuan(w)
    entry = await w.post("/api/v1/roster", REGULATOR, _roster_row(w), expect=201)
    await w.start()
    rows = [
        "uscc,name,division_code,kind,exporter,source,on_roster",
        f"{entry['uscc']},改名企业,150821,grower,否,摸底,{TODAY}",
        f"{factories.make_uscc(880002)},新企业,150821,trader,是,摸底,{TODAY}",
    ]
    data = {"product_id": str(w.product.id)}
    files = {"file": ("roster.csv", "\n".join(rows).encode())}
    await w.call("POST", "/api/v1/roster/import", REGULATOR, data=data, files=files)


def _use_report(w: World) -> dict:
    return {
        "product_id": w.product.id,
        "year": TODAY.year,
        "produced_kg": "100",
        "sold_domestic_kg": "80",
        "sold_export_kg": "0",
        "output_value_yuan": "2000",
        "labels_applied": 10,
        "packaging_printed": 0,
        "sales_channels": "批发",
    }


async def submit_use_report(w: World) -> None:
    await w.start()
    await w.post("/api/v1/use-reports", LICENSEE, _use_report(w), expect=201)


async def accept_use_report(w: World) -> None:
    report = await w.post("/api/v1/use-reports", LICENSEE, _use_report(w), expect=201)
    await w.start()
    await w.post(f"/api/v1/use-reports/{report['id']}/accept", REGULATOR)


async def return_use_report(w: World) -> None:
    report = await w.post("/api/v1/use-reports", LICENSEE, _use_report(w), expect=201)
    await w.start()
    await w.post(f"/api/v1/use-reports/{report['id']}/return", REGULATOR, {"reason": "数量不符"})


async def record_print_run(w: World) -> None:
    await w.start()
    body = {
        "batch_id": w.batch.id,
        "printer_name": "印刷厂",
        "printer_uscc": factories.make_uscc(880003),
        "printed_on": TODAY.isoformat(),
        "quantity": 3,
    }
    await w.post("/api/v1/print-runs", LICENSEE, body, expect=201)


# --- the platform: what only a command or a job does ---------------------------------------


async def enqueue_a_job(w: World) -> None:
    """``gimark jobs enqueue`` (no route queues a job): the service call the command makes."""
    await w.start()
    await jobs_service.enqueue(w.session, SYSTEM, periodic.PURGE_SALTS, {})


async def rotate_label_key(w: World) -> None:
    """``gimark label-key rotate``: the service call the command makes (it then writes the
    settings file, which no verdict reads before a restart)."""
    await w.start()
    await label_keys.rotate(w.session, SYSTEM, w.settings)


async def publish_the_audit_checkpoint(w: World) -> None:
    """The daily ``audit.checkpoint`` job, as the worker runs its handler."""
    await w.post("/api/v1/api-keys", ADMIN, {"name": "erp"}, expect=201)  # a head to publish
    await w.start()
    published = await periodic.audit_checkpoint(JobContext(w.database), {})  # type: ignore[arg-type]
    assert published["published"] is not None


async def load_the_demo(w: World) -> None:
    """``gimark demo load``: the one path that creates licences outright."""
    await w.start()
    assert await load_demo(w.session, w.settings)
