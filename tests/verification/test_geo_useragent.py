import math
from datetime import UTC, datetime, timedelta

import pytest

from app.verification.geo import haversine_km, impossible_travel, round_location
from app.verification.useragent import families, os_family, ua_family

WECHAT_ANDROID = (
    "Mozilla/5.0 (Linux; Android 12; M2012K11AC Build/SKQ1.211006.001; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 Mobile "
    "Safari/537.36 MMWEBID/6294 MicroMessenger/8.0.28.2240(0x28001C35) WeChat/arm64 Weixin "
    "NetType/WIFI Language/zh_CN ABI/arm64"
)
WECHAT_X5 = (
    "Mozilla/5.0 (Linux; U; Android 9; zh-cn; MI 8 Build/PKQ1) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Version/4.0 Chrome/57.0.2987.132 MQQBrowser/6.2 TBS/044807 Mobile Safari/537.36 "
    "MicroMessenger/7.0.3.1400(0x2700033B) Process/tools NetType/WIFI Language/zh_CN"
)
WECHAT_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2b) NetType/WIFI Language/zh_CN"
)
ALIPAY = (
    "Mozilla/5.0 (Linux; U; Android 13; zh-CN; V2227A Build/TP1A.220624.014) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.59 Mobile Safari/537.36 "
    "UCBS/3.22.2.59_230817112616 ChannelId(1) NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,"
    "ws:393|0|2.75) AliApp(AP/10.5.26.8000) AlipayClient/10.5.26.8000 Language/zh-Hans"
)
QQ_APP = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 QQ/8.9.78.614 V1_IPH_SQ_8.9.78_1_APP_A Pixel/1170 Core/WKWebView"
)
QQ_BROWSER = (
    "Mozilla/5.0 (Linux; U; Android 10; zh-cn; PCT-AL10 Build/HUAWEIPCT-AL10) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/66.0.3359.126 MQQBrowser/10.6 Mobile Safari/537.36"
)
UC = (
    "Mozilla/5.0 (Linux; U; Android 11; zh-CN; M2007J3SC Build/RKQ1.200826.002) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/15.1.8.1208 Mobile Safari/537.36"
)
HUAWEI = (
    "Mozilla/5.0 (Linux; Android 10; HarmonyOS; NOH-AN00; HMSCore 6.5.0.312) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/92.0.4515.105 HuaweiBrowser/12.1.0.302 Mobile Safari/537.36"
)
SAMSUNG = (
    "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36"
)
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
EDGE = CHROME_WINDOWS + " Edg/120.0.2210.91"
CHROME_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1"
)
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Safari/605.1.15"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
GOOGLEBOT = (
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html) Chrome/120.0.6099.129 Safari/537.36"
)
BAIDUSPIDER = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
CUBOT_PHONE = (
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)


@pytest.mark.parametrize(
    ("ua", "browser", "system"),
    [
        (WECHAT_ANDROID, "wechat", "android"),
        (WECHAT_X5, "wechat", "android"),  # says MQQBrowser too
        (WECHAT_IOS, "wechat", "ios"),
        (ALIPAY, "alipay", "android"),  # says UCBS and Chrome too
        (QQ_APP, "qq", "ios"),
        (QQ_BROWSER, "qq", "android"),
        (UC, "uc", "android"),
        (HUAWEI, "huawei", "android"),
        (SAMSUNG, "samsung", "android"),
        (CHROME_WINDOWS, "chrome", "windows"),
        (EDGE, "edge", "windows"),
        (CHROME_IOS, "chrome", "ios"),
        (SAFARI_MAC, "safari", "macos"),
        (FIREFOX_LINUX, "firefox", "linux"),
        (GOOGLEBOT, "bot", "other"),
        (BAIDUSPIDER, "bot", "other"),
        ("curl/8.4.0", "bot", "other"),
        (CUBOT_PHONE, "chrome", "android"),  # a phone brand, not a crawler
        ("", "other", "other"),
        (None, "other", "other"),
        ("something odd", "other", "other"),
    ],
)
def test_families(ua: str | None, browser: str, system: str) -> None:
    assert (ua_family(ua), os_family(ua)) == (browser, system) == families(ua)


def test_a_huge_user_agent_is_capped() -> None:
    assert ua_family("x" * 1_000_000 + "MicroMessenger") == "other"
    assert ua_family("MicroMessenger" + "x" * 1_000_000) == "wechat"


# --- geo -------------------------------------------------------------------------------------

T0 = datetime(2026, 9, 1, 8, tzinfo=UTC)
LINHE = (40.76, 107.39)  # Bayannur, Linhe district
WUYUAN = (41.09, 108.27)
HOHHOT = (40.84, 111.75)
SHANGHAI = (31.23, 121.47)


def test_round_location_to_a_tenth_of_a_degree() -> None:
    assert round_location(40.7649, 107.3861) == (40.8, 107.4)
    assert round_location(-0.04, -0.04) == (0.0, 0.0)
    assert str(round_location(-0.04, 0.0)[0]) == "0.0"  # never "-0.0"
    assert round_location(90, -180) == (90.0, -180.0)


@pytest.mark.parametrize(
    ("lat", "lon"), [(90.1, 0), (-91, 0), (0, 180.5), (0, -181), (math.nan, 0), (0, math.inf)]
)
def test_round_location_refuses_impossible_coordinates(lat: float, lon: float) -> None:
    with pytest.raises(ValueError):
        round_location(lat, lon)


def test_haversine() -> None:
    assert haversine_km(LINHE, LINHE) == 0
    assert haversine_km(LINHE, HOHHOT) == pytest.approx(369, abs=5)
    assert haversine_km(LINHE, SHANGHAI) == pytest.approx(
        1_650, abs=20
    )  # checked on a flat projection: 1,651
    assert haversine_km((0, 0), (0, 180)) == pytest.approx(math.pi * 6371, rel=1e-3)  # antipodes


def test_flying_to_shanghai_in_an_hour_is_impossible_in_four_it_is_not() -> None:
    assert impossible_travel((*LINHE, T0), (*SHANGHAI, T0 + timedelta(hours=1)), 900, 16)
    assert not impossible_travel((*LINHE, T0), (*SHANGHAI, T0 + timedelta(hours=4)), 900, 16)


def test_order_of_the_scans_does_not_matter() -> None:
    later = T0 + timedelta(minutes=30)
    assert impossible_travel((*HOHHOT, later), (*LINHE, T0), 300) == impossible_travel(
        (*LINHE, T0), (*HOHHOT, later), 300
    )


def test_rounding_slack_forgives_neighbouring_cells_at_the_same_moment() -> None:
    a, b = round_location(40.749, 107.349), round_location(40.751, 107.351)  # ~300 m apart
    assert a != b
    assert not impossible_travel((*a, T0), (*b, T0), 120)
    assert impossible_travel((*a, T0), (*b, T0), 120, slack_km=0)


def test_wuyuan_to_linhe_is_a_drive_not_a_clone() -> None:
    assert not impossible_travel((*WUYUAN, T0), (*LINHE, T0 + timedelta(hours=1)), 120)
    assert impossible_travel((*WUYUAN, T0), (*LINHE, T0 + timedelta(minutes=5)), 120)


def test_impossible_travel_needs_a_positive_speed() -> None:
    with pytest.raises(ValueError):
        impossible_travel((*LINHE, T0), (*HOHHOT, T0), 0)
