"""The names the console shows for states, in both languages (one table, not per template)."""

from __future__ import annotations

STATES: dict[str, tuple[str, str]] = {
    # licences
    "pending": ("待审核", "Pending"),
    "endorsed": ("协会已背书", "Endorsed"),
    "active": ("有效", "Active"),
    "suspended": ("已暂停", "Suspended"),
    "withdrawn": ("已撤销", "Withdrawn"),
    "rejected": ("未获批准", "Rejected"),
    "expired": ("已过期", "Expired"),
    # batches (suspended, rejected: as above)
    "requested": ("已申请", "Requested"),
    "approved": ("已批准", "Approved"),
    "issued": ("已发码", "Issued"),
    "recalled": ("已召回", "Recalled"),
    "revoked": ("已吊销", "Revoked"),
    # consumer reports
    "new": ("新收到", "New"),
    "investigating": ("调查中", "Investigating"),
    "resolved": ("已处理", "Resolved"),
    "dismissed": ("不予受理", "Dismissed"),
}


def state_name(state: str, lang: str) -> str:
    zh, en = STATES.get(str(state), (str(state), str(state)))
    return en if lang == "en" else zh
