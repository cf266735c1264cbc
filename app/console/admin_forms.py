"""The admin pages' forms (a new account, a new API key): what was typed, kept as typed so a
refused form shows it again (never the password), and what to say next to each field, in
both languages. Kept apart from the routes, as ``batch_form`` is, so the wording of every
refusal is in one place."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.auth.schemas import ApiKeyCreate, UserCreate
from app.core.errors import DomainError
from app.core.principal import Role

FORM_LEVEL = "_form"
Message = tuple[str, str]  # (Chinese, English)

ROLE_NAMES: dict[str, Message] = {
    Role.ADMIN.value: ("系统管理员", "Administrator"),
    Role.REGULATOR.value: ("监管人员", "Regulator"),
    Role.LICENSEE.value: ("获准使用企业", "Licensee"),
    Role.INSPECTOR.value: ("检验人员", "Inspector"),
}

USER_FIELDS = ("username", "display_name", "password", "role", "enterprise_id", "organisation_id")
KEY_FIELDS = ("name", "role", "enterprise_id")

INVALID: dict[str, Message] = {
    "username": (
        "用户名为 3–64 位字母、数字或 . _ @ -。",
        "A username is 3–64 letters, digits or . _ @ -.",
    ),
    "display_name": ("请填写姓名（最多 200 字）。", "Give a name (at most 200 characters)."),
    "password": (
        f"密码至少 {MIN_PASSWORD_LENGTH} 位。",
        f"A password has at least {MIN_PASSWORD_LENGTH} characters.",
    ),
    "role": ("请选择一个角色。", "Choose a role."),
    "enterprise_id": ("请从列表中选择企业。", "Choose the enterprise from the list."),
    "organisation_id": ("请从列表中选择机构。", "Choose the organisation from the list."),
    "name": ("请为密钥取个名字（最多 200 字）。", "Name the key (at most 200 characters)."),
}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


@dataclass
class AdminForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, Message] = field(default_factory=dict)

    def _collect(self, exc: ValidationError) -> None:
        for problem in exc.errors():
            name = str(problem["loc"][0]) if problem["loc"] else FORM_LEVEL
            self.errors.setdefault(name, INVALID.get(name, ("此项有误。", "This is not valid.")))

    def _enterprise(self) -> int | None:
        return int(self.values["enterprise_id"]) if self.values.get("enterprise_id") else None

    def _check_enterprise_link(self) -> None:
        """Said next to the enterprise field before the service refuses it in a sentence."""
        licensee = self.values.get("role") == Role.LICENSEE.value
        if licensee and not self.values.get("enterprise_id"):
            self.errors["enterprise_id"] = (
                "获准使用企业的账号须属于一家企业：请选择企业。",
                "A licensee account belongs to one enterprise: choose it.",
            )
        elif self.values.get("enterprise_id") and self.values.get("role") and not licensee:
            self.errors["enterprise_id"] = (
                "只有获准使用企业的账号属于企业：请留空。",
                "Only licensee accounts belong to an enterprise: leave this empty.",
            )
        enterprise = self.values.get("enterprise_id", "")
        if enterprise and not enterprise.isdigit():
            self.errors["enterprise_id"] = INVALID["enterprise_id"]


@dataclass
class UserForm(AdminForm):
    @classmethod
    def from_form(cls, form: FormData) -> UserForm:
        values = {name: _text(form.get(name)).strip() for name in USER_FIELDS}
        values["password"] = _text(form.get("password"))  # as typed: spaces count
        return cls(values=values)

    def validated(self) -> UserCreate | None:
        self._check_enterprise_link()
        try:
            data = UserCreate.model_validate(
                {**self.values, "enterprise_id": None, "organisation_id": None}
                if self.errors
                else self._payload()
            )
        except ValidationError as exc:
            self._collect(exc)
            return None
        return None if self.errors else data

    def _payload(self) -> dict[str, object]:
        organisation = self.values.get("organisation_id", "")
        return {
            **self.values,
            "enterprise_id": self._enterprise(),
            "organisation_id": int(organisation)
            if organisation.isdigit()
            else organisation or None,
        }

    def refuse(self, exc: DomainError) -> None:
        if exc.code == "username_taken":
            self.errors["username"] = ("该用户名已被使用。", "This username is taken.")
        elif exc.code == "not_found" and "organisation" in exc.detail:
            self.errors["organisation_id"] = INVALID["organisation_id"]
        elif exc.code == "not_found":
            self.errors["enterprise_id"] = INVALID["enterprise_id"]
        elif exc.extra.get("field") == "organisation_id":
            self.errors["organisation_id"] = (exc.detail, exc.detail)
        elif exc.code == "idempotency_key_reused":  # the form was changed after it went through
            self.key = uuid.uuid4().hex
            self.errors[FORM_LEVEL] = (
                "此表单已提交过一次；请核对后重新提交。",
                "This form was already sent once; check it and send it again.",
            )
        else:
            self.errors[FORM_LEVEL] = (exc.detail, exc.detail)


@dataclass
class KeyForm(AdminForm):
    """Also carries the form's one-time token: a double-submitted form makes one key."""

    key: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def from_form(cls, form: FormData) -> KeyForm:
        values = {name: _text(form.get(name)).strip() for name in KEY_FIELDS}
        key = _text(form.get("idempotency_key")).strip()[:200]
        return cls(values=values, key=key or uuid.uuid4().hex)

    def validated(self) -> ApiKeyCreate | None:
        if self.values.get("role"):
            self._check_enterprise_link()
        payload = {
            "name": self.values.get("name", ""),
            "role": self.values.get("role") or None,
            "enterprise_id": None if self.errors else self._enterprise(),
        }
        try:
            data = ApiKeyCreate.model_validate(payload)
        except ValidationError as exc:
            self._collect(exc)
            return None
        return None if self.errors else data

    def refuse(self, exc: DomainError) -> None:
        if exc.code == "key_scope_exceeded":
            self.errors["role"] = (
                "密钥的权限不能超过创建者本人。",
                "A key can never do more than the person who creates it.",
            )
        elif exc.code == "not_found":
            self.errors["enterprise_id"] = INVALID["enterprise_id"]
        elif exc.code == "idempotency_key_reused":  # the form was changed after it went through
            self.key = uuid.uuid4().hex
            self.errors[FORM_LEVEL] = (
                "此表单已提交过一次；请核对后重新提交。",
                "This form was already sent once; check it and send it again.",
            )
        else:
            self.errors[FORM_LEVEL] = (exc.detail, exc.detail)
