"""The reconciliation line of a print file: how many labels it holds, how many of the range
were left out, and why, so a print shop's count matches the batch's ledger.

Void (damaged or misprinted, taken out by the licensee) and revoked labels are never printed:
a reprint of a void label would put a dead code on a package, and a revoked one a code the
public page calls revoked. Their serials are simply missing from the file; this line says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Reasons in a fixed order, with their Chinese and English names.
REASONS = {"void": ("作废", "void"), "revoked": ("撤销", "revoked")}


@dataclass(frozen=True)
class PrintSummary:
    batch_id: int
    lot: str
    first_serial: int
    last_serial: int
    printed: int
    left_out: dict[str, int] = field(default_factory=dict)  # status value → count

    @property
    def left_out_total(self) -> int:
        return sum(self.left_out.values())

    def _reasons(self, language: int) -> str:
        parts = [
            f"{REASONS.get(status, (status, status))[language]} {count}"
            for status, count in sorted(self.left_out.items(), key=_reason_order)
            if count
        ]
        return ", ".join(parts)

    def english(self) -> str:
        line = (
            f"batch {self.batch_id} lot {self.lot}, serials {self.first_serial}-"
            f"{self.last_serial}: {self.printed} labels printed, {self.left_out_total} left out"
        )
        return line + (f" ({self._reasons(1)})" if self.left_out_total else "")

    def chinese(self) -> str:
        line = (
            f"批次 {self.batch_id} 批号 {self.lot} 序号 {self.first_serial}-{self.last_serial}："
            f"印制 {self.printed} 枚，未印 {self.left_out_total} 枚"
        )
        return line + (f"（{self._reasons(0)}）" if self.left_out_total else "")

    def csv_comment(self) -> str:
        """One ``#`` line ahead of the CSV header (most CSV tools skip it as a comment)."""
        return f"# {self.english()}; {self.chinese()}\n"

    def pdf_line(self) -> str:
        return f"{self.chinese()} / {self.english()}"


def _reason_order(item: tuple[str, int]) -> int:
    names = list(REASONS)
    return names.index(item[0]) if item[0] in names else len(names)
