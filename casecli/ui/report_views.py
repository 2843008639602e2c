"""The caseload report on a terminal: one table per view of the team's work."""

from __future__ import annotations

from casecli.case.report import kind_name
from casecli.forms.labels import label
from casecli.i18n import _
from casecli.ui.render import group, shown, titled_table


def _span(value) -> str:
    return "—" if value is None else str(round(value))


def report_view(report: dict):
    rows = [*report["workers"], report["team"]]
    caseload = titled_table(
        _("Caseload on {date}").format(date=report["as_of"]),
        _("Case worker"),
        _("Open"),
        label("high").capitalize(),
        label("medium").capitalize(),
        label("low").capitalize(),
        _("Overdue"),
        _("Approvals waiting (oldest, days)"),
        _("Days to an active plan (median)"),
        _("Visits made / planned"),
        _("Unvisited too long"),
    )
    for row in rows:
        unvisited = row["unvisited"] if isinstance(row["unvisited"], int) else len(row["unvisited"])
        caseload.add_row(
            shown(row["case_worker"]) if row["case_worker"] else "[bold]" + _("Team") + "[/bold]",
            str(row["open"]),
            str(row["by_risk"]["high"]),
            str(row["by_risk"]["medium"]),
            str(row["by_risk"]["low"]),
            str(row["overdue_total"]),
            f"{row['approvals_waiting']} ({_span(row['oldest_approval_days'])})",
            _span(row["days_to_plan_median"]),
            f"{row['visits_made']} / {row['visits_planned']}",
            str(unvisited),
        )
    parts: list = [caseload]
    stages = sorted({stage for row in rows for stage in row["by_stage"]})
    if stages:
        by_stage = titled_table(_("Open cases by stage"), _("Case worker"), *(label(s) for s in stages))
        for row in rows:
            by_stage.add_row(
                shown(row["case_worker"]) if row["case_worker"] else _("Team"),
                *(str(row["by_stage"].get(s, 0)) for s in stages),
            )
        parts.append(by_stage)
    kinds = sorted({kind for row in rows for kind in row["overdue"]})
    if kinds:
        overdue = titled_table(_("Overdue, by kind"), _("Case worker"), *(kind_name(k) for k in kinds))
        for row in rows:
            overdue.add_row(
                shown(row["case_worker"]) if row["case_worker"] else _("Team"),
                *(str(row["overdue"].get(k, 0)) for k in kinds),
            )
        parts.append(overdue)
    late = [(w["case_worker"], u) for w in report["workers"] for u in w["unvisited"]]
    if late:
        table = titled_table(
            _("No visit for longer than the risk level allows"), _("Case worker"), _("Case"), _("Risk"), _("Days")
        )
        for worker, case in late:
            table.add_row(shown(worker), shown(case["case"]), shown(label(case["risk"])), str(case["days"]))
        parts.append(table)
    return group(parts)
