"""Clause references: every computed deadline, penalty, credit and invoice line cites one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ClauseRef:
    """An article of a contract (or of the law) a rule comes from.

    `contract` is a service line ("managed_hosting", "coaching_training") or "law".
    """

    contract: str
    article: str
    title: str = ""

    @property
    def short(self) -> str:
        if self.contract == "law":
            return self.article
        return f"Art. {self.article}"

    def __str__(self) -> str:
        return f"{self.short} — {self.title}" if self.title else self.short
