"""The public report form's own rules: how long a description must be, and what a refusal
says in the form's language.

Length is counted in *units*: a Chinese, Japanese or Korean character (East Asian width W/F)
carries about a word, so it counts two; other letters and digits count one; spaces and
punctuation count nothing. Five units is "a few words": 疑似假冒 (8) and "Seal broken" pass,
"no" and "假" do not."""

from __future__ import annotations

import unicodedata

from app.core.errors import DomainError
from app.report.exceptions import DescriptionTooShort
from app.web.i18n import Lang, pick

MIN_DESCRIPTION_UNITS = 5
LIMITS = {
    "code": 40,
    "what_was_seen": 4000,
    "where_bought": 500,
    "contact": 200,
    "where_bought_division": 6,
}
FIELD_NAMES = {
    "code": ("标签上的码", "the code"),
    "what_was_seen": ("问题描述", "the description"),
    "where_bought": ("购买地点", "where you bought it"),
    "contact": ("联系方式", "the contact"),
    "where_bought_division": ("行政区划代码", "the division code"),
}
MESSAGES = {
    "description_too_short": (
        "请写几个字说明您看到的问题。",
        "Please say in a few words what you saw.",
    ),
    "photo_too_large": (
        "照片超过 5 MB 或像素过多，请换一张较小的照片。",
        "The photo is larger than 5 MB or has too many pixels; choose a smaller one.",
    ),
    "not_a_division": (
        "购买地的行政区划代码不对：请填 6 位数字的旗县区代码（如 150821 五原县），或留空。",
        "The division code of the place of purchase is not one: give a 6-digit county code"
        " (e.g. 150821 for Wuyuan) or leave it blank.",
    ),
    "photo_type": ("只接受 JPEG 或 PNG 格式的照片。", "Only JPEG and PNG photos are accepted."),
    "photo_corrupt": (
        "照片文件无法读取，请重新选择。",
        "The photo could not be read; choose it again.",
    ),
}


def description_units(text: str) -> int:
    units = 0
    for char in text:
        if char.isspace() or unicodedata.category(char)[0] in "PSZC":
            continue
        units += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return units


def check_description(text: str) -> None:
    if description_units(text) < MIN_DESCRIPTION_UNITS:
        raise DescriptionTooShort(
            "say in a few words what you saw (at least 5 letters or 3 Chinese characters)",
            field="what_was_seen",
        )


def too_long(fields: dict[str, str]) -> str | None:
    """The first field over its limit, or None (the browser enforces these too)."""
    return next((name for name, text in fields.items() if len(text) > LIMITS[name]), None)


def too_long_message(lang: Lang, name: str) -> str:
    zh, en = FIELD_NAMES[name]
    limit = LIMITS[name]
    return pick(
        lang,
        f"{zh}太长了（最多 {limit} 个字）。",
        f"{en.capitalize()} is too long (at most {limit} characters).",
    )


def refusal_message(lang: Lang, refusal: DomainError) -> str:
    if refusal.code == "too_many_reports":
        seconds = refusal.extra["retry_after"]
        return pick(
            lang,
            f"过去一小时内关于这个码的举报已经很多，监管部门已经收到。"
            f"请 {seconds} 秒后再试，或拨打 12315。",
            f"This code has been reported many times in the last hour and the bureau has those"
            f" reports. Please try again in {seconds} seconds, or call 12315.",
        )
    zh_en = MESSAGES.get(refusal.code)
    return pick(lang, *zh_en) if zh_en else refusal.detail
