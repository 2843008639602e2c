"""The caseload report on a terminal: one table per view of the team's work."""

from __future__ import annotations

from casecli.case.reads.report import kind_name
from casecli.forms.labels import label
from casecli.i18n import _, format_date, n_
from casecli.ui.render import group, shown, titled_table


def _span(value) -> str:
    return "—" if value is None else str(round(value))


def _counts(title: str, rows: list[dict], key: str, word):
    """A table of one count per worker and category (`key` of each row), or "" when there is none."""
    categories = sorted({category for row in rows for category in row[key]})
    if not categories:
        return ""
    table = titled_table(title, _("Case worker"), *(word(c) for c in categories))
    for row in rows:
        table.add_row(
            shown(row["case_worker"]) if row["case_worker"] else _("Team"),
            *(str(row[key].get(c, 0)) for c in categories),
        )
    return table


def legal_words(key: str) -> str:
    """A count of the legal pathway (case/reads/legal_counts.py) in the supervisor's words."""
    if key.startswith("asylum "):
        from casecli.ui.legal_views import status_words

        return _("asylum: {status}").format(status=status_words(key.removeprefix("asylum ")))
    return {
        "in_detention": _("in migration detention"),
        "days_held": _("days held in detention"),
        "incidents_unreported": _("incidents not yet reported"),
        "notifications_late": _("authority not notified in time"),
        "restitution_missing": _("restitution plan missing"),
    }.get(key, key)


def _legal_table(rows: list[dict]):
    """Legal and protection: one column a count, a row a worker (and the team)."""
    keys = sorted({k for row in rows for k, v in row.get("legal", {}).items() if v})
    if not keys:
        return None
    table = titled_table(_("Legal and protection"), _("Case worker"), *(legal_words(k) for k in keys))
    for row in rows:
        name = shown(row["case_worker"]) if row["case_worker"] else "[bold]" + _("Team") + "[/bold]"
        table.add_row(name, *(str(row.get("legal", {}).get(k, 0)) for k in keys))
    return table


def report_view(report: dict):
    rows = [*report["workers"], report["team"]]
    caseload = titled_table(
        _("Caseload on {date}").format(date=format_date(report["as_of"])),
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
    for table in (
        _counts(_("Open cases by stage"), rows, "by_stage", label),
        _counts(_("Overdue, by kind"), rows, "overdue", kind_name),
    ):
        if table:
            parts.append(table)
    legal = _legal_table(rows)
    if legal is not None:
        parts.append(legal)
    late = [(w["case_worker"], u) for w in report["workers"] for u in w["unvisited"]]
    if late:
        table = titled_table(
            _("No visit for longer than the risk level allows"), _("Case worker"), _("Case"), _("Risk"), _("Days")
        )
        for worker, case in late:
            table.add_row(shown(worker), shown(case["case"]), shown(label(case["risk"])), str(case["days"]))
        parts.append(table)
    for row in report.get("weakened", []):
        parts.append(
            "[yellow]"
            + shown(
                n_(
                    "{worker} made {setting} weaker on their laptop: {value} (the agency's is {default}),"
                    " recorded in {cases} case here",
                    "{worker} made {setting} weaker on their laptop: {value} (the agency's is {default}),"
                    " recorded in {cases} cases here",
                    row["cases"],
                ).format(
                    worker=row["case_worker"],
                    setting=row["setting"],
                    value=row["value"],
                    default=row["default"],
                    cases=row["cases"],
                )
            )
            + "[/yellow]"
        )
    if not report.get("roles_certified", True):
        from casecli.ui.notes_views import roles_not_certified

        parts.append("[yellow]" + roles_not_certified() + "[/yellow]")
    return group(parts)
