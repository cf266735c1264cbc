"""GB/T 2260 administrative divisions (行政区划代码), current and historical, 1981 onwards.

A USCC keeps, for life, the division code of the office that registered the organisation: a
co-operative registered in 1998 in 巴彦淖尔盟五原县 still carries 152822, although the league
became 巴彦淖尔市 in 2003 and the county's code 150821. So every lookup here answers for
abolished codes too, and says which they are; :func:`current_equivalents` maps them onto
today's divisions. The table is yescallop/areacodes (CC0), see ``data/README.md``.

    >>> get("150821").name, parent("150821").name, parent("150800").name
    ('五原县', '巴彦淖尔市', '内蒙古自治区')
    >>> is_within("150821", "150000"), get("152822").current, current_equivalents("152822")
    (True, False, ('150821',))
"""

from __future__ import annotations

import csv
import enum
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

DATA_FILE = "gbt2260_areacodes.csv.gz"
LATEST_YEAR = 2024  # the table's data run to 31 December of this year


class Level(enum.StrEnum):
    PROVINCE = "province"  # 省级: province, autonomous region, municipality
    PREFECTURE = "prefecture"  # 地级: city, league (盟), prefecture
    COUNTY = "county"  # 县级: county, banner (旗), district, county-level city

    @property
    def name_zh(self) -> str:
        return {"province": "省级", "prefecture": "地级", "county": "县级"}[self.value]


_LEVELS = {"省级": Level.PROVINCE, "地级": Level.PREFECTURE, "县级": Level.COUNTY}


@dataclass(frozen=True, slots=True)
class Division:
    """One record of a code: a code renamed or reassigned over time has several."""

    code: str
    name: str
    level: Level
    parent_code: str | None  # None for a province
    current: bool  # in today's table under this name
    since: int  # first year in the table under this name
    until: int | None  # year it was renamed or abolished; None while current
    successors: tuple[str, ...]  # for a past record: the codes its area passed to

    @property
    def historical(self) -> bool:
        return not self.current


class UnknownDivision(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"{code!r} is not a GB/T 2260 division code, current or historical")
        self.code = code


def _parent_code(code: str, level: Level, prefecture_name: str) -> str | None:
    if level is Level.PROVINCE:
        return None
    if level is Level.PREFECTURE or prefecture_name == "直辖":  # a county under the province
        return code[:2] + "0000"
    return code[:4] + "00"


def _successors(field: str, current: bool) -> tuple[str, ...]:
    # A current record lists only parts of its area transferred away ("120113[2020]"): not
    # successors of the division itself.
    if current or not field:
        return ()
    return tuple(part.split("[", 1)[0] for part in field.split(";"))


def _rows() -> Iterator[Division]:
    raw = resources.files("app.core.data").joinpath(DATA_FILE).read_bytes()
    text = gzip.decompress(raw).decode("utf-8-sig")
    for row in csv.DictReader(io.StringIO(text)):
        level, current = _LEVELS[row["级别"]], row["状态"] == "在用"
        yield Division(
            code=row["代码"],
            name=row["名称"],
            level=level,
            parent_code=_parent_code(row["代码"], level, row["二级行政区"]),
            current=current,
            since=int(row["启用时间"]),
            until=int(row["变更/弃用时间"]) if row["变更/弃用时间"] else None,
            successors=_successors(row["新代码"], current),
        )


@cache
def _table() -> dict[str, tuple[Division, ...]]:
    """code → its records, the current one (if any) first, then newest first."""
    table: dict[str, list[Division]] = {}
    for division in _rows():
        table.setdefault(division.code, []).append(division)
    return {
        code: tuple(sorted(records, key=lambda d: (d.current, d.until or 0), reverse=True))
        for code, records in table.items()
    }


def records(code: str) -> tuple[Division, ...]:
    """Every record of ``code``, current first, then newest first; empty if never used."""
    return _table().get(code, ())


def get(code: str) -> Division | None:
    """The code's current record, or its latest one if the code is no longer in use."""
    found = records(code)
    return found[0] if found else None


def require(code: str) -> Division:
    division = get(code)
    if division is None:
        raise UnknownDivision(code)
    return division


def is_known(code: str) -> bool:
    return code in _table()


def parent(code: str) -> Division | None:
    parent_code = require(code).parent_code
    return get(parent_code) if parent_code else None


def lineage(code: str) -> tuple[Division, ...]:
    """The division and its ancestors, innermost first: 五原县, 巴彦淖尔市, 内蒙古自治区."""
    chain = [require(code)]
    while chain[-1].parent_code and (up := get(chain[-1].parent_code)) is not None:
        chain.append(up)
    return tuple(chain)


def full_name(code: str) -> str:
    """内蒙古自治区巴彦淖尔市五原县: the names of the lineage, outermost first."""
    return "".join(division.name for division in reversed(lineage(code)))


def is_within(inner: str, outer: str) -> bool:
    """True if ``inner`` is ``outer`` or lies inside it (150821 ⊂ 150800 ⊂ 150000).

    Codes compare as they were issued: a historical code lies inside its own historical parent
    (152822 ⊂ 152800); use :func:`current_equivalents` first to ask about today's map.
    """
    if not is_known(inner):
        return False
    return any(division.code == outer for division in lineage(inner))


def prefix(code: str) -> str:
    """The code prefix every division inside ``code`` shares: "15" for the region 150000,
    "1508" for the city 150800, the whole code for a county. A county directly under its
    province (省直辖, 469001) is its own prefix, not its province's."""
    level = require(code).level
    if level is Level.PROVINCE:
        return code[:2]
    if level is Level.PREFECTURE:
        return code[:4]
    return code


def current_equivalents(code: str) -> tuple[str, ...]:
    """Today's code(s) covering a division: itself if current, else its successors' (in turn)."""
    seen: set[str] = set()
    result: list[str] = []
    pending = [code]
    while pending:
        next_code = pending.pop(0)
        if next_code in seen or (division := get(next_code)) is None:
            continue
        seen.add(next_code)
        if division.current:
            result.append(next_code)
        else:
            pending.extend(division.successors)
    return tuple(sorted(result))


def all_records() -> Iterator[Division]:
    """Every record of every code, current and historical."""
    for found in _table().values():
        yield from found


def children(code: str, *, include_historical: bool = False) -> tuple[Division, ...]:
    """The divisions directly under ``code`` (current ones unless asked otherwise)."""
    return tuple(
        division
        for found in _table().values()
        for division in found[:1]
        if division.parent_code == code and (include_historical or division.current)
    )
