"""Records made before a rule existed that break it now: the case is not changed (what happened is
history), but `show` and the agenda say so, so a supervisor looks again.

Each rule is one query over every case (or one), cheap enough for the agenda: a closure as a
durable solution with no approving BID before it; a return while an asylum claim protected the
child; "reached adulthood" on a disputed age no assessment settled; a family verified against the
child's wish or with facts not matching, weighed by no BIA or BID; a closure as reunified before
the follow-up period ended, with no confirmation of who follows the child.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from casecli.canonical import may_hold_sql
from casecli.store import settings

if TYPE_CHECKING:
    from casecli.store.db import Store


@dataclass(frozen=True)
class Breach:
    case_number: str
    rule: str  # one of RULES
    on: str  # the day of the record that breaks it
    detail: str  # a code the rule's sentence takes (a closure reason), never child data

    def as_dict(self) -> dict:
        return asdict(self)


WITHOUT_PARENTS = (
    "coalesce(json_extract(c.answers, '$.protection_status'), 'unaccompanied') IN ('unaccompanied', 'separated')"
)
SOLUTION = (
    "CASE x.reason WHEN 'repatriated' THEN 'repatriation' WHEN 'resettled' THEN 'resettlement_to_3rd_country'"
    " ELSE 'local_integration' END"
)
OPEN_CLOSURE = "x.reopened_on IS NULL"
DISPUTED = may_hold_sql("c.answers", '"age_disputed"')
QUERIES = {
    "durable_solution_without_bid": f"""
        SELECT x.case_number, x.closed_on, x.reason FROM closures x JOIN cases c ON c.case_number = x.case_number
        WHERE {OPEN_CLOSURE} AND x.reason IN ('repatriated', 'resettled', 'locally_integrated') AND {WITHOUT_PARENTS}
        AND NOT EXISTS (SELECT 1 FROM best_interests b WHERE b.case_number = x.case_number AND b.kind = 'bid'
            AND b.on_date <= x.closed_on AND json_extract(b.answers, '$.decision') = 'approves'
            AND json_extract(b.answers, '$.durable_solution') = {SOLUTION})""",
    "returned_while_protected": """
        SELECT x.case_number, x.closed_on, x.reason FROM closures x
        WHERE x.reopened_on IS NULL AND x.reason = 'repatriated' AND EXISTS (
            SELECT 1 FROM legal a WHERE a.case_number = x.case_number AND a.kind = 'asylum_claim'
            AND a.on_date <= x.closed_on AND json_extract(a.answers, '$.wants_asylum')
            AND NOT EXISTS (SELECT 1 FROM legal s WHERE s.parent = a.uid AND s.on_date <= x.closed_on
                AND json_extract(s.answers, '$.step') IN ('final', 'withdrawn')))""",
    "adulthood_on_disputed_age": f"""
        SELECT x.case_number, x.closed_on, x.reason FROM closures x JOIN cases c ON c.case_number = x.case_number
        WHERE x.reopened_on IS NULL AND x.reason = 'reached_adulthood'
        AND {DISPUTED} AND json_extract(c.answers, '$.age_disputed')
        AND NOT EXISTS (SELECT 1 FROM legal l WHERE l.case_number = x.case_number AND l.kind = 'age_assessment'
            AND l.on_date <= x.closed_on AND coalesce(json_extract(l.answers, '$.appeal'), '') <> 'pending')""",
    "verified_against_the_child": """
        SELECT t.case_number, t.on_date, '' FROM tracing t
        WHERE t.kind = 'verification' AND json_extract(t.answers, '$.verified')
        AND (json_extract(t.answers, '$.child_wishes_reunification') = 0
             OR json_extract(t.answers, '$.information_matches') = 0)
        AND coalesce(json_extract(t.answers, '$.weighed_in'), '') = ''""",
    "reunified_without_follow_up": """
        SELECT x.case_number, x.closed_on, x.reason FROM closures x
        WHERE x.reopened_on IS NULL AND x.reason = 'reunified'
        AND coalesce(json_extract(x.answers, '$.follow_up_confirmation'), '') = ''
        AND EXISTS (SELECT 1 FROM tracing t WHERE t.case_number = x.case_number AND t.kind = 'reunification'
            AND coalesce((SELECT max(v.visited_on) FROM visits v WHERE v.case_number = x.case_number
                          AND v.visited_on > t.on_date), '') < date(t.on_date, '+' || :follow_up || ' days'))""",
}
RULES = tuple(QUERIES)


def breaches(store: Store, number: str | None = None) -> list[Breach]:
    """Every breach of the rules above, of one case or of all (oldest first)."""
    found: list[Breach] = []
    params: dict[str, object] = {"follow_up": settings.get(store, "reunification.follow_up_days")}
    for rule, sql in QUERIES.items():
        if rule == "durable_solution_without_bid" and not settings.get(store, "bid.required_for_durable_solutions"):
            continue
        scoped = sql
        if number is not None:
            scoped = f"SELECT * FROM ({sql}) WHERE case_number = :number"
            params["number"] = number
        wanted = {k: v for k, v in params.items() if f":{k}" in scoped}
        found.extend(Breach(n, rule, on, detail or "") for n, on, detail in store.conn.execute(scoped, wanted))
    return sorted(found, key=lambda b: (b.on, b.case_number, b.rule))


def breach_words(breach: Breach) -> str:
    """The rule a record breaks, in the worker's words (the closure's reason as a label)."""
    from casecli.forms.labels import answer
    from casecli.i18n import _

    reason = answer("closure", "reason", breach.detail) if breach.detail else ""
    return {
        "durable_solution_without_bid": _("closed ({reason}) without a BID that approved it"),
        "returned_while_protected": _("closed ({reason}) while an asylum claim protected the child"),
        "adulthood_on_disputed_age": _("closed ({reason}) on a disputed age no age assessment settled"),
        "verified_against_the_child": _(
            "family verified against the child's wish or with facts not matching, weighed by no BIA or BID"
        ),
        "reunified_without_follow_up": _("closed ({reason}) before the follow-up period ended"),
    }[breach.rule].format(reason=reason)
