"""What an import will do, decided before anything is written.

`plan_import` checks the bundle whole (signature, every record, every history) and returns an
`ImportPlan`: whether the bundle was imported already, whether its sender is a contact, what
happens to each case, which diverged cases still need the worker's choice, and which new cases
may be children already registered here. The command asks only about what is undecided, then
`apply_plan` writes everything in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from casecli.case.decisions import duplicates
from casecli.errors import BundleRejected, InvalidInput
from casecli.handover import incoming as bundles_in
from casecli.handover import mailbox_log, seen
from casecli.i18n import _
from casecli.store.db import Store

# What the worker may choose for a case changed on both sides (`--on-conflict` words -> actions).
CONFLICT_CHOICES = {"keep-local": "keep_local", "take-theirs": "take_theirs", "keep-both": "keep_both"}
# What happened to each case, by the action taken (or the decision, when nothing was written).
OUTCOMES = {
    "new": "added",
    "continues": "brought_forward",
    "take_theirs": "replaced",
    "keep_both": "kept_both",
}


def conflict_action(word: str | None) -> str | None:
    """The action for an `--on-conflict` word, or None when none was given."""
    if word is None:
        return None
    if word not in CONFLICT_CHOICES:
        raise InvalidInput(_("--on-conflict: expected keep-local, take-theirs or keep-both"))
    return CONFLICT_CHOICES[word]


@dataclass
class ImportPlan:
    path: Path
    incoming: bundles_in.Incoming
    already_imported: bool
    choices: dict[str, str] = field(default_factory=dict)  # diverged case -> keep_local|take_theirs|keep_both
    possible_duplicates: dict[str, list[str]] = field(default_factory=dict)  # new case -> local cases
    same_child: dict[str, list[str]] = field(default_factory=dict)  # the worker said: the same child

    @property
    def sender_known(self) -> bool:
        return self.incoming.known_sender is not None

    @property
    def diverged(self) -> list[bundles_in.IncomingCase]:
        return [c for _n, c in sorted(self.incoming.cases.items()) if c.decision == "diverged"]

    @property
    def brings_cases(self) -> bool:
        """A bundle of cases, not a receipt, a tracing request or a decision."""
        incoming = self.incoming
        return incoming.receipt is None and incoming.tracing is None and incoming.decision is None

    @property
    def undecided(self) -> list[str]:
        return [c.number for c in self.diverged if c.number not in self.choices]

    def unknown_sender(self) -> BundleRejected:
        reader = self.incoming.reader
        return BundleRejected(
            _(
                "{file} comes from {sender}, who is not in your contacts (fingerprint {fingerprint}): "
                "compare it with them, then use --trust-sender"
            ).format(file=self.path.name, sender=reader.sender_name, fingerprint=reader.fingerprint)
        )

    def require_decided(self) -> None:
        """Refuse to go on while a diverged case has no choice (nothing has been written)."""
        if self.undecided:
            raise InvalidInput(
                _(
                    "{number} diverged: choose with --on-conflict keep-local|take-theirs|keep-both; nothing was changed"
                ).format(number=", ".join(self.undecided))
            )

    def outcomes(self, done: dict[str, str]) -> dict[str, str]:
        """Each case's outcome code: added, brought_forward, replaced, kept_both, or unchanged."""
        out = {}
        for number, case in sorted(self.incoming.cases.items()):
            action = done.get(number) or self.choices.get(number) or case.decision
            out[number] = OUTCOMES.get(action, "unchanged")
        return out


def plan_import(
    store: Store,
    path: Path,
    today: dt.date,
    passphrase: Callable[[], str] | None = None,
    on_conflict: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Check the bundle and decide everything that needs no person; nothing is written."""
    action = conflict_action(on_conflict)

    # The children here each new child may be: those sharing a name key (each key read once).
    matches = duplicates.ChildrenHere(store, today).matches

    incoming = bundles_in.open_bundle(store, path, passphrase, progress, today, matches)
    plan = ImportPlan(path, incoming, seen.already_imported(store, incoming.reader.bundle_id))
    if plan.already_imported:
        return plan
    if action is not None:
        plan.choices = {c.number: action for c in plan.diverged}
    for number, case in sorted(incoming.cases.items()):
        if case.possible_duplicates:
            plan.possible_duplicates[number] = case.possible_duplicates
    return plan


def apply_plan(store: Store, plan: ImportPlan, progress: Callable[[int], None] | None = None) -> dict[str, str]:
    """Write the bundle as planned, in one transaction; returns each case's outcome code."""
    plan.require_decided()
    done = bundles_in.apply(store, plan.incoming, plan.choices, plan.same_child, progress)
    return plan.outcomes(done)


def settle_receipt(store: Store, plan: ImportPlan) -> dict[str, str]:
    """Apply a receipt (a bundle holding the receiver's answer to a handover) in one transaction."""
    from casecli.handover.pending import apply_receipt

    reader, receipt = plan.incoming.reader, plan.incoming.receipt
    assert receipt is not None
    with store.transaction():
        done = apply_receipt(store, receipt, reader.fingerprint, reader.sender_name)
        from casecli.store.witnesses import witness

        heads = {n: (h[0], h[1]) for n, h in receipt.get("heads", {}).items()}
        witness(store, heads, reader.fingerprint, reader.bundle_id, receipt["at"])
        if mailbox_log.acknowledged(store, receipt, reader.fingerprint):
            # a copy (or a decision, a request) has no handover to settle: its receipt closes the loop
            done = {number: "acknowledged" if what == "unknown" else what for number, what in done.items()}
        mailbox_log.heard(store, reader.fingerprint, reader.sender_name)
        seen.record_seen(
            store, reader.bundle_id, "received", f"{reader.sender_name} ({reader.fingerprint})", False, receipt["cases"]
        )
    return done


def answer_handover(store: Store, plan: ImportPlan, accepted: bool, reason: str, output: Path) -> dict:
    """Write the signed receipt of a handover; a refused one imports nothing and is remembered,
    so that the bundle is not imported by mistake later."""
    from casecli.handover.receipts import write_receipt

    incoming = plan.incoming
    if not incoming.handover or incoming.receipt is not None:
        raise InvalidInput(_("--refuse: {file} is not a handover").format(file=plan.path.name))
    if not accepted and not reason.strip():
        raise InvalidInput(_("--reason: say why the handover is refused"))
    if output.exists() and not output.is_dir():  # a folder (a mailbox inbox) takes a content-named file
        raise InvalidInput(_("--receipt: {path} already exists; choose another file name").format(path=output))
    written = write_receipt(
        store, incoming.reader, sorted(incoming.cases), accepted, reason.strip(), output, incoming.file_key
    )
    if not accepted:
        with store.transaction():
            seen.record_refused(store, incoming.reader)
    return written
