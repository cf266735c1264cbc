"""The void / un-void form: the codes as pasted (any separators), the act, the reason; kept as
typed so a refused form shows them again, with the refusal next to the field at fault."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import ValidationError
from starlette.datastructures import FormData, QueryParams

from app.core.errors import DomainError
from app.label.schemas import UndoVoidRequest, VoidRequest

ACTS = ("void", "unvoid")
FORM_LEVEL = "_form"
SEPARATORS = re.compile(r"[\s,;，；、]+")

Message = tuple[str, str]  # (Chinese, English)

INVALID: dict[str, Message] = {
    "codes": (
        "请粘贴 1–10000 个标签码，每行一个或以空格、逗号分隔。",
        "Paste 1–10,000 label codes, one a line or separated by spaces or commas.",
    ),
    "reason": ("请写明作废原因（2–500 个字）。", "Say why they are voided (2–500 characters)."),
    "act": ("请选择作废或恢复。", "Choose void or un-void."),
}


def _listed(codes: list[str], limit: int = 10) -> str:
    shown = "、".join(codes[:limit])
    return shown + (" …" if len(codes) > limit else "")


@dataclass
class VoidForm:
    act: str = "void"
    codes_text: str = ""
    reason: str = ""
    errors: dict[str, Message] = field(default_factory=dict)

    @classmethod
    def from_values(cls, values: FormData | QueryParams) -> VoidForm:
        act = values.get("act")
        codes = [c for c in values.getlist("codes") if isinstance(c, str)]
        reason = values.get("reason")
        return cls(
            act=act if isinstance(act, str) and act in ACTS else "void",
            codes_text="\n".join(c.strip() for c in codes if c.strip()),
            reason=reason.strip() if isinstance(reason, str) else "",
        )

    @property
    def codes(self) -> list[str]:
        return [c for c in SEPARATORS.split(self.codes_text) if c]

    def validated(self) -> VoidRequest | UndoVoidRequest | None:
        try:
            if self.act == "void":
                return VoidRequest(codes=self.codes, reason=self.reason)
            return UndoVoidRequest(codes=self.codes)
        except ValidationError as exc:
            for problem in exc.errors():
                name = str(problem["loc"][0]) if problem["loc"] else FORM_LEVEL
                self.errors.setdefault(name, INVALID.get(name, INVALID["codes"]))
            return None

    def refuse(self, exc: DomainError) -> None:
        """The label service's refusals all concern the codes: say which, and why."""
        codes = [str(c) for c in exc.extra.get("codes", [])]
        if "code_" in exc.extra:
            codes = [str(exc.extra["code_"])]
        which = _listed(codes)
        if exc.code == "not_found":
            self.errors["codes"] = (
                f"{len(codes)} 个码不是贵企业的标签：{which}",
                f"{len(codes)} of these codes are not your labels: {which}",
            )
        elif exc.code == "labels_not_voidable":
            self.errors["codes"] = (
                f"只有在用的标签才能作废，这些不是：{which}",
                f"Only labels in use can be voided; these are not: {which}",
            )
        elif exc.code == "undo_not_allowed" and "replaced" in exc.detail:
            self.errors["codes"] = (
                f"已申请补发的标签不能恢复：{which}",
                f"A replaced label cannot be un-voided: {which}",
            )
        elif exc.code == "undo_not_allowed" and "10 days" in exc.detail:
            self.errors["codes"] = (
                f"已超过 10 天的恢复期限，不能恢复：{which}",
                f"Past the 10-day window for un-voiding: {which}",
            )
        elif exc.code == "undo_not_allowed":
            self.errors["codes"] = (
                f"只能恢复本人作废的标签，这个不是：{which}",
                f"Only labels you voided can be un-voided; this one is not: {which}",
            )
        else:
            self.errors[FORM_LEVEL] = (exc.detail, exc.detail)
