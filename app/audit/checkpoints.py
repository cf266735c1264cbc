"""Checkpoints: a (sequence, hash) pair held outside gimark that pins the ledger's history.

Recomputing the chain proves only that it is self-consistent: someone with database access can
delete the newest events, or rewrite an old one and recompute every hash after it, and the
chain still links. A checkpoint taken earlier (printed by ``gimark audit checkpoint``, or read
from the daily public notice) catches both: the ledger must still reach its sequence, and the
event there must still have its hash, since that hash covers every event before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import repository, service
from app.audit.service import ChainReport

CHECKPOINT_FORMAT = re.compile(r"^\s*(\d{1,18})\s*:\s*([0-9a-fA-F]{64})\s*$")
CHECKPOINT_HELP = "SEQ:HASH, the sequence number and 64-hex-digit hash of a chain head"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """``SEQ:HASH``; raises ValueError saying what a checkpoint looks like."""
        match = CHECKPOINT_FORMAT.match(text)
        if match is None or int(match[1]) < 1:
            raise ValueError(f"a checkpoint is {CHECKPOINT_HELP}, e.g. 42:{'ab' * 32}")
        return cls(int(match[1]), match[2].lower())

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def _broken(report: ChainReport, seq: int, problem: str) -> ChainReport:
    return replace(report, ok=False, first_broken_seq=seq, problem=problem)


async def verify(session: AsyncSession, checkpoint: Checkpoint | None = None) -> ChainReport:
    """Recompute the chain, then hold it to the checkpoint: still as long, still the same."""
    report = await service.verify_chain(session)
    if not report.ok or checkpoint is None:
        return report
    if report.head_seq < checkpoint.seq:
        removed = f"events {report.head_seq + 1}–{checkpoint.seq} were removed"
        problem = f"the chain ends at event {report.head_seq}, before checkpoint event "
        return _broken(report, report.head_seq + 1, f"{problem}{checkpoint.seq}: {removed}")
    if await repository.hash_at(session, checkpoint.seq) != checkpoint.hash:
        problem = (
            f"event {checkpoint.seq} no longer has the checkpoint's hash: history up to it "
            "was rewritten and the chain recomputed"
        )
        return _broken(report, checkpoint.seq, problem)
    return report


async def head(session: AsyncSession) -> Checkpoint:
    seq, head_hash = await service.checkpoint(session)
    return Checkpoint(seq, head_hash)
