"""The password forms (one's own change, an admin's reset): the rules are the account
creation's (``app.auth.passwords``, as ``UserCreate.password``: a length within bounds), said
next to the field in both languages. Passwords are never sent back to the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from app.core.errors import DomainError

FORM_LEVEL = "_form"
Message = tuple[str, str]

TOO_SHORT: Message = (
    f"密码至少 {MIN_PASSWORD_LENGTH} 位，最多 {MAX_PASSWORD_LENGTH} 位。",
    f"A password has {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.",
)
MISMATCH: Message = ("两次输入的新密码不一致。", "The two new passwords differ.")
REFUSALS: dict[str, tuple[str, Message]] = {
    "wrong_current_password": (
        "current_password",
        ("当前密码不正确。", "The current password is wrong."),
    ),
    "password_unchanged": (
        "password",
        ("新密码不能与当前密码相同。", "Choose a password other than the current one."),
    ),
}


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def strong_enough(password: str) -> bool:
    return MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH


@dataclass
class PasswordForm:
    """What was typed (passwords as typed: spaces count) and what to say by each field."""

    current: str = ""
    new: str = ""
    confirm: str = ""
    choice: str = "generate"  # the admin's reset: "generate" a temporary one, or "set" it
    errors: dict[str, Message] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: FormData) -> PasswordForm:
        return cls(
            current=_text(form, "current_password"),
            new=_text(form, "password"),
            confirm=_text(form, "password_confirm"),
            choice="set" if _text(form, "choice") == "set" else "generate",
        )

    def check_change(self) -> bool:
        """One's own change: the current password, a strong new one, typed twice alike."""
        if not self.current:
            self.errors["current_password"] = ("请输入当前密码。", "Type your current password.")
        self._check_new()
        return not self.errors

    def check_reset(self) -> bool:
        """An admin's reset: nothing to check when the server generates the password."""
        if self.choice == "set":
            self._check_new()
        return not self.errors

    def _check_new(self) -> None:
        if not strong_enough(self.new):
            self.errors["password"] = TOO_SHORT
        elif self.new != self.confirm:
            self.errors["password_confirm"] = MISMATCH

    def refuse(self, exc: DomainError) -> None:
        name, message = REFUSALS.get(exc.code, (FORM_LEVEL, (exc.detail, exc.detail)))
        self.errors[name] = message
