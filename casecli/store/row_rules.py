"""The rules of a stored case row and event row, declared once.

Two checks are derived from each declaration: `well_formed`, in plain Python, for the rows casecli
builds itself (a registration, an event: no SQLModel to import, which costs a write command a fifth
of a second), and the SQLModel models in `store/records.py` (`CaseRow`, `EventRow`), for rows that
come from outside (a bundle). The SQL schema's NOT NULL columns are the declaration's required and
defaulted ones (a test holds the three together).
"""

from __future__ import annotations

from dataclasses import dataclass

REQUIRED = object()  # a column with no default: it must be given


@dataclass(frozen=True)
class Column:
    """One column's rules: its Python type, whether it may be None, its default (REQUIRED: none),
    and the bounds of its length (text) or value (a whole number), or the values it may take."""

    kind: type
    optional: bool = False
    default: object = REQUIRED
    shortest: int = 0
    longest: int | None = None
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] | None = None

    def holds(self, value: object) -> bool:
        if value is None:
            return self.optional
        if self.choices is not None:
            return value in self.choices
        if self.kind is bool:
            return isinstance(value, bool)
        if self.kind is int:
            return (
                isinstance(value, int)
                and not isinstance(value, bool)
                and (self.low is None or value >= self.low)
                and (self.high is None or value <= self.high)
            )
        return (
            isinstance(value, str)
            and len(value) >= self.shortest
            and (self.longest is None or len(value) <= self.longest)
        )


TEXT = Column(str)
MAYBE_TEXT = Column(str, optional=True, default=None)
CASE_STATUSES = ("open", "closed", "handover_pending", "transferred", "copy")
RISKS = ("high", "medium", "low")

CASE: dict[str, Column] = {
    "case_number": Column(str, shortest=8, longest=24),
    "form_id": TEXT,
    "form_version": Column(int, low=1),
    "answers": TEXT,
    "child_name": Column(str, shortest=1),
    "search_text": TEXT,
    "sex": MAYBE_TEXT,
    "date_of_birth": MAYBE_TEXT,
    "age_estimate": Column(int, optional=True, default=None, low=0, high=30),
    "risk": Column(str, choices=RISKS),
    "status": Column(str, default="open", choices=CASE_STATUSES),
    "case_worker": Column(str, shortest=1),
    "registered_on": TEXT,
    "created_at": TEXT,
    "updated_at": TEXT,
    "incomplete": Column(bool, default=False),
    "demo": Column(bool, default=False),
    "assessment_due": MAYBE_TEXT,
    "plan_due": MAYBE_TEXT,
    "stage": Column(str, default="registered"),
    "next_due": MAYBE_TEXT,
}

EVENT: dict[str, Column] = {
    "case_number": TEXT,
    "seq": Column(int, low=1),
    "at": TEXT,
    "actor": Column(str, shortest=1),
    "kind": Column(str, shortest=1),
    "summary": TEXT,
    "changes": TEXT,
    "prev_hash": Column(str, shortest=64, longest=64),
    "hash": Column(str, shortest=64, longest=64),
}


def defaults(rules: dict[str, Column]) -> dict[str, object]:
    return {name: column.default for name, column in rules.items() if column.default is not REQUIRED}


def problems(rules: dict[str, Column], row: dict) -> list[str]:
    """The columns of `row` (its defaults filled in) that break `rules`, and those it should not have."""
    full = {**defaults(rules), **row}
    wrong = [name for name, column in rules.items() if not column.holds(full.get(name))]
    return wrong + sorted(set(full) - set(rules))


def well_formed(rules: dict[str, Column], row: dict, what: str) -> dict:
    """`row` with its defaults, or ValueError naming the columns that break the rules (a row casecli
    built itself that breaks them is a bug: nothing is written)."""
    wrong = problems(rules, row)
    if wrong:
        raise ValueError(f"{what} casecli built is malformed: {', '.join(wrong)}")
    return {**defaults(rules), **row}
