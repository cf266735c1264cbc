"""The demo register: real Inner Mongolia GI products, fictitious enterprises.

What is real: the products, their places (GB/T 2260 codes of the protected areas), the holders
named in the programme documents (shared/seeds) and the documents' titles. What is not known
is not made up: no standard, trademark or registration number is invented; where one is not
known, the legal line cites the programme document the GI comes from. The enterprises are
fictitious and say so in their names (演示); their USCCs are composed with correct GB 11714 and
GB 32100 check characters, registered in the county they produce in, and their telephone
numbers carry that place's area code. Everything loaded is flagged ``is_demo``, and the public
pages mark it "演示数据 / demo data".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Titles of the programme documents the GIs come from (shared/seeds).
WUYUAN_PROGRAMME = "五原向日葵国家地理标志产品保护示范区建设工作方案（2023—2024年）"
WUHAI_PROGRAMME = "乌海市农畜产品区域公用品牌建设三年行动方案（2021—2023年）"
BAYANNUR_PROGRAMME = "巴彦淖尔市人民政府关于进一步实施商标品牌战略的意见"

PRODUCTS: list[dict[str, Any]] = [
    {
        "code": "WYXRK",
        "name_zh": "五原向日葵",
        "name_en": "Wuyuan Sunflower Seeds",
        "route": "certification_mark",
        "trademark": "五原向日葵",
        "programme_document": WUYUAN_PROGRAMME,
        "holder": "五原县特色产业协会",  # with 内蒙古向日葵协会, named by the programme
        "protected_area": "内蒙古自治区巴彦淖尔市五原县现辖行政区域",
        "protected_area_codes": ["150821"],
        "quota_unit": "mu",
        "standard_yield_kg_per_mu": "250",
        "default_pack_size_kg": "0.5",
        # Seeds cleaned, roasted and sorted: about 0.9 kg sold per kg harvested (app.origin).
        "processing_factor": "0.9",
        "requires_origin": True,
        "test_items": [
            ("moisture", "水分", "Moisture", "%", None, "9.0"),
            ("impurity", "杂质", "Impurities", "%", None, "1.0"),
            ("hundred_seed_weight", "百粒重", "Weight of 100 seeds", "g", "16.0", None),
            ("acid_value", "酸价", "Acid value (as KOH)", "mg/g", None, "3.0"),
        ],
    },
    {
        "code": "WHPT",
        "name_zh": "乌海葡萄",
        "name_en": "Wuhai Grape",
        "route": "certification_mark",
        "trademark": "乌海葡萄",
        "programme_document": WUHAI_PROGRAMME,
        "holder": "乌海市农业产业化指导中心",
        "protected_area": "内蒙古自治区乌海市海勃湾区、海南区、乌达区现辖行政区域",
        "protected_area_codes": ["150302", "150303", "150304"],
        "quota_unit": "mu",
        "standard_yield_kg_per_mu": "1500",
        "default_pack_size_kg": "2.5",
        "test_items": [
            ("soluble_solids", "可溶性固形物", "Soluble solids", "%", "16.0", None),
            ("total_acid", "总酸", "Total acidity", "%", None, "0.70"),
            ("berry_weight", "单粒重", "Single berry weight", "g", "5.0", None),
        ],
    },
    {
        "code": "WLTYR",
        "name_zh": "乌拉特羊肉",
        "name_en": "Urad Mutton",
        "route": "certification_mark",
        "trademark": "乌拉特羊肉",
        "programme_document": BAYANNUR_PROGRAMME,
        "holder": None,  # not named in the programme documents
        "protected_area": "内蒙古自治区巴彦淖尔市乌拉特前旗、乌拉特中旗、乌拉特后旗现辖行政区域",
        "protected_area_codes": ["150823", "150824", "150825"],
        "quota_unit": "head",  # a sheep yields its carcass once: kg per head, not per mu
        "standard_yield_kg_per_mu": "15",
        "default_pack_size_kg": "1",
        "test_items": [
            ("protein", "蛋白质", "Protein", "g/100g", "19.0", None),
            ("fat", "脂肪", "Fat", "g/100g", None, "6.0"),
            ("tvbn", "挥发性盐基氮", "Total volatile basic nitrogen", "mg/100g", None, "15"),
        ],
    },
    {
        "code": "DKHLS",
        "name_zh": "磴口华莱士瓜",
        "name_en": "Dengkou Hualaishi Melon",
        "route": "certification_mark",
        "trademark": "磴口华莱士瓜",
        "programme_document": BAYANNUR_PROGRAMME,
        "holder": None,
        "protected_area": "内蒙古自治区巴彦淖尔市磴口县现辖行政区域",
        "protected_area_codes": ["150822"],
        "quota_unit": "mu",
        "standard_yield_kg_per_mu": "2000",
        "default_pack_size_kg": "5",
        "test_items": [
            ("soluble_solids", "中心可溶性固形物", "Central soluble solids", "%", "12.0", None),
            ("fruit_weight", "单果重", "Fruit weight", "kg", "1.0", "3.5"),
        ],
    },
    {
        "code": "HTMF",
        "name_zh": "河套面粉",
        "name_en": "Hetao Wheat Flour",
        # The programme presses on with registering "河套" as a GI certification mark.
        "route": "certification_mark",
        "trademark": "河套",
        "programme_document": BAYANNUR_PROGRAMME,
        "holder": None,
        "protected_area": (
            "内蒙古自治区巴彦淖尔市河套灌区：临河区、五原县、磴口县、杭锦后旗、乌拉特前旗"
        ),
        "protected_area_codes": ["150802", "150821", "150822", "150826", "150823"],
        "quota_unit": "mu",
        "standard_yield_kg_per_mu": "280",  # flour milled from a mu of wheat
        "default_pack_size_kg": "5",
        "test_items": [
            ("moisture", "水分", "Moisture", "%", None, "14.0"),
            ("ash", "灰分（干基）", "Ash (dry basis)", "%", None, "0.70"),
            ("wet_gluten", "湿面筋", "Wet gluten", "%", "30.0", None),
        ],
    },
]


@dataclass(frozen=True)
class DemoEnterprise:
    name: str
    kind: str  # GB 32100 authority + type: 91 company, 93 farmers' co-operative
    registered_in: str  # division of the registering office (USCC characters 3–8)
    organisation_body: str  # 8 characters; the GB 11714 check digit is computed
    produces_in: str  # county of the licensed production, inside the protected area
    address: str
    phone: str
    product: str
    registered_units: str  # production in the product's quota unit (mu, head)
    status: str


# One enterprise a row, in DemoEnterprise's field order: read as the register it is.
# One enterprise per block, fields in the order of DemoEnterprise (fmt: skip): the register
# reads as a register.
ENTERPRISES: list[DemoEnterprise] = [
    DemoEnterprise(
        "五原县演示葵花籽加工有限公司", "91", "150821", "MA0DEM01", "150821",
        "五原县隆兴昌镇（演示地址）", "0478-0000001", "WYXRK", "4000", "active",
    ),
    DemoEnterprise(
        "五原县演示向日葵种植专业合作社", "93", "150821", "MA0DEM02", "150821",
        "五原县新公中镇（演示地址）", "0478-0000002", "WYXRK", "1500", "active",
    ),
    DemoEnterprise(
        "乌海市海勃湾区演示葡萄种植专业合作社", "93", "150302", "MA0DEM03", "150302",
        "乌海市海勃湾区千里山镇（演示地址）", "0473-0000003", "WHPT", "800", "active",
    ),
    DemoEnterprise(
        "乌拉特中旗演示牧业有限公司", "91", "150824", "MA0DEM04", "150824",
        "乌拉特中旗海流图镇（演示地址）", "0478-0000004", "WLTYR", "4000", "active",
    ),
    DemoEnterprise(
        "磴口县演示瓜果专业合作社", "93", "150822", "MA0DEM05", "150822",
        "磴口县巴彦高勒镇（演示地址）", "0478-0000005", "DKHLS", "1200", "pending",
    ),
    DemoEnterprise(  # registered by the city's bureau, milling in 临河区
        "巴彦淖尔市演示面业有限公司", "91", "150800", "MA0DEM06", "150802",
        "巴彦淖尔市临河区（演示地址）", "0478-0000006", "HTMF", "20000", "active",
    ),
    DemoEnterprise(
        "乌海市乌达区演示葡萄酒庄有限公司", "91", "150304", "MA0DEM07", "150304",
        "乌海市乌达区（演示地址）", "0473-0000007", "WHPT", "300", "pending",
    ),
]  # fmt: skip


@dataclass(frozen=True)
class DemoBase:
    """A growing base of a demo enterprise (by name), in Wuyuan county, and last autumn's
    harvest from it: batches of products that require origin records draw on it."""

    enterprise: str
    name: str
    kind: str  # plot, cooperative
    township: str
    area_mu: str
    harvest_kg: str


BASES: list[DemoBase] = [
    DemoBase(
        "五原县演示葵花籽加工有限公司", "隆兴昌镇演示葵花基地", "plot", "隆兴昌镇", "800", "180000"
    ),
    DemoBase(
        "五原县演示向日葵种植专业合作社",
        "新公中镇演示合作社基地",
        "cooperative",
        "新公中镇",
        "1500",
        "330000",
    ),
]

DEMO_LAB = "演示检验实验室 (demo laboratory)"


@dataclass(frozen=True)
class DemoOrganisation:
    """An organisation staff work for (issue 14): the bureaus at region, city and county level
    of the seed programmes, the Wuyuan agriculture bureau, the sunflower associations, two
    laboratories and the platform operator."""

    key: str
    name_zh: str
    name_en: str
    kind: str  # app.core.principal.OrgKind
    division_code: str
    accreditation_number: str | None = None
    accreditation_scope: str | None = None


# fmt: off
ORGANISATIONS: list[DemoOrganisation] = [
    DemoOrganisation("platform", "gimark 平台运营方", "gimark platform operator",
                     "platform_operator", "150000"),
    DemoOrganisation("region", "内蒙古自治区市场监督管理局",
                     "Inner Mongolia Administration for Market Regulation",
                     "market_supervision", "150000"),
    DemoOrganisation("bayannur", "巴彦淖尔市市场监督管理局",
                     "Bayannur Administration for Market Regulation", "market_supervision",
                     "150800"),
    DemoOrganisation("wuyuan", "五原县市场监督管理局",
                     "Wuyuan County Administration for Market Regulation", "market_supervision",
                     "150821"),
    DemoOrganisation("haibowan", "乌海市海勃湾区市场监督管理局",
                     "Haibowan District Administration for Market Regulation, Wuhai",
                     "market_supervision", "150302"),
    DemoOrganisation("wuyuan_agri", "五原县农牧和科技局（农科局）",
                     "Wuyuan County Bureau of Agriculture, Animal Husbandry and Science",
                     "agriculture", "150821"),
    DemoOrganisation("sunflower", "内蒙古向日葵协会", "Inner Mongolia Sunflower Association",
                     "association", "150000"),
    DemoOrganisation("wuyuan_assoc", "五原县特色产业协会",
                     "Wuyuan County Specialty Industries Association", "association", "150821"),
    DemoOrganisation("lab", DEMO_LAB, "Demo laboratory", "laboratory", "150800",
                     "CMA 演示-150800-0001", "葵花籽、面粉、葡萄的理化指标（演示）"),
    DemoOrganisation("lab2", "内蒙古演示农产品质量检测中心",
                     "Inner Mongolia demo agricultural product testing centre", "laboratory",
                     "150000", "CNAS L演示0002", "农产品理化与农药残留指标（演示）"),
]
# fmt: on

# username, display name, role, password; the licensee belongs to the first enterprise. The
# first four are the demo's original logins; the others show who may do what where.
USERS: list[tuple[str, str, str, str]] = [
    ("admin", "系统管理员 Administrator", "admin", "demo-admin-pass"),
    ("regulator", "内蒙古自治区市场监督管理局（演示账号）Regulator", "regulator",
     "demo-regulator-pass"),
    ("inspector", "演示检验员 Inspector", "inspector", "demo-inspector-pass"),
    ("licensee", "演示葵花籽加工 Licensee", "licensee", "demo-licensee-pass"),
    ("bayannur", "巴彦淖尔市市场监督管理局（演示账号）", "regulator", "demo-bayannur-pass"),
    ("wuyuan", "五原县市场监督管理局（演示账号）", "regulator", "demo-wuyuan-pass"),
    ("haibowan", "乌海市海勃湾区市场监督管理局（演示账号）", "regulator", "demo-haibowan-pass"),
    ("wuyuan-agri", "五原县农科局（演示账号）", "regulator", "demo-agri-pass"),
    ("sunflower", "内蒙古向日葵协会（演示账号）", "regulator", "demo-sunflower-pass"),
    ("wuyuan-assoc", "五原县特色产业协会（演示账号）", "regulator", "demo-assoc-pass"),
    ("inspector2", "检测中心检验员（演示账号）", "inspector", "demo-inspector2-pass"),
]  # fmt: skip
# Which organisation (DemoOrganisation.key) each staff login works for.
USER_ORGANISATION = {
    "admin": "platform",
    "regulator": "region",
    "inspector": "lab",
    "bayannur": "bayannur",
    "wuyuan": "wuyuan",
    "haibowan": "haibowan",
    "wuyuan-agri": "wuyuan_agri",
    "sunflower": "sunflower",
    "wuyuan-assoc": "wuyuan_assoc",
    "inspector2": "lab2",
}


@dataclass(frozen=True)
class DemoRosterEntry:
    """A producer on a product's roster (issue 13): the denominator of the mark-use rate.
    ``kind``, ``registered_in`` and ``organisation_body`` compose the USCC as for
    ``DemoEnterprise``; a licensed entry repeats its enterprise's, so the roster links to it."""

    name: str
    kind: str
    registered_in: str
    organisation_body: str
    product: str
    division: str  # where it produces or trades, inside the product's protected area
    producer_kind: str  # grower / processor / trader
    exporter: bool = False
    closed_last_year: bool = False


ROSTER_SOURCE = "县市场监管局摸底（演示数据）"

# Twelve producers in two counties (五原县 150821, 临河区 150802): three of them the licensed
# demo enterprises, the others not licensed, so the use rate has a gap to show against the 90 %
# target; the exporter is unlicensed (exporters are what the target names first); one closed
# last year, so it no longer counts as active.
ROSTER: list[DemoRosterEntry] = [
    DemoRosterEntry(
        "五原县演示葵花籽加工有限公司", "91", "150821", "MA0DEM01", "WYXRK", "150821", "processor"
    ),
    DemoRosterEntry(
        "五原县演示向日葵种植专业合作社", "93", "150821", "MA0DEM02", "WYXRK", "150821", "grower"
    ),
    DemoRosterEntry(
        "五原县演示葵花籽进出口贸易有限公司",
        "91",
        "150821",
        "MA0DEM11",
        "WYXRK",
        "150821",
        "trader",
        exporter=True,
    ),
    DemoRosterEntry(
        "五原县演示炒货食品有限公司", "91", "150821", "MA0DEM12", "WYXRK", "150821", "processor"
    ),
    DemoRosterEntry(
        "五原县演示葵花种植专业合作社", "93", "150821", "MA0DEM13", "WYXRK", "150821", "grower"
    ),
    DemoRosterEntry(
        "五原县演示农产品商贸有限公司",
        "91",
        "150821",
        "MA0DEM14",
        "WYXRK",
        "150821",
        "trader",
        closed_last_year=True,
    ),
    DemoRosterEntry(
        "五原县演示向日葵产业专业合作社", "93", "150821", "MA0DEM15", "WYXRK", "150821", "grower"
    ),
    DemoRosterEntry(
        "巴彦淖尔市演示面业有限公司", "91", "150800", "MA0DEM06", "HTMF", "150802", "processor"
    ),
    DemoRosterEntry(
        "临河区演示小麦种植专业合作社", "93", "150802", "MA0DEM16", "HTMF", "150802", "grower"
    ),
    DemoRosterEntry(
        "临河区演示面粉加工有限公司", "91", "150802", "MA0DEM17", "HTMF", "150802", "processor"
    ),
    DemoRosterEntry(
        "五原县演示面粉加工有限公司", "91", "150821", "MA0DEM18", "HTMF", "150821", "processor"
    ),
    DemoRosterEntry(
        "五原县演示粮油贸易有限公司", "91", "150821", "MA0DEM19", "HTMF", "150821", "trader"
    ),
]

# The demo licensee's accepted report on last year's use (年度使用情况报告): packaging printed
# with the mark by its own printer before it used gimark, so last year counts as use.
USE_REPORT: dict[str, Any] = {
    "product": "WYXRK",
    "produced_kg": "1000000",
    "sold_domestic_kg": "820000",
    "sold_export_kg": "150000",
    "output_value_yuan": "12600000",
    "labels_applied": 0,
    "packaging_printed": 120000,
    "sales_channels": "批发市场、电商平台、出口（演示数据）",
    "authorised_shops": "五原县隆兴昌镇直营店（演示数据）",
}
