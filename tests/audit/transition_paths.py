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
from app.core.principal import SYSTEM, Role
from app.core.time import public_today
from app.demo.loader import load_demo
from app.jobs import periodic
from app.jobs import service as jobs_service
from app.label import keys as label_keys
from app.label.models import BatchStatus
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


async def create_user(w: World) -> None:
    await w.start()
    user = {"username": "clerk", "display_name": "职员", "password": "long enough pw"}
    await w.post("/api/v1/users", ADMIN, user | {"role": "regulator"}, expect=201)


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


# --- inspections and their planning --------------------------------------------------------


async def record_passing_inspection(w: World) -> None:
    await w.start()
    await w.post("/api/v1/inspections", INSPECTOR, inspection_body(w.batch.id), expect=201)


async def record_failing_inspection(w: World) -> None:
    """A failing result suspends the batch by itself."""
    await w.start()
    body = inspection_body(w.batch.id, moisture="12.0")
    assert (await w.post("/api/v1/inspections", INSPECTOR, body, expect=201))["result"] == "fail"


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
