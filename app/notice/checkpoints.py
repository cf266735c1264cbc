"""Publishing the ledger's head in the public notices, once per local calendar day.

A checkpoint is only worth something if it is held by someone other than the operator: a
daily public notice lets any journalist, licensee or shopper copy today's (sequence, hash) and
later ask for ``verify?checkpoint=SEQ:HASH``; removing or rewriting anything up to that
event can then no longer go unnoticed. Both the cron command and the daily `audit.checkpoint`
job (app/jobs/periodic.py) call
:func:`publish_checkpoint`; the notice's unique (kind, day) key makes a second publication on
the same day, by any worker, a no-op.

The notice is published here with ``publish_once`` rather than by the transition helper: the
helper publishes unconditionally, and two workers racing on the same day must see one of them
lose quietly (its insert rolled back to a savepoint) and record nothing. The audit event is
recorded through the helper once the notice is known to be this worker's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import checkpoints
from app.audit.transition import record_transition
from app.core import notices
from app.core.notices import NoticeKind, PublicNotice
from app.core.principal import SYSTEM
from app.core.time import public_date, public_datetime, utcnow


def local_day(moment: datetime) -> date:
    """Public calendar days are days in the deployment's zone (DESIGN §6)."""
    return public_date(moment)


def local_time(iso: str) -> str:
    """A stored UTC timestamp as a Wuyuan reader sees it: "2026-11-30 12:05 (UTC+8)"."""
    moment = public_datetime(datetime.fromisoformat(iso))
    offset = moment.utcoffset() or timedelta()
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    minutes = f":{rest // 60:02d}" if rest else ""
    return f"{moment:%Y-%m-%d %H:%M} (UTC{hours:+d}{minutes})"


def day_key(day: date) -> int:
    """The notice's subject id for a day: 2026-11-30 → 20261130."""
    return day.year * 10_000 + day.month * 100 + day.day


async def publish_checkpoint(
    session: AsyncSession, now: datetime | None = None
) -> PublicNotice | None:
    """Today's checkpoint notice, or None when today's is already out or the ledger is empty."""
    now = now or utcnow()
    day = local_day(now)
    if await notices.is_published(session, NoticeKind.AUDIT_CHECKPOINT, day_key(day)):
        return None
    head = await checkpoints.head(session)
    if head.seq == 0:
        return None
    detail = {"seq": head.seq, "hash": head.hash, "taken_at": now.isoformat(), "day": str(day)}
    about = notices.Subject(detail=detail)
    notice = await notices.publish_once(session, NoticeKind.AUDIT_CHECKPOINT, day_key(day), about)
    if notice is not None:
        await record_transition(
            session, SYSTEM, "audit.checkpoint_publish", "public_notice", notice.id, after=detail
        )
    return notice
