"""The queries of the EPCIS domain: the audited acts that are events, the labels they name,
and captured events. Scoping has its one home here: a licensee reads its own enterprise's."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    and_,
    cast,
    false,
    null,
    or_,
    select,
    true,
    union_all,
)

from app.audit.models import AuditEvent
from app.core.principal import Principal
from app.enterprise.repository import enterprises_in_reach
from app.epcis.models import CapturedEpc, CapturedEvent
from app.epcis.vocabulary import Subject
from app.inspection.models import Inspection
from app.label.models import Label, LabelBatch
from app.packing.models import Package, PackageKind
from app.tradeitem.models import TradeItem


def _scoped(principal: Principal, enterprise: Any) -> ColumnElement[bool]:
    """Staff read the events of the enterprises in their jurisdiction (all, where no division
    limits them); a licensee its own (an enterprise-less principal reads nothing)."""
    if principal.is_staff:
        reach = enterprises_in_reach(principal)
        return true() if reach is None else enterprise.in_(reach)
    scoped: ColumnElement[bool] = enterprise == principal.enterprise_id
    return scoped


def _audit_columns() -> tuple[Any, ...]:
    return (
        AuditEvent.seq,
        AuditEvent.occurred_at,
        AuditEvent.action,
        AuditEvent.after,
        LabelBatch.id.label("batch_id"),
        LabelBatch.quantity,
        LabelBatch.enterprise_id,
        TradeItem.gtin,
    )


def _package_columns() -> tuple[Any, ...]:
    """A pallet's act, in the columns of :func:`_audit_columns`: it names no batch."""
    return (
        AuditEvent.seq,
        AuditEvent.occurred_at,
        AuditEvent.action,
        AuditEvent.after,
        cast(null(), BigInteger).label("batch_id"),
        cast(null(), Integer).label("quantity"),
        Package.enterprise_id,
        cast(null(), String).label("gtin"),
    )


def _after_position(at: datetime | None, seq: int | None) -> ColumnElement[bool]:
    if at is None:
        return true()
    if seq is None:  # the cursor stands on a captured event: acts at the same time came before
        return AuditEvent.occurred_at > at
    return or_(
        AuditEvent.occurred_at > at, and_(AuditEvent.occurred_at == at, AuditEvent.seq >= seq)
    )


def _batch_acts(principal: Principal, subject: Subject, names: list[str]) -> Select[Any]:
    """The acts of ``subject`` named ``names`` with the batch they are about (and its GTIN)."""
    query = (
        select(*_audit_columns())
        .select_from(AuditEvent)
        .where(AuditEvent.object_type == subject.value, AuditEvent.action.in_(names))
    )
    if subject is Subject.INSPECTION:
        query = query.join(Inspection, AuditEvent.object_id == cast(Inspection.id, String)).join(
            LabelBatch, LabelBatch.id == Inspection.batch_id
        )
    else:
        query = query.join(LabelBatch, AuditEvent.object_id == cast(LabelBatch.id, String))
    return query.outerjoin(TradeItem, TradeItem.id == LabelBatch.item_id).where(
        _scoped(principal, LabelBatch.enterprise_id)
    )


def _pallet_acts(principal: Principal, names: list[str]) -> Select[Any]:
    """A pallet's acts named ``names`` that moved at least one carton: a carton's own
    ``package.pack`` is its units' ``labels.packed``, and a call that moved nothing (or one
    recorded before the cartons were) names no child."""
    moved_one = AuditEvent.after[("cartons", 0)].as_string().is_not(None)
    return (
        select(*_package_columns())
        .select_from(AuditEvent)
        .join(Package, AuditEvent.object_id == cast(Package.id, String))
        .where(
            AuditEvent.object_type == Subject.PACKAGE.value,
            AuditEvent.action.in_(names),
            Package.kind == PackageKind.PALLET,
            moved_one,
            _scoped(principal, Package.enterprise_id),
        )
    )


def audited_events(
    principal: Principal,
    actions: dict[Subject, list[str]],
    *,
    since: datetime | None,
    before: datetime | None,
    batch_id: int | None,
    mentioning: Collection[str] = (),
    after_at: datetime | None,
    after_seq: int | None,
    limit: int,
) -> Select[Any]:
    """Audit events of the mapped ``actions`` with the batch they are about (and its GTIN),
    in (time, seq) order from the cursor on; ``batch_id``: only that batch's (a pallet's acts
    have none); ``mentioning``: only those whose recorded ``after`` has each code in it (a
    package's, as a parent or a child: a coarse filter, the caller decides)."""
    parts = []
    for subject, names in actions.items():
        if not names or (subject is Subject.PACKAGE and batch_id is not None):
            continue
        if subject is Subject.PACKAGE:
            query = _pallet_acts(principal, names)
        else:
            query = _batch_acts(principal, subject, names)
        query = query.where(_after_position(after_at, after_seq))
        if since is not None:
            query = query.where(AuditEvent.occurred_at >= since)
        if before is not None:
            query = query.where(AuditEvent.occurred_at < before)
        if batch_id is not None:
            query = query.where(LabelBatch.id == batch_id)
        for code in mentioning:
            query = query.where(cast(AuditEvent.after, Text).contains(code))
        parts.append(query)
    if not parts:  # no mapped act passes the filters
        return (
            select(*_audit_columns())
            .select_from(AuditEvent)
            .join(LabelBatch, false())
            .outerjoin(TradeItem, TradeItem.id == LabelBatch.item_id)
        )
    rows = union_all(*parts).subquery()
    return select(rows).order_by(rows.c.occurred_at, rows.c.seq).limit(limit)


def codes_by_serial(batch_id: int, first: int, last: int) -> Select[str]:
    """The batch's codes with serials ``first``..``last`` (the unique (batch, serial) index)."""
    return (
        select(Label.code)
        .where(Label.batch_id == batch_id, Label.serial.between(first, last))
        .order_by(Label.serial)
    )


def codes_in_runs(batch_id: int, runs: Collection[tuple[int, int]]) -> Select[str]:
    """The batch's codes with serials in ``runs`` ((first, last) pairs, at most one event's
    worth), in serial order."""
    spans = [Label.serial.between(first, last) for first, last in runs]
    return (
        select(Label.code)
        .where(Label.batch_id == batch_id, or_(false(), *spans))
        .order_by(Label.serial)
    )


def labels_named(
    principal: Principal, codes: Collection[str]
) -> Select[str, int, int, int, str | None]:
    """The labels among ``codes`` the principal may read, with their batch, serial, enterprise
    and GTIN."""
    return (
        select(
            Label.code,
            Label.batch_id,
            Label.serial,
            LabelBatch.enterprise_id,
            TradeItem.gtin,
        )
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .outerjoin(TradeItem, TradeItem.id == LabelBatch.item_id)
        .where(Label.code.in_(list(codes)), _scoped(principal, LabelBatch.enterprise_id))
    )


def packages_named(principal: Principal, codes: Collection[str]) -> Select[str]:
    """The codes among ``codes`` of packages the principal may read."""
    return select(Package.code).where(
        Package.code.in_(list(codes)), _scoped(principal, Package.enterprise_id)
    )


def captured_events(
    principal: Principal,
    *,
    event_type: str | None,
    biz_step: str | None,
    since: datetime | None,
    before: datetime | None,
    codes: Collection[str],
    after_at: datetime | None,
    after_id: int | None,
    limit: int,
) -> Select[CapturedEvent]:
    """Captured events naming every one of ``codes`` (a label's or a package's, in any
    field), in (time, id) order from the cursor on; a cursor standing on one of gimark's own
    events (``after_id`` None) admits every captured event of that time."""
    query = select(CapturedEvent).where(_scoped(principal, CapturedEvent.enterprise_id))
    if after_at is not None:
        query = query.where(
            CapturedEvent.event_time >= after_at
            if after_id is None
            else or_(
                CapturedEvent.event_time > after_at,
                and_(CapturedEvent.event_time == after_at, CapturedEvent.id > after_id),
            )
        )
    if event_type is not None:
        query = query.where(CapturedEvent.event_type == event_type)
    if biz_step is not None:
        query = query.where(CapturedEvent.biz_step == biz_step)
    if since is not None:
        query = query.where(CapturedEvent.event_time >= since)
    if before is not None:
        query = query.where(CapturedEvent.event_time < before)
    for code in codes:
        named = select(CapturedEpc.event_pk).where(CapturedEpc.code == code)
        query = query.where(CapturedEvent.id.in_(named))
    return query.order_by(CapturedEvent.event_time, CapturedEvent.id).limit(limit)
