"""What an import did with each item of its input, for the summary it ends with.

Every item lands in exactly one outcome (imported, updated, unchanged, kept
because a person edited it, skipped with a reason), so the summary accounts
for all of them; warnings (remote images, unmapped categories) come beside.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

OUTCOMES = ("imported", "updated", "unchanged", "kept", "skipped")


class ImportFailed(Exception):
    """The input cannot be imported at all; each line reads 'path: what is wrong'."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True, slots=True)
class Outcome:
    item: str  # 'post 1149', 'line 12'
    outcome: str  # one of OUTCOMES
    detail: str  # the file written, or why it was skipped or kept


@dataclass
class ImportReport:
    """The outcomes and warnings of one import run, in input order."""

    source: str
    dry_run: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, item: str, outcome: str, detail: str) -> None:
        assert outcome in OUTCOMES, outcome
        self.outcomes.append(Outcome(item, outcome, detail))

    def warn(self, item: str, message: str) -> None:
        self.warnings.append((item, message))

    def counts(self) -> Counter:
        return Counter(o.outcome for o in self.outcomes)

    def lines(self) -> list[str]:
        """The report a person reads: changes and skips item by item, then totals."""
        shown = [f"{o.outcome:9} {o.item}: {o.detail}" for o in self.outcomes
                 if o.outcome != "unchanged"]
        shown += [f"warning   {item}: {message}" for item, message in self.warnings]
        shown += self.errors
        counts = self.counts()
        totals = ", ".join(f"{counts[name]} {name}" for name in OUTCOMES)
        prefix = "dry run, nothing written: " if self.dry_run else ""
        skipped = Counter(o.detail for o in self.outcomes if o.outcome == "skipped")
        reasons = "; ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
        shown.append(f"{prefix}{self.source}: {len(self.outcomes)} items: {totals}; "
                     f"{len(self.warnings)} warnings")
        if reasons:
            shown.append(f"skipped: {reasons}")
        return shown
