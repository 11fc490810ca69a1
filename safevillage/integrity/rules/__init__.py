"""The integrity rules: each reads the register or the summaries with set-based queries and
returns its findings (``base.Finding``); ``run.run_checks`` stores them as flags."""

from __future__ import annotations

from collections.abc import Callable

from safevillage.integrity.rules import register, reports, summaries
from safevillage.integrity.rules.base import Finding, Scope

CHECKS: dict[str, Callable[[Scope], list[Finding]]] = {
    "implausible_drop": summaries.implausible_drop,
    "category_downgrade": register.category_downgrade,
    "users_as_dealers": register.users_as_dealers,
    "arrests_nowhere": register.arrests_nowhere,
    "quick_unfounded": register.quick_unfounded,
    "late_entry": register.late_entry,
    "edit_after_approval": reports.edit_after_approval,
    "complaints_lost": register.complaints_lost,
    "mediation_not_allowed": register.mediation_not_allowed,
    "solved_impossible": summaries.solved_impossible,
    "audit_chain_break": summaries.audit_chain_break,
    "regular_supplementary": reports.regular_supplementary,
}
