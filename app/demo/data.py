"""Demo register: the real Inner Mongolia GI products, with plausible standards and limits.

Names, holders and legal routes follow the programme documents (shared/seeds); registration
numbers, standard numbers and enterprises are illustrative and marked as demo data.
"""

from __future__ import annotations

from typing import Any

PRODUCTS: list[dict[str, Any]] = [
    {
        "code": "WYXRK",
        "name_zh": "五原向日葵",
        "name_en": "Wuyuan Sunflower Seeds",
        "route": "certification_mark",
        "trademark": "五原向日葵",
        "trademark_reg_number": "第10358831号",
        "standard_number": "T/WYXRK 001-2021",
        "holder": "五原县向日葵产业协会",
        "protected_area": "内蒙古自治区巴彦淖尔市五原县现辖行政区域",
        "standard_yield_kg_per_mu": "250",
        "default_pack_size_kg": "0.5",
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
        "trademark_reg_number": "第13620577号",
        "standard_number": "DB1503/T 02-2015",
        "holder": "乌海市农业产业化指导中心",
        "protected_area": "内蒙古自治区乌海市海勃湾区、乌达区、海南区现辖行政区域",
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
        "trademark_reg_number": "第9046972号",
        "standard_number": "DB15/T 1402-2018",
        "holder": "巴彦淖尔市乌拉特羊养殖协会",
        "protected_area": "内蒙古自治区巴彦淖尔市乌拉特前旗、乌拉特中旗、乌拉特后旗现辖行政区域",
        "standard_yield_kg_per_mu": "12",
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
        "trademark_reg_number": "第11528610号",
        "standard_number": "DB15/T 1097-2016",
        "holder": "磴口县华莱士瓜协会",
        "protected_area": "内蒙古自治区巴彦淖尔市磴口县现辖行政区域",
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
        "route": "protected_product",
        "standard_number": "GB/T 19xxx-demo 地理标志产品 河套小麦粉",
        "announcement_number": "国家质检总局公告2011年第150号",
        "holder": "巴彦淖尔市河套面粉行业协会",
        "protected_area": "内蒙古自治区巴彦淖尔市临河区、五原县、磴口县、杭锦后旗、乌拉特前旗",
        "standard_yield_kg_per_mu": "350",
        "default_pack_size_kg": "5",
        "test_items": [
            ("moisture", "水分", "Moisture", "%", None, "14.0"),
            ("ash", "灰分（干基）", "Ash (dry basis)", "%", None, "0.70"),
            ("wet_gluten", "湿面筋", "Wet gluten", "%", "30.0", None),
        ],
    },
]

# (name, region code, organisation code, region, address, product code, area in mu, status)
ENTERPRISES: list[tuple[str, str, str, str, str, str, str, str]] = [
    (
        "五原县丰瑞农业开发有限公司",
        "150821",
        "MA0N1K2X3",
        "巴彦淖尔市五原县",
        "五原县隆兴昌镇工业园区 8 号",
        "WYXRK",
        "4000",
        "active",
    ),
    (
        "巴彦淖尔市河套葵花籽加工有限责任公司",
        "150802",
        "MA0P7Q8R1",
        "巴彦淖尔市临河区",
        "临河区新华东街 116 号",
        "WYXRK",
        "6500",
        "active",
    ),
    (
        "乌海市阳光田园葡萄种植专业合作社",
        "150302",
        "MA0R2T4W6",
        "乌海市海勃湾区",
        "海勃湾区千里山镇团结村",
        "WHPT",
        "800",
        "active",
    ),
    (
        "乌拉特中旗草原红牧业有限公司",
        "150824",
        "MA0X9Y3K2",
        "巴彦淖尔市乌拉特中旗",
        "乌拉特中旗海流图镇牧业路 21 号",
        "WLTYR",
        "30000",
        "active",
    ),
    (
        "磴口县黄河湾瓜果专业合作社",
        "150822",
        "MA0L5M6N7",
        "巴彦淖尔市磴口县",
        "磴口县巴彦高勒镇南粮台村",
        "DKHLS",
        "1200",
        "pending",
    ),
    (
        "内蒙古河套面业集团有限公司",
        "150800",
        "MA0H8J9A1",
        "巴彦淖尔市",
        "临河区经济技术开发区面业路 1 号",
        "HTMF",
        "50000",
        "active",
    ),
]

# username, display name, role, password; the licensee belongs to the first enterprise.
USERS: list[tuple[str, str, str, str]] = [
    ("admin", "系统管理员 Administrator", "admin", "demo-admin-pass"),
    ("regulator", "五原县市场监督管理局 Regulator", "regulator", "demo-regulator-pass"),
    ("inspector", "巴彦淖尔市产品质量检验所 Inspector", "inspector", "demo-inspector-pass"),
    ("licensee", "丰瑞农业 Licensee", "licensee", "demo-licensee-pass"),
]
