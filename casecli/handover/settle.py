"""Settling a planned import, whatever the bundle brought: one function for `import` and for
`inbox import`, which only ask what is undecided and print the tagged result.

A bundle is a receipt (the answer to a handover), a tracing request (read only), a supervisor's
decision, or cases. The first three need nobody's choice; cases may need the worker's (an unknown
sender, cases changed on both sides, possible duplicates, the confirmation), which the command
supplies as `ask`, called once before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from casecli.errors import CaseCliError
from casecli.handover.bundle import BundleReader
from casecli.handover.import_plan import ImportPlan, answer_handover, apply_plan, settle_receipt
from casecli.handover.incoming import ImportedMeanwhile
from casecli.store.db import Store


@dataclass(frozen=True)
class AlreadyImported:
    """The bundle was imported (or refused) before: nothing changed. `just_now`: by another casecli
    window while this one was checking it."""

    just_now: bool = False
    kind: Literal["already_imported"] = "already_imported"


@dataclass(frozen=True)
class ReceiptSettled:
    """A receipt: each named case's settlement (transferred, active_again, acknowledged …)."""

    reader: BundleReader
    reason: str
    cases: dict[str, str]
    kind: Literal["receipt"] = "receipt"


@dataclass(frozen=True)
class TracingRequestRead:
    """A partner's tracing request: shown, never written to this store."""

    reader: BundleReader
    request: dict
    sender_known: bool
    kind: Literal["tracing"] = "tracing"


@dataclass(frozen=True)
class DecisionSettled:
    """A supervisor's decision, checked and carried out: `done` says what it decided, on which case."""

    done: dict
    kind: Literal["decision"] = "decision"


@dataclass(frozen=True)
class CasesImported:
    """Cases written in one transaction: each case's outcome (added, brought_forward, replaced,
    kept_both, unchanged); for a handover, where its receipt was written (None: it could not be)."""

    outcomes: dict[str, str]
    handover: bool
    receipt: Path | None = None
    cases: list[str] = field(default_factory=list)
    kind: Literal["cases"] = "cases"


Settled = AlreadyImported | ReceiptSettled | TracingRequestRead | DecisionSettled | CasesImported


def settle(
    store: Store,
    plan: ImportPlan,
    today: dt.date,
    ask: Callable[[ImportPlan], None],
    progress: Callable[[int], None] | None = None,
) -> Settled:
    """Carry out a planned import. `ask(plan)` decides what only the worker can, for a bundle of
    cases (it raises `Cancelled` or `InvalidInput` to stop with nothing written)."""
    incoming = plan.incoming
    if plan.already_imported:
        return AlreadyImported()
    if incoming.receipt is not None:
        return ReceiptSettled(incoming.reader, incoming.receipt.get("reason") or "", settle_receipt(store, plan))
    if incoming.tracing is not None:  # read only: nothing is written to this store
        return TracingRequestRead(incoming.reader, incoming.tracing, plan.sender_known)
    if incoming.decision is not None:
        from casecli.handover.approvals import settle_decision

        decision, signature = incoming.decision
        return DecisionSettled(settle_decision(store, incoming.reader, decision, signature, today))
    ask(plan)
    try:
        outcomes = apply_plan(store, plan, progress)
    except ImportedMeanwhile:
        return AlreadyImported(just_now=True)
    newer_roster(store, incoming.meta.get("roster"))
    return CasesImported(outcomes, incoming.handover, cases=sorted(incoming.cases))


def newer_roster(store: Store, doc: object) -> bool:
    """Adopt the agency roster a bundle carried, when the agency key trusted here signed it and it
    is newer; another agency's roster, or none trusted here, is left alone."""
    from casecli.errors import InvalidInput
    from casecli.handover import roster

    if not isinstance(doc, dict) or roster.pinned(store) is None:
        return False
    try:
        with store.transaction():
            outcome, _known = roster.adopt(store, doc, "bundle")
    except InvalidInput:
        return False
    return outcome == "adopted"


def receipt_beside(store: Store, plan: ImportPlan, path: Path) -> Path | None:
    """The accepted receipt of an imported handover, written beside the bundle (`path`), else in
    the current folder; None when neither can be written. The import stands either way: the
    worker then tells the sender, in words, that the case was taken."""
    for target in dict.fromkeys((path, Path.cwd() / path.name)):
        try:
            answer_handover(store, plan, True, "", target)
            return target
        except (OSError, CaseCliError):
            continue
    return None
