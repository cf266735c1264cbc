"""The replacement-labels form: which voided labels (all not yet replaced, or the codes
pasted) and, optionally, the new batch's lot; kept as typed, with each refusal of the label
service next to the field at fault, in the page's language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.core.errors import DomainError
from app.label.schemas import ReplacementRequest

FORM_LEVEL = "_form"
SEPARATORS = re.compile(r"[\s,;，；、]+")
SCOPES = ("all", "codes")

Message = tuple[str, str]  # (Chinese, English)

INVALID: dict[str, Message] = {
    "codes": (
        "请粘贴 1–10000 个已作废的标签码，或选择“全部未补发的作废标签”。",
        "Paste 1–10,000 voided label codes, or choose “all voided labels not yet replaced”.",
    ),
    "lot_number": (
        "批号为 1–64 位字母、数字或 . _ - /；留空则自动编号。",
        "A lot number is 1–64 letters, digits or . _ - /; leave it empty to number it for you.",
    ),
}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _listed(codes: list[str], limit: int = 10) -> str:
    return "、".join(codes[:limit]) + (" …" if len(codes) > limit else "")


@dataclass
class ReplacementForm:
    scope: str = "all"
    codes_text: str = ""
    lot_number: str = ""
    errors: dict[str, Message] = field(default_factory=dict)

    @classmethod
    def from_form(cls, values: FormData) -> ReplacementForm:
        scope = _text(values.get("scope"))
        return cls(
            scope=scope if scope in SCOPES else "all",
            codes_text=_text(values.get("codes")),
            lot_number=_text(values.get("lot_number")),
        )

    @property
    def codes(self) -> list[str]:
        return [c for c in SEPARATORS.split(self.codes_text) if c]

    def validated(self) -> ReplacementRequest | None:
        lot = self.lot_number or None
        try:
            if self.scope == "all":
                return ReplacementRequest(all_voided=True, lot_number=lot)
            return ReplacementRequest(codes=self.codes or None, lot_number=lot)
        except ValidationError as exc:
            for problem in exc.errors():
                name = str(problem["loc"][0]) if problem["loc"] else "codes"
                self.errors.setdefault(name, INVALID.get(name, INVALID["codes"]))
            return None

    def refuse(self, exc: DomainError) -> None:
        name, message = _refusal(exc)
        self.errors[name] = message


def _refusal(exc: DomainError) -> tuple[str, Message]:
    which = _listed([str(c) for c in exc.extra.get("codes", [])])
    if exc.code == "not_found":
        return "codes", (f"这些码不是本批次的标签：{which}", f"Not labels of this batch: {which}")
    if exc.code == "already_replaced":
        return "codes", (f"这些标签已申请过补发：{which}", f"Already replaced: {which}")
    if exc.code == "labels_not_replaceable" and which:
        return "codes", (f"只有已作废的标签才能补发：{which}", f"Only voided labels: {which}")
    if exc.code == "labels_not_replaceable":
        return FORM_LEVEL, ("本批次没有待补发的作废标签。", "No voided label is left to replace.")
    if exc.code == "quota_exceeded":
        left = exc.extra.get("remaining", 0)
        return FORM_LEVEL, (
            f"超出本季度配额：申请 {exc.extra.get('requested')} 枚，尚余 {left} 枚。",
            f"Over this season's quota: {exc.extra.get('requested')} asked for, {left} remain.",
        )
    if exc.code == "lot_taken":
        return "lot_number", ("此许可证下该批号已有批次。", "This lot already has a batch.")
    if exc.code == "invalid_state":
        return FORM_LEVEL, (
            "只有已发码且状态正常的批次可以补发，许可证也须有效。",
            "Only an issued batch in good standing, under an active licence, gets replacements.",
        )
    return FORM_LEVEL, (exc.detail, exc.detail)
