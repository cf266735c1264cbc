"""Public verification: from a scanned code to a verdict, recording the scan.

A code that fails its check character or its tag is answered without touching the database
(no query, no scan), so guessing and typos cost nothing and reveal nothing about keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from ipaddress import IPv4Address, IPv6Address
from typing import Any
from urllib.parse import urlencode

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clientip import Network
from app.core.outage import DatabaseUnavailable
from app.core.time import public_datetime, public_today, utcnow
from app.label.code import CodeStatus, LabelCodec, format_grouped
from app.label.models import BatchStatus, LabelStatus
from app.licence.models import LicenceStatus
from app.packing import service as packing_service
from app.packing.codes import is_sscc, package_code
from app.registry.service import legal_line_of
from app.verification.cache import VerdictCache
from app.verification.geo import round_location
from app.verification.messages import EXPLANATIONS, GRAVITY, contents_line
from app.verification.privacy import network_prefix, source_hash
from app.verification.readers import PooledReader, Reader
from app.verification.replica import ReplicaReads
from app.verification.repository.scans import ScanRecord
from app.verification.salts import SaltStore
from app.verification.scanlog import PendingScan, ScanLog
from app.verification.schemas import CheckHistory, PackageContents, VerifyResponse
from app.verification.useragent import os_family, ua_family
from app.verification.verdicts import LabelFacts, LinkClaim, Verdict, decide


@dataclass
class Verifier:
    """What verification needs, built once per app (kept on ``app.state``)."""

    codec: LabelCodec
    salts: SaltStore
    scans: ScanLog
    trusted_proxies: tuple[Network, ...]
    cache: VerdictCache
    pool: asyncpg.Pool | None = None  # PostgreSQL hot path, opened with the app
    outage_max_age: float = 24 * 3600.0  # seconds a cached verdict may answer in an outage
    replica: ReplicaReads | None = None  # lookups from a read replica, when one is configured
    _pooled: PooledReader | None = field(default=None, init=False, repr=False)
    # (code, language) -> (what it was made of, body before and after the history, verdict)
    answers: dict[tuple[str, str], tuple[tuple[Any, ...], bytes, bytes, Verdict]] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def pooled(self) -> PooledReader | None:
        """The hot-path reader over ``pool``, which coalesces concurrent checks (made on first
        use, once the app's lifespan has opened the pool)."""
        if self.pool is None:
            return None
        if self._pooled is None or self._pooled.pool is not self.pool:
            self._pooled = PooledReader(self.pool, self.cache, self.replica)
        return self._pooled


@dataclass(frozen=True)
class Client:
    address: IPv4Address | IPv6Address
    user_agent: str | None
    location: tuple[float, float] | None = None


# Status text to member by a dict lookup: ``LabelStatus(text)`` goes through EnumMeta.__call__,
# measured at ~3 % of a check for its three or four calls. A StrEnum member hashes as its value,
# so a row holding members already is looked up alike; an unknown value still raises KeyError.
_LABEL_STATUS = {status.value: status for status in LabelStatus}
_BATCH_STATUS = {status.value: status for status in BatchStatus}
_LICENCE_STATUS = {status.value: status for status in LicenceStatus}


def _facts(row: dict[str, Any]) -> LabelFacts:
    return LabelFacts(
        code=row["code"],
        label_status=_LABEL_STATUS[row["label_status"]],
        label_changed_at=row["status_changed_at"],
        batch_status=_BATCH_STATUS[row["batch_status"]],
        licence_status=_LICENCE_STATUS[row["licence_status"]],
        licence_withdrawn_at=row["withdrawn_at"],
        licence_valid_until=row["valid_until"],
        suspect_reason=row["suspect_reason"],
        item_gtin=row.get("item_gtin"),
        lot_number=row["lot_number"],
    )


async def verify(
    reader: Reader,
    verifier: Verifier,
    raw_code: str,
    client: Client,
    lang: str,
    claim: LinkClaim | None = None,
) -> VerifyResponse:
    """The answer to one check; the scan is written with ``reader``'s session when scans are
    written inline, else left to the scan log's buffer. ``claim``: what the GS1 Digital Link
    the code came through says of its item and lot (``mismatch`` unless both are the label's)."""
    check = verifier.codec.classify(raw_code)
    if check.status is CodeStatus.MALFORMED:
        return _answer(check.code[:24], Verdict.MALFORMED, None, lang)
    if check.status is CodeStatus.UNKNOWN:
        return _answer(check.code, Verdict.UNKNOWN, None, lang)
    row = await reader.label_row(check.code)
    verdict = decide(_facts(row) if row else None, claim)
    answer = _answer(check.code, verdict, row if verdict is not Verdict.UNKNOWN else None, lang)
    await _record(reader, verifier, _scan(check.code, verdict, client))
    verifier.cache.count_scan(check.code)
    return answer


def may_be_package(verifier: Verifier, raw_code: str) -> bool:
    """Whether a code answered ``unknown`` or ``malformed`` could be a carton's or pallet's:
    an SSCC, or a gimark code whose tag is ours (forgeries still cost no query)."""
    code = package_code(raw_code)
    if code is None:
        return False
    return is_sscc(code) or verifier.codec.classify(code).status is CodeStatus.AUTHENTIC


async def package_answer(session: AsyncSession, raw_code: str, lang: str) -> VerifyResponse | None:
    """The scan of a carton or pallet: the gravest of its units' verdicts, with the count of
    each (an empty one is ``not_active``: nothing in it is on sale). Never cached: it is read
    afresh on every scan. ``None`` if the code is no package's."""
    code = package_code(raw_code)
    package = await packing_service.find_public(session, code) if code else None
    if package is None:
        return None
    counts: dict[Verdict, int] = {}
    for label, batch, licence, valid_until, flagged, count in await packing_service.contents_facts(
        session, package
    ):
        facts = LabelFacts(
            code=package.code,
            label_status=LabelStatus(label),
            label_changed_at=None,
            batch_status=BatchStatus(batch),
            licence_status=LicenceStatus(licence),
            licence_withdrawn_at=None,
            licence_valid_until=valid_until,
            suspect_reason="flagged" if flagged else None,
        )
        verdict = decide(facts)
        counts[verdict] = counts.get(verdict, 0) + int(count)
    gravest = next((v for v in GRAVITY if counts.get(v)), Verdict.NOT_ACTIVE)
    answer = _answer(package.code, gravest, None, lang)
    answer.reason = contents_line(package.kind.value, counts, lang) + " " + answer.reason
    answer.package = PackageContents(
        code=package.code,
        kind=package.kind.value,
        units=sum(counts.values()),
        verdicts={verdict.value: n for verdict, n in counts.items()},
    )
    return answer


_SERIALISE = VerifyResponse.__pydantic_serializer__.to_json
_HISTORY = CheckHistory.__pydantic_serializer__.to_json
_HISTORY_KEY = b'"history":'
ANSWER_MEMO = 50_000  # (code, language) answers kept per worker; all dropped when full


async def verify_json(
    reader: Reader, verifier: Verifier, raw_code: str, client: Client, lang: str
) -> bytes:
    """:func:`verify` (without a link claim) as the JSON body ``GET /api/v1/verify/{code}``
    sends, byte for byte, from a memo where it can be (issue 16: building and serialising
    the answer was ~15 % of a check).

    The memo keeps, per code and language, the serialised answer split around its
    ``history`` together with what it was made from: the label's row (every value but the
    scan totals) and the public day (a licence's expiry moves with the day). It is used only
    when the row this check just got, by the same rules as any check (fresh by a round trip
    that confirms the trust epoch, so never a verdict from before a revocation), holds those
    same values on the same day; the history (times checked, first checked), which moves
    with every scan, is serialised afresh each time. The scan is recorded as by
    :func:`verify`."""
    check = verifier.codec.classify(raw_code)
    if check.status is not CodeStatus.AUTHENTIC:
        return _SERIALISE(await verify(reader, verifier, raw_code, client, lang))
    row = await reader.label_row(check.code)
    made_of = _made_of(row, public_today())
    memo = verifier.answers.get((check.code, lang))
    if memo is not None and row is not None and memo[0] == made_of:
        _made, head, tail, verdict = memo
        body = head + _HISTORY(CheckHistory.model_validate(_history(row))) + tail
    else:
        verdict = decide(_facts(row) if row else None)
        answer = _answer(check.code, verdict, row if verdict is not Verdict.UNKNOWN else None, lang)
        body = _SERIALISE(answer)
        if answer.history is not None:
            start = body.rindex(_HISTORY_KEY) + len(_HISTORY_KEY)
            end = body.index(b"}", start) + 1  # the history object holds no nested object
            if len(verifier.answers) >= ANSWER_MEMO:
                verifier.answers.clear()
            verifier.answers[check.code, lang] = (made_of, body[:start], body[end:], verdict)
    await _record(reader, verifier, _scan(check.code, verdict, client))
    verifier.cache.count_scan(check.code)
    return body


_HISTORY_FIELDS = frozenset({"scan_count", "first_scanned_at"})


def _made_of(row: dict[str, Any] | None, today: date) -> tuple[Any, ...]:
    """What an answer is made of, but for its history: the row's other values and the day."""
    if row is None:
        return (today,)
    return (today, *(value for name, value in row.items() if name not in _HISTORY_FIELDS))


def from_before_the_outage(
    verifier: Verifier, raw_code: str, lang: str, claim: LinkClaim | None = None
) -> VerifyResponse:
    """The answer while the database cannot be reached: the verdict this worker last read, as
    it stood at the time given in ``as_of``, or 503 "cannot check right now" - never
    ``unknown``, which would call a genuine label a fake.

    Why this cannot contradict a committed revocation (DESIGN §5, §6): every verdict change
    bumps the trust epoch in its own transaction, and a row is dated at the last round trip
    that read its epoch unchanged, so every change committed before ``as_of`` is in the answer.
    Nothing commits while the database is down, so the only changes the answer can miss are
    those between the last round trip and the failure, and the page says the verdict is from
    before then. The check is not counted as a scan: its salt and totals live in the database.
    """
    check = verifier.codec.classify(raw_code)
    known = verifier.cache.last_known(check.code, verifier.outage_max_age)
    if check.status is not CodeStatus.AUTHENTIC or known is None:
        raise DatabaseUnavailable("cannot check this code right now; try again in a moment")
    row, stood_at = known
    answer = _answer(check.code, decide(_facts(row), claim), row, lang)
    answer.as_of = public_datetime(stood_at)
    return answer


def _scan(code: str, verdict: Verdict, client: Client) -> tuple[str, Verdict, Client]:
    return code, verdict, client


async def _record(reader: Reader, verifier: Verifier, scan: tuple[str, Verdict, Client]) -> None:
    code, verdict, client = scan
    now = utcnow()
    if verifier.scans.batched:  # minimised by the flush, off the response path (scanlog)
        pending = PendingScan(
            code, now, verdict.value, client.address, client.user_agent, client.location
        )
        verifier.scans.defer(pending)
        return
    # The salt's day is the UTC day on purpose, not the public calendar day: it is a privacy
    # key, read by no one, and what matters is that every worker agrees on it and that it is
    # destroyed 48 h on (salts.py) - a UTC date gives both without depending on the zone setting.
    salt = await verifier.salts.salt_for(reader.salt, now.date())
    latitude, longitude = round_location(*client.location) if client.location else (None, None)
    record = ScanRecord(
        code=code,
        scanned_at=now,
        verdict=verdict.value,
        network_prefix=network_prefix(client.address),
        source_hash=source_hash(client.address, salt),
        ua_family=ua_family(client.user_agent),
        os_family=os_family(client.user_agent),
        latitude=latitude,
        longitude=longitude,
    )
    await verifier.scans.record(reader.session, record)


# A batch's measure and the notice that announced it: a suspension follows a failed inspection.
NOTICE_OF_BATCH = {
    Verdict.RECALLED: (BatchStatus.RECALLED, "recall"),
    Verdict.REVOKED: (BatchStatus.REVOKED, "revocation"),
    Verdict.SUSPENDED: (BatchStatus.SUSPENDED, "inspection"),
}


def _answer(code: str, verdict: Verdict, row: dict[str, Any] | None, lang: str) -> VerifyResponse:
    headline, reason, next_step = EXPLANATIONS[verdict]["en" if lang == "en" else "zh"]
    fields = {
        "code": code,
        "grouped_code": format_grouped(code) if len(code) == 20 else code,
        "verdict": verdict,
        "trustworthy": verdict.trustworthy,
        "headline": headline,
        "reason": reason,
        "next_step": next_step,
        "report_url": f"/report?code={code}&lang={lang}",
        "notice_url": _notice_url(verdict, row, lang) if row is not None else None,
    }
    if row is not None:
        fields |= _details(row, lang)
    # One validation of the whole tree, in pydantic-core: a constructor call per nested model
    # (or model_construct, which is pure Python) cost ~5x as much, more than a whole request
    # to a bare FastAPI app (measured, issue 16).
    return VerifyResponse.model_validate(fields)


def _notice_url(verdict: Verdict, row: dict[str, Any], lang: str) -> str | None:
    """Where the public notice of the measure behind this verdict is found (DESIGN §5)."""
    if verdict is Verdict.REVOKED and _LABEL_STATUS[row["label_status"]] is LabelStatus.REVOKED:
        # Revoked by a code list or with the licence: every revocation notice names the
        # enterprise, whatever the scope, so this never links to an empty list.
        kind, q = "revocation", row["uscc"]
    elif verdict in NOTICE_OF_BATCH and _batch_notice_applies(verdict, row):
        kind, q = NOTICE_OF_BATCH[verdict][1], row["lot_number"]
    elif verdict is Verdict.GENUINE_LICENCE_WITHDRAWN and row["licence_number"]:
        kind, q = "licence_withdrawal", row["licence_number"]
    else:
        return None
    return "/public/notices?" + urlencode({"kind": kind, "q": q, "lang": lang})


def _batch_notice_applies(verdict: Verdict, row: dict[str, Any]) -> bool:
    """The batch itself stands so (a suspended licence also reads "suspended": no batch notice)."""
    return _BATCH_STATUS[row["batch_status"]] is NOTICE_OF_BATCH[verdict][0]


def _details(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """The label's particulars, as plain data for ``_answer``'s one validation."""
    inspection = None
    if row["inspection_result"]:
        inspection = {
            "result": row["inspection_result"],
            "sampled_on": row["inspection_date"],
            "report_number": row["inspection_report"],
        }
    return {
        "product": {
            "code": row["product_code"],
            "name_zh": row["name_zh"],
            "name_en": row["name_en"],
            "legal_line": legal_line_of(row, lang),
        },
        "enterprise": {"name": row["enterprise_name"], "uscc": row["uscc"]},
        "lot_number": row["lot_number"],
        "production_date": row["production_date"],
        "origin": row["origin_public"],
        "licence_number": row["licence_number"],
        "licence_status": _licence_status(row),
        "latest_inspection": inspection,
        "is_demo": bool(row["product_is_demo"] or row["enterprise_is_demo"]),
        "history": _history(row),
    }


def _history(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "times_checked_before": row["scan_count"] or 0,
        "first_checked_at": _public_instant(row["first_scanned_at"]),
    }


def _public_instant(instant: datetime | None) -> datetime | None:
    return public_datetime(instant) if instant is not None else None


def _licence_status(row: dict[str, Any]) -> str:
    return LicenceStatus.effective(row["licence_status"], row["valid_until"]).value
