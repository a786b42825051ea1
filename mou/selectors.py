"""Composite reads of the MoU app: the clause-by-clause diff between versions, the draft's
out-of-step list, and the state of review and signing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from collaboration.diff import DiffPart, word_diff

from .models import Clause, ClauseSnapshot, Mou, MouVersion


@dataclass(frozen=True)
class ClauseChange:
    """How one clause differs between two versions."""

    kind: str  # "added", "removed", "moved", "changed", "unchanged"
    old: ClauseSnapshot | None
    new: ClauseSnapshot | None
    moved: bool
    heading_en: list[DiffPart]
    text_en: list[DiffPart]
    heading_zh: list[DiffPart]
    text_zh: list[DiffPart]

    @property
    def position(self) -> int:
        return (self.new or self.old).position  # type: ignore[union-attr]


_FIELDS = ("heading_en", "text_en", "heading_zh", "text_zh")


def version_diff(*, old: MouVersion, new: MouVersion) -> list[ClauseChange]:
    """Compare two versions clause by clause (matched by key): added, removed, moved, changed."""
    before = {c.key: c for c in old.clauses.all()}
    after = {c.key: c for c in new.clauses.all()}
    # A move is a change of place relative to the clauses both versions share.
    shared_before = [k for k in sorted(before, key=lambda k: before[k].position) if k in after]
    shared_after = [k for k in sorted(after, key=lambda k: after[k].position) if k in before]
    rank_before = {k: i for i, k in enumerate(shared_before)}
    rank_after = {k: i for i, k in enumerate(shared_after)}
    changes = []
    for key in dict.fromkeys([*sorted(after, key=lambda k: after[k].position), *before]):
        o, n = before.get(key), after.get(key)
        diffs = {
            f: word_diff(getattr(o, f) if o else "", getattr(n, f) if n else "") for f in _FIELDS
        }
        if o is None:
            kind, moved = "added", False
        elif n is None:
            kind, moved = "removed", False
        else:
            moved = rank_before[key] != rank_after[key]
            changed = any(part.op != "equal" for parts in diffs.values() for part in parts)
            kind = "changed" if changed else ("moved" if moved else "unchanged")
        changes.append(ClauseChange(kind, o, n, moved, **diffs))
    return changes


def out_of_step_clauses(mou: Mou) -> list[Clause]:
    return [
        c
        for c in mou.clauses.filter(archived_at__isnull=True).order_by("position")
        if c.is_out_of_step
    ]


def mou_summary(mou: Mou) -> dict[str, Any]:
    """Where the MoU stands: current version, clearances, signatures."""
    versions = list(mou.versions.all())
    return {
        "current_version": versions[0] if versions else None,
        "clearances_missing": [c for c in mou.clearances.all() if c.decision != "cleared"],
        "signatories": list(mou.signatories.all()),
    }
