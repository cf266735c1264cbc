"""A coarse browser and OS family from the User-Agent: enough for statistics, not a
fingerprint. In-app browsers embed Chrome/Safari tokens, so they are recognised first."""

from __future__ import annotations

_FAMILIES = (
    ("micromessenger", "wechat"), ("alipayclient", "alipay"), ("mqqbrowser", "qq"),
    (" qq/", "qq"), ("ucbrowser", "uc"), ("huaweibrowser", "huawei"), ("samsungbrowser", "samsung"),
    ("bot", "bot"), ("spider", "bot"), ("crawl", "bot"), ("edg/", "edge"), ("firefox", "firefox"),
    ("chrome", "chrome"), ("crios", "chrome"), ("safari", "safari"),
)  # fmt: skip
_SYSTEMS = (
    ("android", "android"), ("iphone", "ios"), ("ipad", "ios"), ("windows", "windows"),
    ("mac os", "macos"), ("linux", "linux"),
)  # fmt: skip


def _first(ua: str, table: tuple[tuple[str, str], ...]) -> str:
    for token, family in table:
        if token in ua:
            return family
    return "other"


def ua_family(ua: str | None) -> str:
    return _first((ua or "")[:512].lower(), _FAMILIES)


def os_family(ua: str | None) -> str:
    return _first((ua or "")[:512].lower(), _SYSTEMS)
