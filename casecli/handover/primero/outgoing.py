"""Cases out in Primero's shape: one `{"data": {...}}` per case, every value checked against the
target's schema, and a summary of every value left out or approximated, made before anything is
written. Exporting is a sharing with another system: checked against the consent (other
organisations) and recorded in the case's history like a bundle."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from casecli.errors import CaseCliError, InvalidInput
from casecli.handover.primero import SYSTEM
from casecli.handover.primero.sources import NO_HOME, CaseSources, sources_of
from casecli.handover.primero.target import Target, fit, mapping, stable_id
from casecli.i18n import _
from casecli.store.db import Store

SCOPE = ["other_organisations"]  # what the consent must allow: another organisation's system


@dataclass
class Loss:
    """One value that does not reach Primero as it is in casecli."""

    case: str
    field: str  # where it is in casecli: "registration.sex", "family.child_wants_contact"
    to: str | None  # the Primero field it was meant for (None: Primero has none)
    value: Any
    what: str  # "lost", "approximated", "no field"
    why: str
    sent: Any = None  # what was sent instead (approximated)


@dataclass
class PrimeroExport:
    records: list[dict]
    numbers: list[str] = field(default_factory=list)  # the case of each record, in order
    losses: list[Loss] = field(default_factory=list)
    no_home: dict[str, dict[str, int]] = field(default_factory=dict)
    notes_carried: int = 0
    schema: str = ""

    def summary(self) -> dict:
        """What the summary shows and `--json` prints: counts, and every loss per case and field."""
        totals: Counter[str] = Counter()
        for counts in self.no_home.values():
            totals.update(counts)
        return {
            "cases": len(self.records),
            "schema": self.schema,
            "losses": [asdict(loss) for loss in self.losses],
            "no_home": {k: totals.get(k, 0) for k in NO_HOME},
            "notes_carried": self.notes_carried,
        }


def external_ids(store: Store, number: str) -> tuple[str, str | None]:
    """The case's Primero id (the one Primero gave it, for a case imported from Primero; else one
    derived from the case number, the same on every laptop) and the other_agency_id it had there."""
    row = store.conn.execute(
        "SELECT external_id, agency_id FROM external_ids WHERE case_number = ? AND system = ?", (number, SYSTEM)
    ).fetchone()
    return (row[0], row[1]) if row else (stable_id("case", number), None)


def case_data(
    store: Store, number: str, target: Target, today: dt.date, notes: bool
) -> tuple[dict, list[Loss], dict[str, int], int]:
    """One case as Primero's `data`, the values lost on the way, what has no home, notes carried."""
    rules = mapping()
    sources = sources_of(store, number, today)
    losses: list[Loss] = []
    primero_id, agency_id = external_ids(store, number)
    data: dict[str, Any] = {"id": primero_id}
    if target.has("module_id"):
        data["module_id"] = rules["module_id"]
    taken: set[str] = set()
    for rule in rules["fields"]:
        source = rule.get("from")
        if source:
            taken.add(source)
        value = rule.get("value") if source is None else sources.values.get(source)
        if value is None:
            continue
        _put(data, rule, value, target, losses, number, source or rule["to"], None)
    if agency_id and data.get("other_agency_id") != agency_id:  # a case from Primero keeps its id there
        losses.append(
            Loss(
                number,
                "case.case_number",
                "other_agency_id",
                number,
                "lost",
                _("the case keeps Primero's own other_agency_id"),
            )
        )
        data["other_agency_id"] = agency_id
    for name, value in sources.answers.items():
        if name not in taken:
            losses.append(Loss(number, name, None, value, "no field", _("Primero's case has no field for it")))
    for sub in rules["subforms"]:
        items = sources.lists.get(sub["from"], [])
        if not items:
            continue
        if not target.has(sub["to"]):
            for item in items:
                losses.append(
                    Loss(
                        number,
                        sub["from"],
                        sub["to"],
                        item.get("uid"),
                        "lost",
                        _("no such subform in the target's schema"),
                    )
                )
            continue
        data[sub["to"]] = [_item(sub, item, target, losses, number) for item in items]
    carried = 0
    if notes and sources.notes:
        carried = _carry_notes(data, rules["notes"], sources, target, losses)
    problems = target.check_whole(data)
    if problems:  # every value was checked: a whole-case error is casecli's mistake, never written
        raise CaseCliError(
            _("export --primero: {number} does not validate against {schema}: {problem} (nothing was written)").format(
                number=number, schema=target.path.name, problem=problems[0]
            )
        )
    return data, losses, sources.no_home, carried


def _put(
    data: dict, rule: dict, value: Any, target: Target, losses: list, number: str, name: str, sub: str | None
) -> None:
    result = fit(target, rule, value, sub)
    if result.what == "lost":
        losses.append(Loss(number, name, rule["to"], value, "lost", result.why))
        return
    if result.what == "approximated":
        losses.append(
            Loss(number, name, rule["to"], value, "approximated", _("the mapping's closest option"), result.value)
        )
    data[rule["to"]] = result.value


def _item(sub: dict, item: dict, target: Target, losses: list, number: str) -> dict:
    out: dict[str, Any] = {}
    if target.has("unique_id", sub["to"]):
        out["unique_id"] = stable_id(sub["to"], str(item.get("uid")))
    taken = {"uid"}
    for rule in sub["fields"]:
        source = rule.get("from")
        if source:
            taken.add(source)
        value = rule.get("value") if source is None else item.get(source)
        if value is None:
            continue
        _put(out, rule, value, target, losses, number, f"{sub['from']}.{source or rule['to']}", sub["to"])
    for key, value in item.items():
        if key not in taken and value not in (None, "", []):
            losses.append(
                Loss(
                    number, f"{sub['from']}.{key}", None, value, "no field", _("Primero's subform has no field for it")
                )
            )
    return out


def _carry_notes(data: dict, rule: dict, sources: CaseSources, target: Target, losses: list) -> int:
    """What has no home, as notes in the subform the mapping names (`--notes`)."""
    subform, names = rule["to"], rule["fields"]
    if not target.has(subform):
        losses.append(Loss(sources.number, "notes", subform, None, "lost", _("no such subform in the target's schema")))
        return 0
    notes = data.setdefault(subform, [])
    for index, note in enumerate(sources.notes):
        item: dict[str, Any] = {"unique_id": stable_id(subform, f"{sources.number}:{index}:{note['subject']}")}
        for key, to in names.items():
            value = note.get(key)
            if key == "date" and value:
                value = f"{value}T00:00:00Z"
            if value is not None and target.has(to, subform) and target.refusal(to, value, subform) is None:
                item[to] = value
        notes.append(item)
    return len(sources.notes)


def prepare(
    store: Store,
    numbers: list[str],
    target: Target,
    today: dt.date,
    notes: bool,
    advance: Callable[[], None] | None = None,
) -> PrimeroExport:
    """Every case's data and the summary, before anything is written or recorded."""
    export = PrimeroExport([], schema=target.path.name)
    for number in numbers:
        data, losses, no_home, carried = case_data(store, number, target, today, notes)
        export.records.append({"data": data})
        export.numbers.append(number)
        export.losses += losses
        export.no_home[number] = no_home
        export.notes_carried += carried
        if advance is not None:
            advance()
    return export


def cases_to_export(store: Store, numbers: list[str], everything: bool) -> list[str]:
    from casecli.case.file.lookup import resolve

    if everything and numbers:
        raise InvalidInput(_("export --primero: give case numbers or --all, not both"))
    if everything:  # open and closed: Primero keeps a closed case, and learns of its closure
        me = store.profile().get("name")
        found = [
            n
            for (n,) in store.conn.execute(
                "SELECT case_number FROM cases WHERE case_worker = ? ORDER BY case_number", (me,)
            )
        ]
        if not found:
            raise InvalidInput(_("export --primero --all: no case of yours in this store (nothing was written)"))
        return found
    if not numbers:
        raise InvalidInput(_("export --primero: name the cases to export, or --all"))
    return list(dict.fromkeys(resolve(store, n) for n in numbers))


def check_sharing(store: Store, numbers: list[str], override: str | None) -> dict[str, dict]:
    """Refuse a case whose consent does not cover other organisations, unless a reason is recorded
    (--override-reason) and, where the agency wants it, a supervisor approved exactly this sharing
    (the request is recorded then). Returns the approvals the export spends."""
    from casecli.case.decisions import approvals
    from casecli.case.decisions.consent import sharing_problem
    from casecli.errors import ApprovalNeeded

    beyond = {n: why for n in numbers if (why := sharing_problem(store, n, SCOPE))}
    if beyond and not (override or "").strip():
        number, why = next(iter(beyond.items()))
        raise InvalidInput(
            _(
                "export --primero: {number}: {why}; to share with the agency's information system anyway, record why"
                " with --override-reason (nothing was written)"
            ).format(number=", ".join(beyond) if len(beyond) > 1 else number, why=why)
        )
    if not beyond or not approvals.needed(store, "sharing_beyond_consent"):
        return {}
    subject = approvals.sharing_subject([PRIMERO_RECIPIENT], False, override or "")
    approved, missing = approvals.sharings_approved(store, dict.fromkeys(beyond, "sharing_beyond_consent"), subject)
    if not missing:
        return approved
    raise ApprovalNeeded(
        _(
            "export --primero: {numbers}: sharing beyond consent waits for a supervisor's approval; send the request"
            " with `casecli approval request {number}` and export again once their decision is imported (nothing"
            " was written)"
        ).format(numbers=", ".join(missing), number=missing[0])
    )


# Whom a supervisor approves sharing with: the agency's Primero (no person, no key).
PRIMERO_RECIPIENT = {"name": "Primero", "agency": "the agency's information system", "fingerprint": "primero"}


def record_export(store: Store, export: PrimeroExport, spent: dict[str, dict], override: str | None, how: str) -> None:
    """Each case's history says it was shared with Primero (`how`: a file's name, or a server), with
    the consent reason and the approval spent; call in the transaction that writes the file."""
    from casecli.case.decisions import approvals
    from casecli.case.file.history import append_event

    actor = store.profile().get("name", "")
    lost = Counter(loss.case for loss in export.losses if loss.what != "approximated")
    for number, record in zip(export.numbers, export.records, strict=True):
        changes = {"to": SYSTEM, "id": record["data"]["id"], "how": how, "left_out": lost.get(number, 0)}
        if number in spent:
            changes["override"] = (override or "").strip()
            approvals.spend(store, spent[number], "Shared with Primero beyond consent (approved)", {"to": SYSTEM})
        elif (override or "").strip():
            changes["override"] = (override or "").strip()
        append_event(store, number, actor, "primero export", f"Shared with the agency's Primero ({how})", changes)
