"""A coarse browser and OS family from the User-Agent: enough for statistics, never a
fingerprint (no versions, no device models).

Order matters. In-app browsers (WeChat, Alipay, QQ, UC, Huawei, Samsung) embed Chrome and Safari
tokens, and WeChat's Android webview also says MQQBrowser, so they are tested first; bots often
claim to be Chrome, so they come next; Edge says Chrome, Chrome says Safari, iOS says "like Mac
OS X" and Android says Linux, so each is tested before the token it imitates.
"""

from __future__ import annotations

from functools import lru_cache

MAX_UA_CHARS = 512  # real UAs fit; a megabyte of header must not cost a megabyte of lower()

# Lookup tables, kept as rows by hand (fmt: skip): one line per family reads as the table it is.
_BROWSERS = (
    ("micromessenger", "wechat"), ("alipayclient", "alipay"), ("mqqbrowser", "qq"),
    (" qq/", "qq"), ("ucbrowser", "uc"), ("ucweb", "uc"), ("huaweibrowser", "huawei"),
    ("samsungbrowser", "samsung"),
    # "bot/" and "bot;" rather than "bot": the Cubot phone brand is not a crawler.
    ("bot/", "bot"), ("bot;", "bot"), ("spider", "bot"), ("crawler", "bot"), ("+http", "bot"),
    ("headless", "bot"), ("curl/", "bot"), ("wget/", "bot"), ("python-", "bot"),
    ("go-http-client", "bot"), ("facebookexternalhit", "bot"),
    ("edg/", "edge"), ("edga/", "edge"), ("edgios/", "edge"),
    ("firefox/", "firefox"), ("fxios/", "firefox"),
    ("chrome/", "chrome"), ("crios/", "chrome"), ("safari/", "safari"),
)  # fmt: skip
_SYSTEMS = (
    ("android", "android"), ("iphone", "ios"), ("ipad", "ios"), ("ipod", "ios"),
    ("windows", "windows"), ("mac os x", "macos"), ("macintosh", "macos"), ("linux", "linux"),
)  # fmt: skip


@lru_cache(maxsize=4096)  # a few thousand distinct UAs make up nearly all real traffic
def _classify(ua: str) -> tuple[str, str]:
    lowered = ua.lower()
    return _first(lowered, _BROWSERS), _first(lowered, _SYSTEMS)


def _first(ua: str, table: tuple[tuple[str, str], ...]) -> str:
    for token, family in table:
        if token in ua:
            return family
    return "other"


def families(ua: str | None) -> tuple[str, str]:
    """``(browser family, OS family)`` in one pass."""
    return _classify(ua[:MAX_UA_CHARS]) if ua else ("other", "other")


def ua_family(ua: str | None) -> str:
    """wechat, alipay, qq, uc, huawei, samsung, bot, edge, firefox, chrome, safari or other."""
    return families(ua)[0]


def os_family(ua: str | None) -> str:
    """android, ios, windows, macos, linux or other."""
    return families(ua)[1]
